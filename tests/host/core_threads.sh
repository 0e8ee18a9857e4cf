#!/bin/bash
# tools/epoll_threads, launched and attached: four threads waiting and
# calling epoll_ctl at once (plus one started late); every record carries
# its own thread's tid, and the same data value in several sets resolves,
# per set, to that set's fd.
. "$(dirname "$0")/../lib.sh"

launch_run launch "$T/launch.json" -- "$TOOLS/epoll_threads"
expect_check "$T/launch.json" "$T/launch.expect" --exact epoll_create epoll_ctl epoll_wait close exit ||
	fail "launch: trace does not match the threads' calls"
tids=$(grep -o '"tid":[0-9]*' "$T/launch.expect" | sort -u | wc -l)
[ "$tids" -ge 6 ] || fail "workload ran on $tids threads, wanted 6"

# Attach while the workers are blocked after registering (not before).
attach_run attach "$T/attach.json" "$TOOLS/epoll_threads"
expect_check "$T/attach.json" "$T/attach.expect" --exact epoll_create epoll_ctl epoll_wait close exit ||
	fail "attach: trace does not match the threads' calls"
# The shape of every record (after the content, which says more).
check_records "$T/launch.json" --no-loss || fail "launch: malformed trace"
check_records "$T/attach.json" --no-loss || fail "attach: malformed trace"
echo ok
