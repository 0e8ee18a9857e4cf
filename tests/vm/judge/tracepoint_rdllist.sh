#!/bin/bash
# tests/vm/guest/tracepoint_rdllist.sh: the tracepoint backend's readiness
# of what sock:sk_data_ready cannot tell (or of everything, on a kernel
# without that tracepoint) is the ready list read at epoll_wait: each such
# delivered fd sat on it before the wait that returned it; -c counts the
# readiness the stream shows (ready_kinds, and hostile levels: 3 of its
# pipe, 1 of its eventfd).
. "$(dirname "$0")/../judge-lib.sh"
ready_kinds_ran tp
ready_part tp start tracepoint
if trace_attached "$R/tp.json" raw_tp:sk_data_ready; then
	ready_part tp rdllist-sk
	what="ready-list readiness of the pipe and eventfd, sk_data_ready's of the sockets"
else
	ready_part tp rdllist
	what="ready-list readiness"
fi
summary_ready tp tp_c ready_kinds
summary_ready levels levels_c hostile "$R/levels_c.err"
echo "ok: $what before each delivery; -c counts the same"
