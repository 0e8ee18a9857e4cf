#!/bin/bash
# tests/vm/guest/raw_tp_calls.sh: with the raw sys_enter/sys_exit
# tracepoints, every registration and every wait of tools/ready_kinds is
# traced, in order, with its arguments and results: the syscall numbers
# and argument registers of the guest's architecture are read right.
. "$(dirname "$0")/../judge-lib.sh"
ready_kinds_ran raw
trace_attached "$R/raw.json" raw_tp:sys_enter || fail "raw: not traced through raw_tp:sys_enter"
ready_part raw registrations -- --exact epoll_create epoll_ctl
ready_part raw waits -- --exact epoll_wait
echo "ok: every call traced through raw_tp:sys_enter/sys_exit on $(guest_fact arch)"
