# Readiness from fentry/ep_poll_callback on every kind of fd (issue 3):
# tools/ready_kinds under --backend=fentry, for tests/vm/judge/ready_fentry.sh.
. /et/lib/guest-lib.sh
launch ready fentry "$TOOLS/ready_kinds"
# -c counts what the stream shows (tests/vm/judge/ready_fentry.sh).
ET_OPTS=-c launch ready_c fentry "$TOOLS/ready_kinds"
launch levels fentry "$TOOLS/hostile" levels 0
ET_OPTS=-c launch levels_c fentry "$TOOLS/hostile" levels 0
