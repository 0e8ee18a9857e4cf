#!/bin/bash
# tests/vm/guest/diag_kprobe.sh: the diagnostics scenarios of tests/diag.list
# with the kprobe backend, in launch and attach mode: each bug diagnosed
# exactly, the correct patterns silent, the calls and deliveries traced
# (tests/vm/judge/diag-lib.sh).
. "$(dirname "$0")/../judge-lib.sh"
. "$(dirname "$0")/diag-lib.sh"
judge_diag kprobe
