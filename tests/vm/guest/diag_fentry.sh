# The diagnostics scenarios (tools/scen_*.c, issue 4) with the fentry
# backend, in launch and attach mode: each bug diagnosed exactly (kind,
# epfd, fd), the correct patterns silent, the calls and deliveries traced.
. /et/lib/guest-lib.sh
. /et/lib/diag-checks.sh
diag_launch fentry
diag_attach fentry
echo "ok: all scenarios, fentry"
