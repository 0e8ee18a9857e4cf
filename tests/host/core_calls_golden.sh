#!/bin/bash
# The exact text output on tools/epoll_calls, in strace's manner: the
# workload writes to $WL_TEXT the line `epolltrace -o` must print for each
# of its calls (tools/epoll_expect.h), and the trace, normalised by
# tests/text_norm.py, must equal it line for line (diff).
# Normalised: timestamps and durations (unknowable), the order of a close's
# "(was in ...)" list (hash order).  Left out: the header (checked apart:
# it names the backend) and the "~~ ready" lines, whose presence and place
# among the calls depend on the backend and on timing.  Any other line, a
# warning say, stays in and fails the diff.  pids, fd numbers and fd
# descriptions (inode numbers, ports) are compared exactly.
. "$(dirname "$0")/../lib.sh"

WL_TEXT=$T/expected.txt timeout 60 "$ET" -o "$T/out.txt" -- "$TOOLS/epoll_calls" \
	>"$T/expect.json" 2>"$T/stderr" || { rc=$?; cat "$T/stderr"; fail "epolltrace exited $rc"; }
[ -s "$T/expected.txt" ] || fail "the workload wrote no expected text (WL_TEXT)"
pid=$(head -1 "$T/expected.txt" | sed -nE 's/^\[([0-9]+)\].*/\1/p')
[ -n "$pid" ] || fail "no pid in the expected text: $(head -1 "$T/expected.txt")"
python3 "$ROOT/tests/text_norm.py" "$T/out.txt" "$pid" >"$T/got.txt" ||
	{ head -3 "$T/out.txt"; fail "the trace's text is malformed"; }
if ! diff -u "$T/expected.txt" "$T/got.txt" >"$T/diff"; then
	head -60 "$T/diff"
	fail "the text output differs from what the workload expects ($(grep -c '^-[^-]' "$T/diff") line(s) expected, not printed as such)"
fi
# Nothing but the header on stderr (warnings would show here too).
if grep -v '^epolltrace: tracing pid' "$T/stderr" | grep -q .; then
	cat "$T/stderr"
	fail "unexpected messages on stderr"
fi
echo "ok: $(wc -l <"$T/expected.txt") lines exactly as expected"
