# The diagnostics scenarios (tests/diag.list, tools/scen_*.c) with the kprobe
# backend, in launch and attach mode, recorded for
# tests/vm/judge/diag_kprobe.sh: each bug diagnosed exactly, the correct
# patterns silent, the calls and deliveries traced.
. /et/lib/guest-lib.sh
. /et/lib/diag-record.sh
diag_launch kprobe
diag_attach kprobe
