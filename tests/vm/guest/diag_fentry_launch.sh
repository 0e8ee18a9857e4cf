# The diagnostics scenarios (tools/scen_*.c, issue 4) with the fentry
# backend, launch mode: each diagnosed exactly (kind, epfd, fd), the correct
# patterns silent, the calls and deliveries all traced.
. /et/lib/guest-lib.sh
. /et/lib/diag-checks.sh
diag_all fentry launch
