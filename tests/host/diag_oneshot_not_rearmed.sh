#!/bin/bash
# oneshot_not_rearmed: an EPOLLONESHOT pipe fired, drained, never re-armed, ready again.
# Workload: tools/scen_oneshot_not_rearmed.c.
. "$(dirname "$0")/../lib.sh"
. "$ROOT/tests/scenario.sh"
run_scenario oneshot_not_rearmed
