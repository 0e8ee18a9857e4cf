#!/bin/bash
# tests/vm/guest/tracepoint_rdllist.sh: the tracepoint backend's readiness
# of what sock:sk_data_ready cannot tell (or of everything, on a kernel
# without that tracepoint) is the ready list read at epoll_wait: each such
# delivered fd sat on it before the wait that returned it.
. "$(dirname "$0")/../judge-lib.sh"
ready_kinds_ran tp
ready_part tp start tracepoint
if trace_attached "$R/tp.json" raw_tp:sk_data_ready; then
	ready_part tp rdllist-sk
	echo "ok: ready-list readiness of the pipe and eventfd, sk_data_ready's of the sockets, before each delivery"
else
	ready_part tp rdllist
	echo "ok: ready-list readiness before each delivery"
fi
