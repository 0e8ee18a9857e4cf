#!/bin/bash
# No warning: a level-triggered loop reading 16 bytes per wakeup.
# Workload: tools/scen_ok_lt_partial.c.
. "$(dirname "$0")/../lib.sh"
. "$ROOT/tests/scenario.sh"
run_scenario ok_lt_partial
