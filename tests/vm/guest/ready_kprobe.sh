# Readiness from kprobe/ep_poll_callback on every kind of fd (issue 3).
. /et/lib/guest-lib.sh
. /et/lib/ready-checks.sh
check_ready_kinds kprobe
