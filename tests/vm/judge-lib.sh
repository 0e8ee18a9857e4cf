# Sourced by the VM tier's judges, tests/vm/judge/NAME.sh, which run on the
# host once the VM is done: R is the record directory of guest test NAME
# (what tests/vm/guest/NAME.sh left in its $T: traces, the workloads'
# output, exit codes).  The judges hold the records to the host tier's
# checkers: tests/expect.py, tests/warnings.py, tests/check_records.py.
# Exit 0 (pass), 77 (skip) or else (fail), as a host test.
. "$(dirname "${BASH_SOURCE[0]}")/../lib.sh"
[ -d "${R:-}" ] || fail "no record directory (R=${R:-})"

# guest_fact NAME: what the guest's /init found about its kernel
# (tests/vm/init: release, arch, sk_data_ready_tp, epoll_pwait2, ...).
guest_fact() { sed -n "s/^$1=//p" "$R/../guest.facts" 2>/dev/null; }

# trace_attached TRACE WHAT: the trace's start record lists WHAT among the
# hooks epolltrace attached (e.g. raw_tp:sk_data_ready).
trace_attached() {
	grep -m1 '"event":"start"' "$1" 2>/dev/null | grep -qF "\"$2\""
}

# ran NAME: the run recorded as NAME (tests/vm/lib/guest-lib.sh: launch or
# attach) ended with status 0 and left a trace.
ran() {
	local name=$1 rc
	rc=$(cat "$R/$name.rc" 2>/dev/null)
	if [ "$rc" != 0 ]; then
		echo "--- epolltrace's stderr:"; tail -n 15 "$R/$name.err" 2>/dev/null
		echo "--- the workload's output:"; tail -n 5 "$R/$name.out" 2>/dev/null
		echo "--- the trace's head:"; head -n 3 "$R/$name.json" 2>/dev/null | cut -c1-300
		fail "$name: epolltrace exited ${rc:-nothing recorded} (124: timeout)"
	fi
	if [ -e "$R/$name.wrc" ] && [ "$(cat "$R/$name.wrc")" != 0 ]; then
		tail -n 5 "$R/$name.out"
		fail "$name: the workload exited $(cat "$R/$name.wrc") under attach"
	fi
	[ -s "$R/$name.json" ] || fail "$name: empty trace"
}

# fact NAME FILE: the value of a NAME=N line of a workload's stdout.
fact() { sed -n "s/^$1=\\([0-9]*\\)\$/\\1/p" "$2" | head -n 1; }

# ready_part RUN PART [BACKEND] [-- EXPECT.PY OPTIONS]: the trace of
# tools/ready_kinds recorded as RUN meets the expectations PART of
# tests/vm/ready_expect.py.
ready_part() {
	local run=$1 part=$2 backend=
	shift 2
	[ $# -gt 0 ] && [ "$1" != -- ] && { backend=$1; shift; }
	[ "${1:-}" = -- ] && shift
	python3 "$ROOT/tests/vm/ready_expect.py" "$R/$run.out" "$part" $backend >"$T/$run.$part.exp" ||
		fail "$run: no expectations ($(tail -n 2 "$R/$run.out" | tr '\n' ' '))"
	expect_check "$R/$run.json" "$T/$run.$part.exp" "$@" || fail "$run: $part, see above"
	echo "ok: $run, $part"
}

# summary_ready RUN RUN_C NAME [FACTS]: the -c run RUN_C of a workload
# counted the readiness its streaming run RUN showed (tests/summary_ready.py;
# FACTS: tools/hostile levels' stderr, with what it must count).
summary_ready() {
	local run=$1 run_c=$2 name=$3
	shift 3
	ran "$run"
	ran "$run_c"
	python3 "$ROOT/tests/summary_ready.py" "$R/$run.json" "$R/$run_c.json" "$name" "$@" ||
		fail "$run_c: -c and the stream ($run) count readiness differently"
	echo "ok: $run_c counts what $run shows"
}

# ready_kinds_ran RUN: tools/ready_kinds ran to its end under epolltrace,
# which traced it and only it, well formed, nothing lost.
ready_kinds_ran() {
	local pid
	ran "$1"
	grep -q '^# done$' "$R/$1.out" || fail "$1: ready_kinds did not finish: $(tail -n 3 "$R/$1.out")"
	pid=$(fact PID "$R/$1.out")
	[ -n "$pid" ] || fail "$1: ready_kinds did not say its pid"
	check_records "$R/$1.json" --pids "$pid" --no-loss || fail "$1: malformed trace"
}
