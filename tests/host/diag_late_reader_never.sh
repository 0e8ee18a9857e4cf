#!/bin/bash
# A worker that never reads an EPOLLET pipe: warned, never retracted.
# Workload: tools/scen_late_reader.c.
. "$(dirname "$0")/../lib.sh"
. "$ROOT/tests/scenario.sh"
run_scenario late_reader never
