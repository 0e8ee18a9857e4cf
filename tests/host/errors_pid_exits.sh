#!/bin/bash
# -p of a process that exits during the trace: the trace ends with its exit
# record (exit code, or the killing signal) and epolltrace exits 0 by itself.
. "$(dirname "$0")/../lib.sh"

run() {	# run NAME HOW-IT-ENDS EXPECTED-JSON-SUBSET
	local name=$1 how=$2 want=$3
	sleep 30 &
	local victim=$!
	BG_PIDS+=("$victim")
	"$ET" --json -o "$T/$name.json" -p "$victim" 2>"$T/$name.err" &
	local tpid=$!
	BG_PIDS+=("$tpid")
	wait_start "$T/$name.json" || { cat "$T/$name.err"; fail "$name: no start record"; }
	case $how in
	usr1) kill -USR1 "$victim";;	# default action: terminate
	kill) kill -KILL "$victim";;
	esac
	wait "$victim" 2>/dev/null
	wait_bounded "$tpid" 5 || fail "$name: epolltrace still running 5 s after the process died"
	[ "$WAIT_RC" = 0 ] || { cat "$T/$name.err"; fail "$name: epolltrace exited $WAIT_RC"; }
	python3 - "$T/$name.json" "$victim" "$want" <<'PY' || fail "$name: no final exit record"
import json, sys
recs = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
want = dict(json.loads(sys.argv[3]), event="exit", pid=int(sys.argv[2]))
last = [r for r in recs if r["event"] not in ("lost", "recap")][-1]
assert all(last.get(k) == v for k, v in want.items()), f"last record {last}, wanted {want}"
PY
}
run killed kill '{"signal":"SIGKILL"}'
run signalled usr1 '{"signal":"SIGUSR1"}'

# A process ending by exit(): the code.  It waits on a FIFO until traced.
mkfifo "$T/fifo"
sh -c 'read x <"$0"; exit 5' "$T/fifo" &
victim=$!
BG_PIDS+=("$victim")
"$ET" --json -o "$T/code.json" -p "$victim" 2>"$T/code.err" &
tpid=$!
BG_PIDS+=("$tpid")
wait_start "$T/code.json" || fail "code: no start record"
echo go >"$T/fifo"
wait "$victim"
wait_bounded "$tpid" 5 || fail "code: epolltrace still running 5 s after the process exited"
[ "$WAIT_RC" = 0 ] || fail "code: epolltrace exited $WAIT_RC"
grep -v "\"event\":\"recap\"" "$T/code.json" | tail -2 | grep -q "\"event\":\"exit\".*\"exit_code\":5" ||
	{ tail -2 "$T/code.json"; fail "code: no exit record with exit_code 5 at the end"; }
echo ok
