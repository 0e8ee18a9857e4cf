#!/bin/bash
# Launch mode on tools/epoll_calls: every create, ctl (each op, each flag,
# 64-bit data, the error paths), wait (all three, timeouts) and close, with
# the values the workload says; no call more, none less.
. "$(dirname "$0")/../lib.sh"

launch_run calls "$T/out.json" -- "$TOOLS/epoll_calls"
expect_check "$T/out.json" "$T/calls.expect" \
	--exact epoll_create epoll_ctl epoll_wait close exit fork ||
	fail "trace does not match the workload's calls"

# The command ran as it does untraced: same fd numbers, same results (the
# tracer leaked no fd into it and held it only until attached).
"$TOOLS/epoll_calls" >"$T/plain.expect" || fail "workload fails untraced"
strip() { sed -E 's/"pid":[0-9]+,"tid":[0-9]+,//' "$1"; }
diff <(strip "$T/plain.expect") <(strip "$T/calls.expect") >"$T/diff" ||
	{ head "$T/diff"; fail "the workload behaved differently under epolltrace"; }

# Records carry the workload's comm and pid.
pid=$(head -1 "$T/calls.expect" | sed -E 's/.*"pid":([0-9]+).*/\1/')
python3 - "$T/out.json" "$pid" <<'PY' || fail "pid/comm of the records"
import json, sys
recs = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
calls = [r for r in recs if r["event"] in ("epoll_create", "epoll_ctl", "epoll_wait", "close")]
assert calls, "no call records"
bad = [r for r in calls if r["pid"] != int(sys.argv[2]) or r["comm"] != "epoll_calls"]
assert not bad, f"{len(bad)} records with another pid/comm, e.g. {bad[0]}"
assert recs[0]["pids"] == [int(sys.argv[2])], f"start pids {recs[0]['pids']}"
PY
# The shape of every record (after the content, which says more).
check_records "$T/out.json" --no-loss || fail "malformed trace"
echo ok
