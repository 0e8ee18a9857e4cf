#!/bin/bash
# A Go server (tools/go/slowserver) attached mid-flight: 4 clients have
# each sent a 100-byte message, every handler has read its 10-byte head
# and sleeps 3 s before reading the rest, and the runtime's netpoller
# thread sleeps in epoll_pwait on the set (the test checks both before it
# attaches: 90 bytes queued in each served socket, a thread in
# epoll_pwait).  So epolltrace -p finds edge-triggered sockets ready and
# not queued with a thread blocked on their set: suspects, found at attach
# (said with -v).  Go keeps the readiness in its runtime, recognised up
# front (the runtime note): the handlers read the rest with no new edge,
# within ten times --confirm, and epolltrace must say nothing -- no
# warning, no retraction -- while every echo comes back whole and the
# server served exactly what the clients sent.  JSON, then text.
. "$(dirname "$0")/../lib.sh"
. "$ROOT/tests/real.sh"
real_go_build

CONNS=4
REAL_NAME="Go slowserver (attached mid-flight)"

# midflight RUN FORMAT-OPTIONS...
midflight() {
	local run=$1 port spid cpid tpid i n out; shift
	port=$(free_port)
	"$GO_SLOWSERVER" -addr "127.0.0.1:$port" -head 10 -size 100 -work 3000ms \
		>"$T/$run.stdout" 2>"$T/$run.program.stderr" &
	spid=$!
	BG_PIDS+=("$spid")
	real_wait_port "$port" "$spid" || fail "$run: slowserver is not serving on $port"
	REAL_PORT=$port
	python3 "$ROOT/tests/real_client.py" msgs "$port" --conns "$CONNS" --rounds 1 --size 100 \
		>"$T/$run.client" 2>&1 &
	cpid=$!
	BG_PIDS+=("$cpid")
	# Every served socket holds the 90 bytes its handler has not read yet.
	for ((i = 0; i < 200; i++)); do
		n=$(ss -Htn state established "( sport = :$port )" | awk '$1 == 90' | wc -l)
		[ "$n" = "$CONNS" ] && break
		sleep 0.02
	done
	[ "$n" = "$CONNS" ] || { ss -tn "( sport = :$port )"; fail "$run: the handlers never sat on 90 unread bytes each"; }
	grep -qs '^281 ' /proc/"$spid"/task/*/syscall ||
		fail "$run: no thread of the Go program sleeps in epoll_pwait"
	out=$T/$run.trace
	"$ET" -v "$@" -o "$out" -p "$spid" 2>"$T/$run.stderr" &
	tpid=$!
	BG_PIDS+=("$tpid")
	wait_start "$out" || { cat "$T/$run.stderr"; fail "$run: epolltrace -p $spid did not start"; }
	wait "$cpid" || real_bad "$run" "client: $(cat "$T/$run.client")"
	cat "$T/$run.client"
	kill -TERM "$spid"
	wait "$spid" || real_bad "$run" "slowserver exited $?"
	wait_bounded "$tpid" 15 || fail "$run: epolltrace still runs 15 s after the server exited"
	[ "$WAIT_RC" = 0 ] || real_bad "$run" "epolltrace exited $WAIT_RC"
	real_msgs_served "$run"
	MID_PID=$spid MID_OUT=$out
}

midflight json --json
python3 "$ROOT/tests/warnings.py" "$MID_OUT" --none || real_bad json "warnings or retractions in the JSON trace"
python3 - "$MID_OUT" "$MID_PID" "$CONNS" <<'PY' || real_bad json "the attach did not find the unread sockets, the runtime was not recognised, or a note is wrong"
import json, sys
pid, conns = int(sys.argv[2]), int(sys.argv[3])
recs = [json.loads(l) for l in open(sys.argv[1]) if l.startswith("{")]
notes = [r for r in recs if r.get("event") == "note" and r.get("pid") == pid]
suspects = {r.get("fd") for r in notes if r.get("kind") == "suspect"}
runtime = [r.get("runtime") for r in notes if r.get("kind") == "runtime"]
print(f"suspect notes for fds {sorted(suspects)}; runtime notes {runtime}")
ok = len(suspects) >= conns and any(str(r).startswith("Go") for r in runtime)
# What a note says of the time since epoll reported the fd cannot be
# longer than the program has run (a minute at most here).
import re
for r in notes:
    m = re.search(r"(\d+) ms after epoll reported it", r.get("message", ""))
    if m and int(m.group(1)) > 60000:
        print("a note says the fd was reported", m.group(1), "ms ago:", r["message"][:300])
        ok = False
sys.exit(0 if ok else 1)
PY
check_records "$MID_OUT" --no-loss --pids "$MID_PID" || real_bad json "malformed trace"

midflight text
n=$(cat "$MID_OUT" "$T/text.stderr" | grep -c 'epolltrace: WARNING\|epolltrace: RETRACTED')
[ "$n" = 0 ] || { grep 'epolltrace: WARNING\|epolltrace: RETRACTED' "$MID_OUT" "$T/text.stderr" | cut -c1-400; real_bad text "$n WARNING/RETRACTED line(s)"; }
real_finish
