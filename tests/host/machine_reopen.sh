#!/bin/bash
# A monitor's log and log rotation: epolltrace -a -q -o FILE appends to
# FILE (what was there stays); rotation moves FILE and sends SIGHUP, and
# the monitor opens FILE anew and writes on there, without stopping.  A
# stuck hung_server before the rotation is warned about in the moved
# file, a second one after it in the new file; SIGINT then ends the
# monitor with status 0 and the recap, in the new file.
. "$(dirname "$0")/../lib.sh"
[ -x "$TOOLS/hung_server" ] || fail "$TOOLS/hung_server is missing: run make"
[ -x "$ET" ] || fail "$ET is missing: run make"
log=$T/monitor.log
echo "a line written before the monitor" >"$log"

# hung_server SECONDS: started, its pid in HUNG once its clients connected.
hung_server() {
	"$TOOLS/hung_server" "$1" >"$T/hung.$1.out" 2>&1 &
	HUNG=$!
	BG_PIDS+=("$HUNG")
	for _ in $(seq 100); do grep -q '^port=' "$T/hung.$1.out" && return; sleep 0.05; done
	fail "hung_server did not start: $(cat "$T/hung.$1.out")"
}

# wait_warned FILE PID: until FILE has a warning about PID (10 s at most).
wait_warned() {
	for _ in $(seq 200); do
		grep -qE "^epolltrace: WARNING missed_edge: \[$2 hung_server\]" "$1" && return 0
		sleep 0.05
	done
	cat "$1"
	fail "no warning about hung_server $2 in $1"
}

"$ET" -a -q -o "$log" 2>"$T/err" &
mon=$!
BG_PIDS+=("$mon")
sleep 1	# -q text has no header to wait for
hung_server 6
first=$HUNG
wait_warned "$log" "$first"
mv "$log" "$log.1"
kill -HUP "$mon"
sleep 0.5
kill -0 "$mon" 2>/dev/null || fail "SIGHUP ended the monitor: $(cat "$T/err")"
hung_server 7
second=$HUNG
wait_warned "$log" "$second"
kill -INT "$mon"
wait_bounded "$mon" 10 || fail "the monitor still runs 10 s after SIGINT"
[ "$WAIT_RC" = 0 ] || fail "the monitor exited $WAIT_RC: $(cat "$T/err")"

head -1 "$log.1" | grep -qx "a line written before the monitor" ||
	fail "the monitor truncated its log: $(head -3 "$log.1")"
grep -qE "\[$second hung_server\]" "$log.1" && fail "the warning after the rotation went to the moved file"
grep -qE "WARNING missed_edge: \[$first hung_server\]" "$log" &&
	fail "the warning before the rotation is in the new file"
grep -qE "^epolltrace: [0-9]+ warnings?:.*\[$second hung_server\]" "$log" ||
	{ cat "$log"; fail "no recap in the new file"; }
echo "ok: appended, reopened on SIGHUP, each warning in its file, the recap in the new one"
