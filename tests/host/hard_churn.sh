#!/bin/bash
# 50,000 rounds of epoll_create1/eventfd/ADD/wait/close: no warning at
# all.  epolltrace's own looks at an fd (a /proc read, a pidfd_getfd copy)
# hold a reference for a moment; a close in that moment looks shared and
# must not be taken for a stale registration.
. "$(dirname "$0")/../lib.sh"
N=50000
for mode in text json summary; do
	case $mode in
	text) opts=(-o "$T/$mode.out") ;;
	json) opts=(--json -o "$T/$mode.out") ;;
	summary) opts=(-c --json -o "$T/$mode.out") ;;
	esac
	timeout 120 "$ET" "${opts[@]}" -- "$TOOLS/hostile" churn $N 2>"$T/$mode.err" ||
		fail "$mode: epolltrace exited $?: $(tail -2 "$T/$mode.err")"
	grep -q "^rounds=$N\$" "$T/$mode.err" || fail "$mode: the workload did not finish"
	n=$(grep -c -e 'WARNING' -e '"event":"warning"' "$T/$mode.out" "$T/$mode.err" | awk -F: '{ s += $2 } END { print s }')
	[ "$n" = 0 ] || { grep -h -m3 -e WARNING -e '"warning"' "$T/$mode.out" "$T/$mode.err"; fail "$mode: $n false warning(s)"; }
done
echo "ok: $N rounds, no warning in text, JSON or -c"
