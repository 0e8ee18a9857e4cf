#!/bin/bash
# tests/vm/guest/tracepoint_calls.sh: --backend=tracepoint still traces
# every call on 6.1, which lacks sock:sk_data_ready: the backend loads
# without it, every registration and every wait of tools/ready_kinds is
# traced, in order, and no readiness claims a source it cannot have.
. "$(dirname "$0")/../judge-lib.sh"
ready_kinds_ran tp
ready_part tp start tracepoint
ready_part tp registrations -- --exact epoll_create epoll_ctl
ready_part tp tracepoint -- --exact epoll_wait
echo "ok: every call traced on backend tracepoint"
