#!/bin/bash
# tests/vm/guest/version.sh: the static tracer starts on the guest's
# kernel: -V prints exactly "epolltrace X.Y.Z", the man page's version.
. "$(dirname "$0")/../judge-lib.sh"
want=$(sed -nE 's/^\.TH .*"epolltrace ([^"]+)".*/\1/p' "$ROOT/man/epolltrace.8")
[ -n "$want" ] || fail "no version in the man page's .TH line"
rc=$(cat "$R/version.rc" 2>/dev/null)
[ "$rc" = 0 ] || fail "epolltrace -V exited ${rc:-?}: $(cat "$R/version.out" "$R/version.err")"
[ -s "$R/version.err" ] && fail "epolltrace -V wrote to stderr: $(cat "$R/version.err")"
[ "$(cat "$R/version.out")" = "epolltrace $want" ] ||
	fail "epolltrace -V printed '$(cat "$R/version.out")', wanted 'epolltrace $want'"
echo "ok: epolltrace $want"
