#!/bin/bash
# missed_edge: an EPOLLET listening socket, one accept with two pending, then a stall.
# Workload: tools/scen_missed_edge_listen.c.
. "$(dirname "$0")/../lib.sh"
. "$ROOT/tests/scenario.sh"
run_scenario missed_edge_listen
