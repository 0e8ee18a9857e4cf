# The diagnostics scenarios (tests/diag.list, tools/scen_*.c) with the tracepoint
# backend, in launch and attach mode, recorded for
# tests/vm/judge/diag_tracepoint.sh: each bug diagnosed exactly, the correct
# patterns silent, the calls and deliveries traced.
. /et/lib/guest-lib.sh
. /et/lib/diag-record.sh
diag_launch tracepoint
diag_attach tracepoint
