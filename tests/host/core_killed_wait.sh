#!/bin/bash
# A process killed in epoll_wait never sees the call return: like strace,
# its wait ends "= ?" in text and has "ret":null in JSON (not "= -1 EINTR",
# what the kernel hands a thread that is about to die), then the process
# is "+++ killed by SIG... +++".  SIGKILL, and SIGTERM (its default action)
# with a second thread asleep in another wait, whose call never returns
# either.  A wait that returns EINTR to a program that lives on is not
# touched (a signal with a handler: tests of strace's output cover that).
. "$(dirname "$0")/../lib.sh"

for sig in KILL TERM; do
	n=30000
	[ $sig = TERM ] && n=-30000	# two threads in two waits
	for fmt in text json; do
		opts=(-o "$T/$sig.$fmt")
		[ $fmt = json ] && opts+=(--json)
		"$ET" "${opts[@]}" -- "$TOOLS/hostile" sleep $n 2>"$T/$sig.$fmt.err" &
		tpid=$!
		BG_PIDS+=("$tpid")
		for _ in $(seq 200); do grep -q '^waiting=' "$T/$sig.$fmt.err" && break; sleep 0.05; done
		child=$(sed -n 's/^waiting=//p' "$T/$sig.$fmt.err")
		[ -n "$child" ] || fail "$sig $fmt: the workload never started"
		sleep 0.3	# in its wait(s) now
		kill -"$sig" "$child"
		wait_bounded "$tpid" 10 || fail "$sig $fmt: epolltrace still running 10 s after the kill"
	done
	waits=$(grep -c '] epoll_wait(' "$T/$sig.text")
	want=1
	[ $sig = TERM ] && want=2
	[ "$waits" = $want ] || { cat "$T/$sig.text"; fail "$sig: $waits waits in the text trace, wanted $want"; }
	[ "$(grep -cE '\] epoll_wait\(.*\) = \? <[0-9.]+>$' "$T/$sig.text")" = $want ] ||
		{ cat "$T/$sig.text"; fail "$sig: the killed waits do not end '= ? <duration>'"; }
	grep -q EINTR "$T/$sig.text" && fail "$sig: EINTR shown"
	grep -q "+++ killed by SIG$sig +++" "$T/$sig.text" || fail "$sig: no '+++ killed by SIG$sig +++'"
	check_records "$T/$sig.json" || fail "$sig: malformed JSON trace"
	python3 - "$T/$sig.json" $want <<'PY' || fail "$sig: the JSON waits are not ret null"
import json, sys
waits = [r for r in map(json.loads, open(sys.argv[1])) if r["event"] == "epoll_wait"]
assert len(waits) == int(sys.argv[2]), waits
assert all(r["ret"] is None and "error" not in r and r["ready"] == [] for r in waits), waits
PY
done
echo "ok: waits of killed processes end '= ?' (text) and ret null (JSON)"
