#!/bin/bash
# missed_edge while the server goes on serving other clients (C read 16 of 100 bytes).
# Workload: tools/scen_missed_edge_serving.c.
. "$(dirname "$0")/../lib.sh"
. "$ROOT/tests/scenario.sh"
run_scenario missed_edge_serving
