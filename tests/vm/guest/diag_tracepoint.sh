# The diagnostics scenarios (tools/scen_*.c, issue 4) with the tracepoint
# backend, in launch and attach mode: each bug diagnosed exactly (kind,
# epfd, fd), the correct patterns silent, the calls and deliveries traced.
. /et/lib/guest-lib.sh
. /et/lib/diag-checks.sh
diag_launch tracepoint
diag_attach tracepoint
echo "ok: all scenarios, tracepoint"
