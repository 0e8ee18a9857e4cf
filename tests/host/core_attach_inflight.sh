#!/bin/bash
# Attach to a process blocked in epoll_wait: the wait that began before the
# attach may be shown or not, but not wrongly, and every call after it is
# traced as usual.
. "$(dirname "$0")/../lib.sh"

WL_SYNC=$T/w "$TOOLS/epoll_inflight" >"$T/all.expect" &
wpid=$!
BG_PIDS+=("$wpid")
for _ in $(seq 300); do [ -s "$T/w.ready" ] && break; sleep 0.01; done
read -r pid wfd <"$T/w.ready" || fail "workload never got ready"
# Wait until it really sleeps in epoll_wait (syscall 232 on x86-64,
# epoll_pwait 281 elsewhere).
for _ in $(seq 300); do
	read -r nr _ <"/proc/$pid/syscall"
	[ "$nr" = 232 ] || [ "$nr" = 281 ] && break
	sleep 0.01
done
[ "$nr" = 232 ] || [ "$nr" = 281 ] || fail "workload not blocked in epoll_wait (syscall $nr)"
"$ET" --json -o "$T/out.json" -p "$pid" 2>"$T/stderr" &
tpid=$!
BG_PIDS+=("$tpid")
wait_start "$T/out.json" || { cat "$T/stderr"; fail "no start record"; }
wait_attached "$T/stderr" "$pid" || { cat "$T/stderr"; fail "never said it attached"; }
echo x >"/proc/$pid/fd/$wfd"
wait "$wpid" || fail "workload exited $?"
wait_bounded "$tpid" 10 || fail "epolltrace still running 10 s after the process exited"
[ "$WAIT_RC" = 0 ] || { cat "$T/stderr"; fail "epolltrace exited $WAIT_RC"; }

grep '^{' "$T/all.expect" >"$T/after.expect"
sed -n 's/^optional //p' "$T/all.expect" >"$T/inflight.expect"
expect_check "$T/out.json" "$T/after.expect" || fail "calls after the in-flight wait"
# Each traced wait is one of the expected ones (the in-flight one allowed).
python3 - "$T/out.json" "$T/after.expect" "$T/inflight.expect" <<'PY' || fail "a wrong epoll_wait record"
import json, sys
load = lambda p: [json.loads(l) for l in open(p) if l.strip().startswith("{")]
trace, after, inflight = load(sys.argv[1]), load(sys.argv[2]), load(sys.argv[3])
keys = ("syscall", "epfd", "maxevents", "timeout_ms", "ret", "ready")
def norm(r):
    out = {k: r.get(k) for k in keys}
    out["ready"] = [{k: i.get(k) for k in ("fd", "events", "data")} for i in r.get("ready") or []]
    return json.dumps(out, sort_keys=True)
allowed = [norm(r) for r in after + inflight if r["event"] == "epoll_wait"]
waits = [r for r in trace if r["event"] == "epoll_wait"]
for w in waits:
    assert norm(w) in allowed, f"traced a wait no call made: {w}"
n_after = sum(1 for r in after if r["event"] == "epoll_wait")
assert n_after <= len(waits) <= n_after + 1, f"{len(waits)} waits traced, {n_after} (+1 in flight) made"
PY
echo ok
