#!/bin/bash
# A set freed without a call that says so (its fd closed by an exec)
# takes its items with it: the kernel side, which remembers a socket's
# only epitem between wakeups, must notice that the socket has none now.
# tools/ready_exec: readiness of socket A in set OLD_FD before its exec;
# after it, between two marker calls (epoll_wait on MARK_FD: EBADF), A is
# written to ROUNDS times and must show no readiness in any set; then,
# added to a new set NEW_FD, it shows its readiness there.
. "$(dirname "$0")/../lib.sh"

timeout 60 "$ET" --json -o "$T/trace.json" -- "$TOOLS/ready_exec" >"$T/facts" 2>"$T/err" ||
	fail "epolltrace exited $?: $(tail -2 "$T/err")"
python3 - "$T/trace.json" "$T/facts" <<'PY' || fail "readiness after the exec is wrong"
import json, sys
facts = dict(l.strip().split("=", 1) for l in open(sys.argv[2]) if "=" in l)
pid, a = int(facts["pid"]), int(facts["A"])
old, new, mark = int(facts["OLD_FD"]), int(facts["NEW_FD"]), int(facts["MARK_FD"])
recs = [json.loads(l) for l in open(sys.argv[1])]
mine = [r for r in recs if r.get("pid") == pid]
marks = [i for i, r in enumerate(mine) if r["event"] == "epoll_wait" and r.get("epfd") == mark]
if len(marks) != 2:
    sys.exit(f"expected 2 marker waits on fd {mark}, got {len(marks)}")
ready = [(i, r) for i, r in enumerate(mine) if r["event"] == "ready" and r.get("fd") == a]
before = [r for i, r in ready if i < marks[0]]
between = [r for i, r in ready if marks[0] < i < marks[1]]
after = [r for i, r in ready if i > marks[1]]
problems = []
if not before or any(r["epfd"] != old for r in before):
    problems.append(f"before the exec: {len(before)} readiness of fd {a}, expected some, all in set {old}")
if between:
    problems.append(f"after the exec, set {old} freed: {len(between)} readiness of fd {a} "
                    f"(sets {sorted({r['epfd'] for r in between})}), expected none")
if [r["epfd"] for r in after if r.get("queued")] != [new]:
    problems.append(f"in the new set: queued readiness in sets {[r['epfd'] for r in after]}, expected [{new}]")
for p in problems:
    print(p)
sys.exit(1 if problems else 0)
PY
echo "ok: no readiness in a set the exec freed; the new set's readiness shown"
