#!/bin/bash
# SIGHUP (a terminal gone) ends epolltrace as SIGTERM does: it detaches,
# drains the ring buffer, writes whole records and its recap, with the
# `lost` record last, and exits 0; the traced program keeps running.
# The program is a chatty one, mid-stream: many records in flight.
. "$(dirname "$0")/../lib.sh"

"$ET" --json -o "$T/trace.json" -- "$TOOLS/hostile" chatter 100000000 >/dev/null 2>"$T/err" &
tpid=$!
BG_PIDS+=("$tpid")
wait_start "$T/trace.json" || { cat "$T/err"; fail "no start record"; }
child=$(pgrep -P "$tpid" -x hostile)
[ -n "$child" ] && BG_PIDS+=("$child")
sleep 1
kill -HUP "$tpid"
wait_bounded "$tpid" 5 || fail "epolltrace still running 5 s after SIGHUP"
[ "$WAIT_RC" = 0 ] || { cat "$T/err"; fail "epolltrace exited $WAIT_RC after SIGHUP"; }
[ -n "$child" ] && { kill -0 "$child" 2>/dev/null || fail "the traced program died with the tracer"; }
python3 - "$T/trace.json" <<'PY' || fail "the trace is not complete"
import json, sys
lines = open(sys.argv[1]).read().split("\n")
assert lines[-1] == "", f"the file ends in a partial line: {lines[-1][:80]!r}"
recs = [json.loads(l) for l in lines[:-1]]		# every line whole
waits = sum(r["event"] == "epoll_wait" for r in recs)
assert waits > 100, f"only {waits} waits traced in 1 s of chatter"
assert recs[-1]["event"] == "lost", f"the last record is {recs[-1]['event']}, not lost"
print(f"ok: {len(recs)} records, {waits} waits, the last one lost")
PY
echo ok
