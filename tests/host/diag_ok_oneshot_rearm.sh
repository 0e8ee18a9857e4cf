#!/bin/bash
# No warning: EPOLLONESHOT re-armed with MOD each time; one left disarmed but never ready again.
# Workload: tools/scen_ok_oneshot_rearm.c.
. "$(dirname "$0")/../lib.sh"
. "$ROOT/tests/scenario.sh"
run_scenario ok_oneshot_rearm
