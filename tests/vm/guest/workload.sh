# The readiness workload runs the same under epolltrace as without it (a
# tracer that leaked an fd into it, or disturbed it, would change its fd
# numbers or make it fail): tools/ready_kinds untraced (plain.out,
# plain.rc) and under --backend=auto (traced.*), for
# tests/vm/judge/workload.sh.
. /et/lib/guest-lib.sh
timeout 30 "$TOOLS/ready_kinds" >"$T/plain.out" 2>&1
echo $? >"$T/plain.rc"
launch traced auto "$TOOLS/ready_kinds"
