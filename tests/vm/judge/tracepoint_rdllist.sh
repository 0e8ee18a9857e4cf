#!/bin/bash
# tests/vm/guest/tracepoint_rdllist.sh: on 6.1 the tracepoint backend's
# only readiness is the ready list read at epoll_wait: each delivered fd
# sat on it before the wait that returned it; -c counts the readiness
# the stream shows (ready_kinds, and hostile levels: 3 of its pipe, 1 of
# its eventfd).
. "$(dirname "$0")/../judge-lib.sh"
ready_kinds_ran tp
ready_part tp start tracepoint
ready_part tp rdllist
summary_ready tp tp_c ready_kinds
summary_ready levels levels_c hostile "$R/levels_c.err"
echo "ok: ready-list readiness before each delivery"
