#!/bin/bash
# -c with 20,000 epoll sets: every set has its summary, or the summary
# says how many counts its kernel tables could not take; nothing is
# dropped silently.  (The table of sets used to hold 16,384.)  Where the
# fd limit is lower, several processes (-f) make them.
. "$(dirname "$0")/../lib.sh"
N=20000
# One process holds as many as the fd limit allows; more make the rest.
ulimit -n $((N + 256)) 2>/dev/null
per=$(($(ulimit -n) - 256))
[ "$per" -ge 1000 ] || skip "the fd limit ($(ulimit -n)) is too low"
procs=$(((N + per - 1) / per))
for fmt in json text; do
	opts=(-c -f -o "$T/$fmt.out")
	[ $fmt = json ] && opts+=(--json)
	timeout 120 "$ET" "${opts[@]}" -- "$TOOLS/hostile" sets $N $procs 2>"$T/$fmt.err" ||
		fail "$fmt: epolltrace exited $?: $(tail -2 "$T/$fmt.err")"
	grep -q "^sets=$N\$" "$T/$fmt.err" || fail "$fmt: the workload did not finish"
done
python3 - "$T/json.out" $N <<'PY' || fail "-c --json lost sets silently"
import json, sys
recs = [json.loads(l) for l in open(sys.argv[1])]
n = int(sys.argv[2])
waited = [r for r in recs if r["event"] == "summary" and r["waits"] >= 1]
lost = sum(r["waits"] for r in recs if r["event"] == "summary_lost")
assert len(waited) + lost == n, f"{len(waited)} sets with waits, {lost} said lost, {n} made"
print(f"ok: {len(waited)} sets summarised, {lost} said lost")
PY
sets=$(grep -c '^epoll [0-9]* of pid' "$T/text.out")
lost=$(sed -n 's/^epolltrace: -c: the kernel.s tables were full: \([0-9]*\) waits.*/\1/p' "$T/text.out")
[ $((sets + ${lost:-0})) -ge $N ] || fail "text: $sets sets summarised, ${lost:-0} said lost, $N made"
echo "ok: $N sets ($procs processes) accounted for in JSON and text"
