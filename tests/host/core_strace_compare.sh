#!/bin/bash
# epolltrace and strace agree on the same workloads: per process, the same
# epoll calls with the same op, fds, masks, data, timeouts, returns, errnos
# and returned events (tests/strace_compare.py).
. "$(dirname "$0")/../lib.sh"
command -v strace >/dev/null || skip "strace not installed"

calls=epoll_create,epoll_create1,epoll_ctl,epoll_wait,epoll_pwait,epoll_pwait2
for wl in epoll_calls epoll_fork; do
	strace -f -qq -s 512 -e trace=$calls -o "$T/$wl.strace" -- "$TOOLS/$wl" >/dev/null ||
		fail "$wl fails under strace"
	launch_run "$wl" "$T/$wl.json" -f -- "$TOOLS/$wl"
	python3 "$ROOT/tests/strace_compare.py" "$T/$wl.strace" "$T/$wl.json" ||
		fail "$wl: epolltrace and strace disagree"
done
echo ok
