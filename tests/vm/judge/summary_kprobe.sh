#!/bin/bash
# tests/vm/guest/summary_kprobe.sh: -c with the kprobe backend counts what
# tools/ready_kinds did (tests/vm/judge/summary-lib.sh).
. "$(dirname "$0")/../judge-lib.sh"
. "$(dirname "$0")/summary-lib.sh"
judge_summary kprobe
