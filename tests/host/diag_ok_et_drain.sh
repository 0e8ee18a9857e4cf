#!/bin/bash
# No warning: EPOLLET loops reading to EAGAIN (TCP and pipe).
# Workload: tools/scen_ok_et_drain.c.
. "$(dirname "$0")/../lib.sh"
. "$ROOT/tests/scenario.sh"
run_scenario ok_et_drain
