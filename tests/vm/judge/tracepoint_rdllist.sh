#!/bin/bash
# tests/vm/guest/tracepoint_rdllist.sh: on 6.1 the tracepoint backend's
# only readiness is the ready list read at epoll_wait: each delivered fd
# sat on it before the wait that returned it.
. "$(dirname "$0")/../judge-lib.sh"
ready_kinds_ran tp
ready_part tp start tracepoint
ready_part tp rdllist
echo "ok: ready-list readiness before each delivery"
