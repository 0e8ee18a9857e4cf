#!/bin/bash
# --comm NAME[,NAME...]: the processes of these names, new ones included
# (at exec), and no others.  tools/hung_server runs, stuck already;
# epolltrace --comm hung_server,coalesce starts; then tools/coalesce (a
# new process of a listed name) and tools/et_bug_server (another name,
# with a missed edge of its own) run.  hung_server is named, coalesce is
# traced, et_bug_server is not, nor is anything else.
. "$(dirname "$0")/../lib.sh"
for t in hung_server et_bug_server coalesce; do
	[ -x "$TOOLS/$t" ] || fail "$TOOLS/$t is missing: run make"
done
"$TOOLS/hung_server" 8 >"$T/hung.out" 2>&1 &
hung=$!
BG_PIDS+=("$hung")
for _ in $(seq 100); do grep -q '^port=' "$T/hung.out" && break; sleep 0.05; done
"$ET" --comm hung_server,coalesce --json -o "$T/c.json" 2>"$T/c.err" &
tj=$!
BG_PIDS+=("$tj")
wait_start "$T/c.json" || { cat "$T/c.err"; fail "epolltrace --comm did not start"; }
"$TOOLS/coalesce" 10 >"$T/co.out" || fail "coalesce failed"
"$TOOLS/et_bug_server" >/dev/null 2>&1 &
bug=$!
"$TOOLS/coalesce" 5 >/dev/null &
co2=$!
wait "$co2"
wait "$bug"
sleep 2
kill -INT "$tj"
wait_bounded "$tj" 10 || fail "epolltrace --comm still runs 10 s after SIGINT"
[ "$WAIT_RC" = 0 ] || fail "epolltrace --comm exited $WAIT_RC: $(cat "$T/c.err")"
check_records "$T/c.json" || fail "--comm: malformed JSON trace"
python3 - "$T/c.json" "$hung" "$bug" "$co2" <<'PY' || fail "--comm"
import json, sys
recs = [json.loads(l) for l in open(sys.argv[1])]
hung, bug, co2 = map(int, sys.argv[2:5])
assert recs[0].get("target") == "comm hung_server,coalesce", f"start: {recs[0]}"
comms = {r["comm"] for r in recs if r["event"] not in ("start", "lost", "recap")}
assert comms <= {"hung_server", "coalesce"}, f"records of other names: {comms}"
pids = {r["pid"] for r in recs if r["event"] not in ("start", "lost", "recap")}
assert bug not in pids, "et_bug_server is traced"
assert co2 in pids and sum(r["comm"] == "coalesce" and r["event"] == "epoll_wait" for r in recs) == 15, \
    "not every wait of the two coalesce runs is traced"
warned = [(w["pid"], w["kind"], w["fd"]) for w in recs if w["event"] == "warning"]
assert warned == [(hung, "missed_edge", 3)], f"warnings: {warned}"
print(f"ok: {len(pids)} processes traced, by name; warnings {warned}")
PY
echo "ok: --comm"
