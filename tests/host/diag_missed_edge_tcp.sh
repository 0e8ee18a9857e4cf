#!/bin/bash
# missed_edge: an EPOLLET TCP socket read once (16 of 100 bytes), then a stall.
# Workload: tools/scen_missed_edge_tcp.c.
. "$(dirname "$0")/../lib.sh"
. "$ROOT/tests/scenario.sh"
run_scenario missed_edge_tcp
