#!/bin/bash
# SIGTERM (and SIGINT) to epolltrace -p: it detaches, exits 0 promptly,
# leaves a complete trace, and the traced process keeps running.
. "$(dirname "$0")/../lib.sh"

for sig in TERM INT; do
	# The workload keeps making epoll calls: epoll_calls would end, use a
	# loop of them.
	bash -c 'while :; do "$0" >/dev/null; done' "$TOOLS/epoll_calls" &
	victim=$!
	BG_PIDS+=("$victim")
	"$ET" --json -f -o "$T/$sig.json" -p "$victim" 2>"$T/$sig.err" &
	tpid=$!
	BG_PIDS+=("$tpid")
	wait_start "$T/$sig.json" || { cat "$T/$sig.err"; fail "$sig: no start record"; }
	sleep 1
	kill -"$sig" "$tpid"
	wait_bounded "$tpid" 5 || fail "SIG$sig: epolltrace still running 5 s later"
	[ "$WAIT_RC" = 0 ] || { cat "$T/$sig.err"; fail "SIG$sig: epolltrace exited $WAIT_RC"; }
	kill -0 "$victim" 2>/dev/null || fail "SIG$sig: the traced process died with the tracer"
	python3 - "$T/$sig.json" <<'PY' || fail "SIG$sig: trace incomplete"
import json, sys
recs = [json.loads(l) for l in open(sys.argv[1])]	# every line whole
assert any(r["event"] == "epoll_ctl" for r in recs), "no epoll_ctl traced in 1 s of the loop"
PY
	# Still running and unhindered a moment later.
	sleep 0.5
	kill -0 "$victim" 2>/dev/null || fail "SIG$sig: the traced process died after the detach"
	kill "$victim"; wait "$victim" 2>/dev/null
done
echo ok
