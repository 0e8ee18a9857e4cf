#!/bin/bash
# A worker reads an EPOLLET pipe 1.2 s after its edge: warned, then retracted.
# Workload: tools/scen_late_reader.c.
. "$(dirname "$0")/../lib.sh"
. "$ROOT/tests/scenario.sh"
run_scenario late_reader 1200
