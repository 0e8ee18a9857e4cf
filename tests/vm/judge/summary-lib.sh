# Sourced by tests/vm/judge/summary_*.sh after judge-lib.sh: the records of
# tests/vm/guest/summary_BACKEND.sh, tools/ready_kinds under epolltrace -c
# --json.  One summary per set of ready_kinds, with exactly its waits,
# empty waits and deliveries, and per fd its ADD and deliveries; the
# readiness callbacks counted per fd as the backend can see them:
# fentry and kprobe every fd's (ep_poll_callback), the tracepoint backend
# what sock:sk_data_ready and the ready lists read at each wait show (as
# its stream does, tests/summary_ready.py); nothing lost.

# judge_summary BACKEND
judge_summary() {
	local b=$1 sk=0
	ready_kinds_ran sum
	ready_part sum start "$b"
	trace_attached "$R/sum.json" raw_tp:sk_data_ready && sk=1
	python3 - "$R/sum.out" "$R/sum.json" "$b" "$sk" <<'PY' || fail "$b: -c counted wrong, see above"
import json, sys
facts = {}
for line in open(sys.argv[1]):
    k, eq, v = line.strip().partition("=")
    if eq and k.isupper() and v.isdigit():
        facts[k] = int(v)
recs = [json.loads(l) for l in open(sys.argv[2]) if l.startswith("{")]
backend, sk = sys.argv[3], sys.argv[4] == "1"
f = facts
sums = {r["epfd"]: r for r in recs if r["event"] == "summary" and r["pid"] == f["PID"]}
bad = []
def want(cond, what):
    if not cond:
        bad.append(what)
# set: (waits, empty, delivered, {fd: delivered})
sets = {f["EPFD"]: (8, 1, 7, {f["PIPE_R"]: 2, f["EVENTFD"]: 1, f["UDP"]: 1, f["LISTEN"]: 1,
                               f["TCP_ONESHOT"]: 1, f["TCP_ET"]: 1}),
        f["OUTER"]: (1, 0, 1, {f["INNER"]: 1}),
        f["INNER"]: (1, 0, 1, {f["NESTED_PIPE_R"]: 1})}
want(sorted(sums) == sorted(sets), f"summaries of sets {sorted(sums)}, wanted {sorted(sets)}")
for ep, (waits, empty, delivered, fds) in sets.items():
    s = sums.get(ep)
    if not s:
        continue
    got = (s["waits"], s["empty_waits"], s["delivered"])
    want(got == (waits, empty, delivered), f"set {ep}: waits, empty, delivered {got}, wanted {(waits, empty, delivered)}")
    byfd = {x["fd"]: x for x in s["fds"]}
    want(sorted(byfd) == sorted(fds), f"set {ep}: fds {sorted(byfd)}, wanted {sorted(fds)}")
    for fd, n in fds.items():
        x = byfd.get(fd)
        if not x:
            continue
        want(x["adds"] == 1 and x["delivered"] == n,
             f"set {ep} fd {fd}: adds {x['adds']}, delivered {x['delivered']}, wanted 1 and {n}")
        if backend in ("fentry", "kprobe"):
            # the ONESHOT socket's second wakeup comes while it is disarmed
            least = 2 if fd in (f["PIPE_R"], f["TCP_ONESHOT"]) else 1
            want(x["ready"] >= least, f"set {ep} fd {fd}: {x['ready']} readiness callbacks, wanted {least} or more")
        else:
            # tracepoint: sk_data_ready and the ready lists read at each
            # wait, which find every fd of ready_kinds queued before its
            # wait (at most its two wakeups counted)
            want(1 <= x["ready"] <= 2, f"set {ep} fd {fd}: {x['ready']} readiness counted, wanted 1 or 2 "
                 f"(sk_data_ready {'attached' if sk else 'not attached'}, ready lists read at waits)")
lost = [r for r in recs if r["event"] in ("lost", "summary_lost") and r.get("count", 0)]
want(not lost, f"lost: {lost}")
want(not any(r["event"] in ("epoll_wait", "ready") for r in recs), "-c wrote per-call records")
for b in bad:
    print(b)
if bad:
    sys.exit(1)
print(f"ok: {len(sums)} sets counted")
PY
	echo "ok: -c, backend $b$( [ $sk = 1 ] && echo ', sockets counted by sk_data_ready')"
}
