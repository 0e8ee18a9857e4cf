#!/bin/bash
# missed_edge: an EPOLLET pipe read once (16 of 100 bytes), then a stall.
# Workload: tools/scen_missed_edge_pipe.c.
. "$(dirname "$0")/../lib.sh"
. "$ROOT/tests/scenario.sh"
run_scenario missed_edge_pipe
