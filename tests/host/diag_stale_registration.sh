#!/bin/bash
# stale_registration: a registered pipe closed while a dup keeps it alive; warned at the close and at the delivery.
# Workload: tools/scen_stale_registration.c.
. "$(dirname "$0")/../lib.sh"
. "$ROOT/tests/scenario.sh"
run_scenario stale_registration
