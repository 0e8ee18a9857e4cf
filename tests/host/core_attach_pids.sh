#!/bin/bash
# -p A,B: two processes attached at once (one of them threaded), each after
# its registrations; both traced in full, and epolltrace ends by itself
# once both have exited.
. "$(dirname "$0")/../lib.sh"

WL_SYNC=$T/a "$TOOLS/epoll_calls" >"$T/a.expect" & a=$!
WL_SYNC=$T/b "$TOOLS/epoll_threads" >"$T/b.expect" & b=$!
BG_PIDS+=("$a" "$b")
for _ in $(seq 500); do [ -e "$T/a.ready" ] && [ -e "$T/b.ready" ] && break; sleep 0.01; done
[ -e "$T/a.ready" ] && [ -e "$T/b.ready" ] || fail "workloads never reached their sync points"
"$ET" --json -o "$T/out.json" -p "$a,$b" 2>"$T/stderr" &
tpid=$!
BG_PIDS+=("$tpid")
wait_start "$T/out.json" || { cat "$T/stderr"; fail "no start record"; }
touch "$T/a.go"
wait "$a" || fail "epoll_calls exited $?"
sleep 0.3
kill -0 "$tpid" 2>/dev/null || fail "epolltrace ended when the first of two processes exited"
touch "$T/b.go"
wait "$b" || fail "epoll_threads exited $?"
wait_bounded "$tpid" 10 || fail "epolltrace still running 10 s after both processes exited"
[ "$WAIT_RC" = 0 ] || { cat "$T/stderr"; fail "epolltrace exited $WAIT_RC"; }

cat "$T/a.expect" "$T/b.expect" >"$T/both.expect"
expect_check "$T/out.json" "$T/both.expect" --exact epoll_create epoll_ctl epoll_wait close exit ||
	fail "trace does not match the two processes' calls"
check_records "$T/out.json" --pids "$a,$b" --no-loss || fail "malformed trace"
echo ok
