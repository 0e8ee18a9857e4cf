#!/bin/bash
# --sets -p on the two holders of an epoll set shared across a fork.  The
# parent registers the read ends of two pipes, then closes the second
# one's fd, kept open by a dup: a stale registration.  Its forked child
# closes the first pipe's fd (a worker dropping what it does not use).
# The set's registrations were made in the parent's fd table, so:
#  - in the parent, the closed-but-alive fd is stale, the other is not;
#  - in the child, neither is marked stale (the child merely lacks fds it
#    never registered), and a "shared_set" note names the parent.
# (The census counts such a set once, for the parent, by the same rule.)
. "$(dirname "$0")/../lib.sh"

python3 - "$T/pids" <<'PY' &
import os, select, sys, time
ep = select.epoll()
r1, w1 = os.pipe()
r2, w2 = os.pipe()
ep.register(r1, select.EPOLLIN)
ep.register(r2, select.EPOLLIN)
keep = os.dup(r2)
os.close(r2)                    # stale in the parent: the dup keeps it alive
child = os.fork()
if child == 0:
    os.close(r1)                # the child does not use it
    time.sleep(60)
    os._exit(0)
with open(sys.argv[1] + ".tmp", "w") as f:
    f.write(f"{os.getpid()} {child} {ep.fileno()} {r1} {r2}\n")
os.rename(sys.argv[1] + ".tmp", sys.argv[1])
time.sleep(60)
os.kill(child, 9)
PY
WL=$!
for _ in $(seq 100); do [ -s "$T/pids" ] && break; sleep 0.05; done
[ -s "$T/pids" ] || { kill "$WL"; fail "the workload did not start"; }
read -r parent child epfd r1 r2 < "$T/pids"

for who in parent child; do
	pid=${!who}
	"$ET" --sets --json -p "$pid" >"$T/$who.json" 2>"$T/$who.err" ||
		{ kill "$child" "$WL"; fail "$who: --sets exited $?: $(tail -2 "$T/$who.err")"; }
done
kill "$child" "$WL" 2>/dev/null

python3 - "$T" "$parent" "$child" "$epfd" "$r1" "$r2" <<'PY' || fail "--sets on a shared set"
import json, sys
d, parent, child, epfd, r1, r2 = sys.argv[1], *map(int, sys.argv[2:])
def load(who):
    return [json.loads(l) for l in open(f"{d}/{who}.json")]
def items(recs):
    return {r["fd"]: r for r in recs if r["event"] == "set_item" and r["epfd"] == epfd}
bad = []
p, c = load("parent"), load("child")
pi, ci = items(p), items(c)
if set(pi) != {r1, r2} or set(ci) != {r1, r2}:
    bad.append(f"items: parent {sorted(pi)}, child {sorted(ci)}, want {sorted([r1, r2])}")
if not pi.get(r2, {}).get("stale"):
    bad.append(f"parent: fd {r2} (closed, kept open by a dup) not marked stale: {pi.get(r2)}")
if pi.get(r1, {}).get("stale"):
    bad.append(f"parent: fd {r1} (open) marked stale")
for fd in (r1, r2):
    if ci.get(fd, {}).get("stale"):
        bad.append(f"child: fd {fd} marked stale: {ci[fd]}")
notes = [r for r in c if r["event"] == "note" and r.get("kind") == "shared_set"]
if len(notes) != 1 or f"shared with pid {parent}" not in notes[0].get("message", ""):
    bad.append(f"child: want one shared_set note naming pid {parent}, got {notes}")
if any(r["event"] == "note" and r.get("kind") == "shared_set" for r in p):
    bad.append("parent: a shared_set note, but it is the set's first holder")
for b in bad:
    print("FAIL:", b)
if bad:
    sys.exit(1)
print(f"ok: parent {parent} marks fd {r2} stale; child {child} marks nothing, names the parent")
PY
echo "ok: --sets on both holders of a shared set"
