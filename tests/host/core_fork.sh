#!/bin/bash
# tools/epoll_fork: with -f the child and grandchild are traced (their own
# pids, fork records, exit codes 3 and 4) and a wait on the inherited set
# names the parent's fd; without -f only the parent is traced.
. "$(dirname "$0")/../lib.sh"

launch_run follow "$T/follow.json" -f -- "$TOOLS/epoll_fork"
expect_check "$T/follow.json" "$T/follow.expect" --exact epoll_create epoll_ctl epoll_wait close exit fork ||
	fail "-f: trace does not match the calls of the three processes"
npids=$(grep -o '"pid":[0-9]*' "$T/follow.expect" | sort -u | wc -l)
[ "$npids" = 3 ] || fail "workload ran $npids processes, wanted 3"

# Without -f: the parent's records, and nothing from the others.
launch_run alone "$T/alone.json" -- "$TOOLS/epoll_fork"
parent=$(head -1 "$T/alone.expect" | sed -E 's/.*"pid":([0-9]+).*/\1/')
grep "\"pid\":$parent," "$T/alone.expect" | grep -v '"event":"fork"' >"$T/parent.expect"
expect_check "$T/alone.json" "$T/parent.expect" --exact epoll_create epoll_ctl epoll_wait close exit fork ||
	fail "without -f: parent's records"
python3 - "$T/alone.json" "$parent" <<'PY' || fail "without -f, other processes were traced"
import json, sys
recs = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
other = [r for r in recs if r["event"] not in ("start", "lost", "recap") and r["pid"] != int(sys.argv[2])]
assert not other, f"{len(other)} records of other processes, e.g. {other[0]}"
PY

# Attach with -f: the fork happens after the attach.
ATTACH_OPTS=-f attach_run attach "$T/attach.json" "$TOOLS/epoll_fork"
expect_check "$T/attach.json" "$T/attach.expect" --exact epoll_create epoll_ctl epoll_wait close exit fork ||
	fail "attach -f: trace does not match"
# The shape of every record (after the content, which says more).
check_records "$T/follow.json" --no-loss || fail "-f: malformed trace"
echo ok
