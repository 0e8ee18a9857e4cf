#!/bin/bash
# -o to a path that cannot be opened: one line `epolltrace: ...`,
# non-zero exit, and the command is not run.
. "$(dirname "$0")/../lib.sh"

mkdir "$T/dir"
for out in /nonexistent/dir/trace.json "$T/dir"; do
	timeout 10 "$ET" -o "$out" -- touch "$T/ran" >"$T/stdout" 2>"$T/err"
	rc=$?
	[ "$rc" != 0 ] || fail "-o $out: exit status 0"
	[ "$rc" -lt 124 ] || fail "-o $out: exit status $rc (timeout or signal)"
	[ "$(wc -l <"$T/err")" = 1 ] || { cat "$T/err"; fail "-o $out: stderr is not one line"; }
	grep -q '^epolltrace: ' "$T/err" || fail "-o $out: error does not start with 'epolltrace: ': $(cat "$T/err")"
	[ ! -e "$T/ran" ] || fail "-o $out: the command ran anyway"
done

# Opens, but every write fails (ENOSPC): the trace is lost, which must be
# said, and the exit status must not claim success.
timeout 20 "$ET" -o /dev/full -- "$TOOLS/epoll_calls" >/dev/null 2>"$T/err"
rc=$?
[ "$rc" != 0 ] || fail "-o /dev/full: exit status 0, the trace was silently lost"
grep -q '^epolltrace: ' "$T/err" || { cat "$T/err"; fail "-o /dev/full: no 'epolltrace: ' error on stderr"; }
echo ok
