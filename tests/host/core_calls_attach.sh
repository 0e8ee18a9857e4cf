#!/bin/bash
# Attach mode on tools/epoll_calls: epolltrace -p attaches after the
# workload registered a pipe, an eventfd and a socket.  Its waits must still
# name those fds (learned from /proc/PID/fdinfo), and so must the closes.
. "$(dirname "$0")/../lib.sh"

attach_run calls "$T/out.json" "$TOOLS/epoll_calls"
pid=$(cat "$T/calls.ready")
expect_check "$T/out.json" "$T/calls.expect" \
	--exact epoll_create epoll_ctl epoll_wait close exit ||
	fail "trace does not match the workload's calls after the attach"

# Spelled out: the first wait after the attach returns data
# 0xdeadbeefcafef00d, registered before the attach for the pipe's read end.
python3 - "$T/out.json" "$T/calls.expect" <<'PY' || fail "old registration not mapped back to its fd"
import json, sys
trace = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
want = [json.loads(l) for l in open(sys.argv[2]) if l.strip()]
assert not any(w["event"] == "epoll_ctl" and w["data"] == "0xdeadbeefcafef00d" and w["op"] == "ADD"
               for w in want), "the pipe's ADD should have happened before the attach"
pipe_fd = next(w for w in want if w["event"] == "epoll_wait")["ready"][0]["fd"]
waits = [r for r in trace if r["event"] == "epoll_wait"]
assert waits, "no epoll_wait traced"
got = waits[0]["ready"]
assert got and got[0]["data"] == "0xdeadbeefcafef00d", f"first wait returned {got}"
assert got[0]["fd"] == pipe_fd, f"data 0xdeadbeefcafef00d shown as fd {got[0]['fd']}, registered for fd {pipe_fd}"
PY
# The shape of every record (after the content, which says more).
check_records "$T/out.json" --pids "$pid" --no-loss || fail "malformed trace"
echo ok
