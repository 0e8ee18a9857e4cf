#!/bin/bash
# -a: every process, new ones included.  Three unrelated programs run:
# tools/hung_server, stuck already on a missed edge (its listening socket,
# fd 3, registered EPOLLIN|EPOLLET, one accept per event), an echo server
# under load (tools/echo_server, edge-triggered and drained: correct), and
# a correct edge-triggered program started after epolltrace
# (tools/scen_ok_et_drain: it joins at its first epoll call).  In JSON
# (-a) and in text (-a -q, at the same time), the stuck one is named by
# pid, name and fd, and no warning names the other two.  The machine may
# run other programs: what epolltrace says about them is not judged here.
. "$(dirname "$0")/../lib.sh"
for t in hung_server echo_server echo_client scen_ok_et_drain; do
	[ -x "$TOOLS/$t" ] || fail "$TOOLS/$t is missing: run make"
done

"$TOOLS/hung_server" 8 >"$T/hung.out" 2>"$T/hung.err" &
hung=$!
BG_PIDS+=("$hung")
"$TOOLS/echo_server" 0 "$T/echo.info" 2>"$T/echo.err" &
echo=$!
BG_PIDS+=("$echo")
for _ in $(seq 100); do grep -q '^port=' "$T/hung.out" && [ -s "$T/echo.info" ] && break; sleep 0.05; done
grep -q '^port=' "$T/hung.out" || fail "hung_server did not start: $(cat "$T/hung.err")"
read -r _ port <"$T/echo.info" || fail "echo_server did not start: $(cat "$T/echo.err")"
"$TOOLS/echo_client" "$port" 5 4 >"$T/client.out" 2>&1 &
client=$!
BG_PIDS+=("$client")

"$ET" -a --json -o "$T/all.json" 2>"$T/all.err" &
tj=$!
BG_PIDS+=("$tj")
"$ET" -a -q -o "$T/quiet.txt" 2>"$T/quiet.err" &
tq=$!
BG_PIDS+=("$tq")
wait_start "$T/all.json" || { cat "$T/all.err"; fail "epolltrace -a --json did not start"; }
sleep 0.5	# the text one: no header with -q, nothing to wait for but time
"$TOOLS/scen_ok_et_drain" >"$T/new.expect" 2>"$T/new.err" || fail "scen_ok_et_drain failed: $(cat "$T/new.err")"
new=$(python3 -c 'import json, sys; print(json.loads(open(sys.argv[1]).readline())["pid"])' "$T/new.expect")
wait "$client" || fail "echo_client failed: $(cat "$T/client.out")"
# hung_server's stall is confirmed within its 1 s tick and --confirm.
sleep 2
kill -INT "$tj" "$tq"
for p in "$tj" "$tq"; do
	wait_bounded "$p" 10 || fail "epolltrace -a still runs 10 s after SIGINT"
	[ "$WAIT_RC" = 0 ] || fail "epolltrace -a exited $WAIT_RC: $(cat "$T/all.err" "$T/quiet.err")"
done
kill "$echo"
wait_bounded "$hung" 15 || fail "hung_server did not end"

check_records "$T/all.json" || fail "-a: malformed JSON trace"
python3 - "$T/all.json" "$hung" "$echo" "$new" <<'PY' || fail "-a (JSON)"
import json, sys
recs = [json.loads(l) for l in open(sys.argv[1])]
hung, echo, new = map(int, sys.argv[2:5])
start = recs[0]
assert start.get("target") == "all processes", f"start record: {start}"
warnings = [r for r in recs if r["event"] == "warning"]
mine = [w for w in warnings if w["pid"] in (hung, echo, new)]
stuck = [w for w in mine if w["pid"] == hung]
assert len(stuck) == 1 and stuck[0]["kind"] == "missed_edge" and stuck[0]["fd"] == 3 \
    and stuck[0]["comm"] == "hung_server", f"hung_server: warnings {stuck}"
assert len(mine) == 1, f"warnings about the correct programs: {[w for w in mine if w['pid'] != hung]}"
waits = {p: sum(r["event"] == "epoll_wait" and r["pid"] == p for r in recs) for p in (echo, new)}
assert waits[echo] > 100, f"echo_server under load: {waits[echo]} waits traced"
assert waits[new] >= 3, f"the program started after epolltrace: {waits[new]} waits traced (it makes 4)"
comms = {r["comm"] for r in recs if r["pid"] == new and r["event"] == "epoll_ctl"}
assert comms == {"scen_ok_et_drai"}, f"its records name it {comms}"
others = sorted({w["pid"] for w in warnings} - {hung})
print(f"ok: hung_server {hung} named with fd 3; {waits[echo]} waits of echo_server, {waits[new]} of the "
      f"newcomer, no warning about them; other processes of the machine warned about: {others}")
PY
# Text, -a -q: the warning names pid, name and fd; nothing else is said
# about our programs.
grep -E "^epolltrace: WARNING missed_edge: \[$hung hung_server\] edge-triggered fd 3<TCP:" "$T/quiet.txt" >/dev/null ||
	{ cat "$T/quiet.txt"; fail "-a -q: no warning naming [$hung hung_server] fd 3"; }
grep -E "\[($echo|$new) " "$T/quiet.txt" && fail "-a -q: lines about the correct programs"
grep -vE '^epolltrace: (WARNING|RETRACTED|[0-9]+ warnings?:|no warnings)' "$T/quiet.txt" | head -3 | grep . &&
	fail "-a -q: lines that are not warnings or the recap"
grep -qE "^epolltrace: [0-9]+ warnings?:.* missed_edge \[$hung hung_server\] fd 3 in epoll" "$T/quiet.txt" ||
	fail "-a -q: no recap naming it"
echo "ok: -a"
