# Readiness from kprobe/ep_poll_callback on every kind of fd (issue 3):
# tools/ready_kinds under --backend=kprobe, for tests/vm/judge/ready_kprobe.sh.
. /et/lib/guest-lib.sh
launch ready kprobe "$TOOLS/ready_kinds"
# -c counts what the stream shows (tests/vm/judge/ready_kprobe.sh).
ET_OPTS=-c launch ready_c kprobe "$TOOLS/ready_kinds"
launch levels kprobe "$TOOLS/hostile" levels 0
ET_OPTS=-c launch levels_c kprobe "$TOOLS/hostile" levels 0
