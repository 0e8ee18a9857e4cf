#!/bin/bash
# tests/vm/guest/tracepoint_calls.sh: --backend=tracepoint traces every
# call: the backend loads with or without sock:sk_data_ready (6.4+), which
# it attaches exactly where the kernel has it; every registration and every
# wait of tools/ready_kinds is traced, in order, and no readiness claims a
# source it cannot have (sk_data_ready's, only where it is attached: there
# each socket's input is told by it before the wait that returns it).
. "$(dirname "$0")/../judge-lib.sh"
ready_kinds_ran tp
ready_part tp start tracepoint
ready_part tp registrations -- --exact epoll_create epoll_ctl
if trace_attached "$R/tp.json" raw_tp:sk_data_ready; then
	[ "$(guest_fact sk_data_ready_tp)" = 1 ] || fail "raw_tp:sk_data_ready attached, but the kernel has no sock:sk_data_ready"
	ready_part tp tracepoint-sk -- --exact epoll_wait
	echo "ok: every call traced on backend tracepoint, sockets' readiness from sk_data_ready"
else
	[ "$(guest_fact sk_data_ready_tp)" = 0 ] || fail "the kernel has sock:sk_data_ready, but the backend did not attach it"
	ready_part tp tracepoint -- --exact epoll_wait
	echo "ok: every call traced on backend tracepoint (no sock:sk_data_ready here)"
fi
