#!/bin/bash
# -V/--version, --help and --usage answer on stdout, alone, and exit 0:
#  - -V and --version print exactly one line "epolltrace X.Y.Z", the
#    version the man page's header states (.TH ... "epolltrace X.Y.Z");
#  - --help starts with its usage line and names every option;
#  - --usage is the short usage and names --json.
# MAN (default man/epolltrace.8) may be overridden.
. "$(dirname "$0")/../lib.sh"

MAN=${MAN:-$ROOT/man/epolltrace.8}
want=$(sed -nE 's/^\.TH .*"epolltrace ([^"]+)".*/\1/p' "$MAN")
[[ $want =~ ^[0-9]+\.[0-9]+\.[0-9]+$ ]] || fail "no 'epolltrace X.Y.Z' version in the .TH line of $MAN (found '$want')"

for opt in -V --version; do
	"$ET" "$opt" >"$T/v" 2>"$T/v.err" || fail "$opt exited $?"
	[ -s "$T/v.err" ] && fail "$opt wrote to stderr: $(cat "$T/v.err")"
	[ "$(wc -l <"$T/v")" = 1 ] || fail "$opt printed $(wc -l <"$T/v") lines, not one: $(cat "$T/v")"
	[ "$(cat "$T/v")" = "epolltrace $want" ] ||
		fail "$opt printed '$(cat "$T/v")', wanted 'epolltrace $want' (the man page's version)"
done

"$ET" --help >"$T/help" 2>"$T/help.err" || fail "--help exited $?"
[ -s "$T/help.err" ] && fail "--help wrote to stderr: $(cat "$T/help.err")"
head -1 "$T/help" | grep -q '^Usage: epolltrace ' || fail "--help does not start with its usage line: $(head -1 "$T/help")"
for opt in -p -f -o --json -v --epfd --fd -c --stall --backend --usage -V; do
	grep -q -- "$opt" "$T/help" || fail "--help does not mention $opt"
done
"$ET" --usage >"$T/usage" 2>"$T/usage.err" || fail "--usage exited $?"
[ -s "$T/usage.err" ] && fail "--usage wrote to stderr: $(cat "$T/usage.err")"
head -1 "$T/usage" | grep -q '^Usage: epolltrace ' || fail "--usage does not start with 'Usage: epolltrace': $(head -1 "$T/usage")"
grep -q -- '--json' "$T/usage" || fail "--usage does not mention --json"
echo "ok: epolltrace $want"
