# Readiness from fentry/ep_poll_callback on every kind of fd (issue 3):
# tools/ready_kinds under --backend=fentry, for tests/vm/judge/ready_fentry.sh.
. /et/lib/guest-lib.sh
launch ready fentry "$TOOLS/ready_kinds"
