#!/bin/bash
# missed_edge: an EPOLLET eventfd (EFD_SEMAPHORE) read once at count 3, then a stall.
# Workload: tools/scen_missed_edge_eventfd.c.
. "$(dirname "$0")/../lib.sh"
. "$ROOT/tests/scenario.sh"
run_scenario missed_edge_eventfd
