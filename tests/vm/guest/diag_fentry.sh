# The diagnostics scenarios (tests/diag.list, tools/scen_*.c) with the fentry
# backend, in launch and attach mode, recorded for
# tests/vm/judge/diag_fentry.sh: each bug diagnosed exactly, the correct
# patterns silent, the calls and deliveries traced.
. /et/lib/guest-lib.sh
. /et/lib/diag-record.sh
diag_launch fentry
diag_attach fentry
