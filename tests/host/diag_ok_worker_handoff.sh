#!/bin/bash
# No warning: a waiter thread hands ready fds to a worker that drains them 50 ms later.
# Workload: tools/scen_ok_worker_handoff.c.
. "$(dirname "$0")/../lib.sh"
. "$ROOT/tests/scenario.sh"
run_scenario ok_worker_handoff
