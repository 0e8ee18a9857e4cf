#!/bin/bash
# tests/vm/guest/diag_tracepoint.sh: the diagnostics scenarios of tests/diag.list
# with the tracepoint backend, in launch and attach mode: each bug diagnosed
# exactly, the correct patterns silent, the calls and deliveries traced
# (tests/vm/judge/diag-lib.sh).
# Without sock:sk_data_ready (before 6.4: tests/vm/judge/kernel.sh) this backend
# cannot tell what a program read of a socket's queue at its last edge:
# the expected "_read" facts are not checked here (warnings.py --no-read
# says so in the log); the fentry and kprobe judges check them.
. "$(dirname "$0")/../judge-lib.sh"
. "$(dirname "$0")/diag-lib.sh"
judge_diag tracepoint --no-read
