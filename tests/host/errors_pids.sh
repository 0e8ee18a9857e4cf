#!/bin/bash
# -p lists: a process named twice (the same pid, or one of its threads)
# is traced once; a kernel thread is refused at once with one line saying
# so (it makes no system calls: it would be traced for ever, silently).
# (An empty list is a usage error: errors_badopt.sh.)
. "$(dirname "$0")/../lib.sh"

"$TOOLS/hostile" sleep -60000 >/dev/null 2>"$T/wl.err" &
v=$!
BG_PIDS+=("$v")
for _ in $(seq 100); do grep -q '^waiting=' "$T/wl.err" && break; sleep 0.05; done
tid=$(ls "/proc/$v/task" | grep -vx "$v" | head -1)
[ -n "$tid" ] || fail "the workload has no second thread"

# Traced once: the start record names it once, each of its calls is once.
for list in "$v,$v" "$v -p $v" "$v,$tid" "$tid,$v"; do
	# The last run's start record would be found before this run truncates
	# the file, and SIGTERM sent before its handler is set.
	rm -f "$T/trace.json"
	# shellcheck disable=SC2086
	"$ET" --json -o "$T/trace.json" -p ${list} 2>"$T/err" &
	tpid=$!
	BG_PIDS+=("$tpid")
	wait_start "$T/trace.json" || { cat "$T/err"; fail "-p $list: no start record"; }
	kill -TERM "$tpid"
	wait_bounded "$tpid" 5 || fail "-p $list: still running 5 s after SIGTERM"
	[ "$WAIT_RC" = 0 ] || { cat "$T/err"; fail "-p $list: exit status $WAIT_RC"; }
	python3 - "$T/trace.json" "$v" <<'PY' || fail "-p $list: not traced once"
import json, sys
start = json.loads(open(sys.argv[1]).readline())
assert start["pids"] == [int(sys.argv[2])], start["pids"]
PY
done
"$ET" --sets -p "$v,$tid,$v" >"$T/sets" 2>"$T/sets.err" || fail "--sets of one process named thrice: exit $?"
[ "$(grep -c "^pid $v: " "$T/sets")" = 1 ] || { cat "$T/sets"; fail "--sets: the process not shown once"; }

# A kernel thread (kthreadd is pid 2 where there is one).
kt=$(awk '{ if (int($9 / 2097152) % 2) { print FILENAME; exit } }' /proc/[0-9]*/stat 2>/dev/null |
	sed 's|/proc/\([0-9]*\)/stat|\1|')
[ -n "$kt" ] || skip "no kernel thread found"
for mode in trace sets; do
	args=(-p "$kt")
	[ $mode = sets ] && args=(--sets -p "$kt")
	start=$SECONDS
	timeout 10 "$ET" "${args[@]}" >"$T/out" 2>"$T/err"
	rc=$?
	[ "$rc" = 1 ] || fail "$mode -p $kt (a kernel thread): exit status $rc, wanted 1"
	[ $((SECONDS - start)) -le 2 ] || fail "$mode -p $kt: took $((SECONDS - start)) s"
	printf 'epolltrace: pid %s is a kernel thread: it makes no system calls to trace\n' "$kt" >"$T/want"
	diff "$T/want" "$T/err" || fail "$mode -p $kt: not the one line wanted on stderr"
	[ -s "$T/out" ] && fail "$mode -p $kt: wrote to stdout: $(head -2 "$T/out")"
done
echo "ok: a process named twice is traced once; kernel thread $kt refused"
