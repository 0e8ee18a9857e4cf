#!/bin/bash
# tests/vm/guest/ready_fentry.sh: readiness from fentry/ep_poll_callback on
# every kind of fd (issue 3), tools/ready_kinds step by step
# (tests/vm/ready_expect.py: the registrations, then per step the
# callback and its flags before the wait that delivers it; no stray
# readiness); -c counts the readiness the stream shows, of ready_kinds and
# of hostile levels (3 of its pipe, 1 of its eventfd).
. "$(dirname "$0")/../judge-lib.sh"
ready_kinds_ran ready
ready_part ready start fentry
ready_part ready registrations -- --exact epoll_create epoll_ctl
ready_part ready callback -- --exact epoll_wait
ready_part ready callback-outer
summary_ready ready ready_c ready_kinds
summary_ready levels levels_c hostile "$R/levels_c.err"
echo "ok: readiness on backend fentry"
