#!/bin/bash
# Launch mode returns the command's exit status; a command killed by a
# signal gives a non-zero status and an exit record naming the signal.
. "$(dirname "$0")/../lib.sh"

for code in 0 3 42; do
	timeout 20 "$ET" -o "$T/out" -- sh -c "exit $code"
	rc=$?
	[ "$rc" = "$code" ] || fail "sh -c 'exit $code': epolltrace exited $rc"
done
timeout 20 "$ET" --json -o "$T/kill.json" -- sh -c 'kill -KILL $$'
rc=$?
[ "$rc" != 0 ] && [ "$rc" != 124 ] || fail "command killed by SIGKILL: epolltrace exited $rc"
grep -q '"event":"exit".*"signal":"SIGKILL"' "$T/kill.json" || { cat "$T/kill.json"; fail "no exit record with signal SIGKILL"; }
# Exit status of a traced workload with a child: the parent's.
timeout 20 "$ET" -f -o "$T/out" -- sh -c '(exit 9); exit 4'
rc=$?
[ "$rc" = 4 ] || fail "-f: epolltrace exited $rc, the command 4"
echo ok
