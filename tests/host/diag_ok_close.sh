#!/bin/bash
# No warning: a registered fd closed alone, a dup'ed one removed with DEL before its close, a number reused.
# Workload: tools/scen_ok_close.c.
. "$(dirname "$0")/../lib.sh"
. "$ROOT/tests/scenario.sh"
run_scenario ok_close
