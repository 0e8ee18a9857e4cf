#!/bin/bash
# No warning: EPOLLET with the program's own ready list, epoll_wait(0) while work is pending (epoll(7)).
# Workload: tools/scen_ok_et_readylist.c.
. "$(dirname "$0")/../lib.sh"
. "$ROOT/tests/scenario.sh"
run_scenario ok_et_readylist
