#!/bin/bash
# -V, --help and --usage answer and exit 0; --help names every option.
. "$(dirname "$0")/../lib.sh"

"$ET" -V >"$T/v" 2>&1 || fail "-V exited $?"
grep -q '[0-9]' "$T/v" || fail "-V shows no version: $(cat "$T/v")"
"$ET" --help >"$T/help" 2>&1 || fail "--help exited $?"
for opt in -p -f -o --json -v --epfd --fd -c --stall --backend --usage -V; do
	grep -q -- "$opt" "$T/help" || fail "--help does not mention $opt"
done
"$ET" --usage >"$T/usage" 2>&1 || fail "--usage exited $?"
grep -q -- '--json' "$T/usage" || fail "--usage does not mention --json"
echo ok
