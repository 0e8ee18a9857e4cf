#!/bin/bash
# tests/vm/guest/sets.sh: --sets shows tools/stuck_sets' sets as they are:
# set A's pipes a (ready, 1 byte queued), b (not ready), c (ready) and its
# edge-triggered eventfd e (ready, count 1); set B's 70 ready eventfds;
# set C's socket s named by both ends, edge-triggered; the empty set D;
# the totals (4 sets, 75 items) and the user's watch count, in JSON and
# in text.
. "$(dirname "$0")/../judge-lib.sh"
[ -s "$R/stuck.facts" ] || fail "no facts from stuck_sets"
for f in sets.rc sets.txt.rc; do
	[ "$(cat "$R/$f" 2>/dev/null)" = 0 ] || fail "epolltrace --sets exited $(cat "$R/$f" 2>/dev/null): $(head -n 3 "$R/sets.err")"
done
[ -s "$R/sets.err" ] && fail "--sets wrote to stderr: $(head -n 3 "$R/sets.err")"
python3 - "$R/stuck.facts" "$R/sets.json" "$R/sets.txt" <<'PY' || fail "--sets shows the sets wrong, see above"
import json, sys
f = json.loads(open(sys.argv[1]).read().splitlines()[-1])
recs = [json.loads(l) for l in open(sys.argv[2]) if l.startswith("{")]
text = open(sys.argv[3]).read()
items = {(r["epfd"], r["fd"]): r for r in recs if r["event"] == "set_item"}
bad = []
def want(cond, what):
    if not cond:
        bad.append(what)
def item(ep, fd, ready, et=False, **kv):
    r = items.get((ep, fd))
    if not r:
        bad.append(f"no item {fd} in set {ep}")
        return
    want(r["ready"] == ready, f"set {ep} fd {fd}: ready {r['ready']}, wanted {ready}")
    want(r["edge_triggered"] == et, f"set {ep} fd {fd}: edge_triggered {r['edge_triggered']}")
    for k, v in kv.items():
        want(r.get(k) == v, f"set {ep} fd {fd}: {k} {r.get(k)!r}, wanted {v!r}")
item(f["A"], f["a"], ["EPOLLIN"], bytes_queued=1, what=items.get((f["A"], f["a"]), {}).get("what"))
item(f["A"], f["b"], [])
item(f["A"], f["c"], ["EPOLLIN"], bytes_queued=1)
item(f["A"], f["e"], ["EPOLLIN"], et=True, eventfd_count=1, what="eventfd")
inB = [r for (ep, _), r in items.items() if ep == f["B"]]
want(len(inB) == f["B_items"] and all(r["ready"] == ["EPOLLIN"] for r in inB),
     f"set B: {len(inB)} items, {sum(r['ready'] == ['EPOLLIN'] for r in inB)} ready; wanted {f['B_items']}, all ready")
item(f["C"], f["s"], [], et=True, what=f"TCP:127.0.0.1:{f['sport']}->127.0.0.1:{f['lport']}")
totals = [r for r in recs if r["event"] == "sets"]
want(len(totals) == 1 and totals[0]["sets"] == 4 and totals[0]["items"] == 75,
     f"totals {totals}, wanted 4 sets, 75 items")
want(totals and totals[0]["user_watches"] >= 75, f"user_watches {totals and totals[0]['user_watches']}, wanted 75 or more")
for ep in (f["A"], f["B"], f["C"]):
    want(f"epoll {ep}<epoll> of pid {f['pid']}:" in text, f"text: no header for set {ep}")
want(f"pid {f['pid']}: 4 epoll sets, 75 items;" in text, "text: no totals line")
for b in bad:
    print(b)
if bad:
    sys.exit(1)
print(f"ok: {len(items)} items in 4 sets, JSON and text")
PY
