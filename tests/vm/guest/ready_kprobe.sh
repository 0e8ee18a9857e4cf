# Readiness from kprobe/ep_poll_callback on every kind of fd (issue 3):
# tools/ready_kinds under --backend=kprobe, for tests/vm/judge/ready_kprobe.sh.
. /et/lib/guest-lib.sh
launch ready kprobe "$TOOLS/ready_kinds"
