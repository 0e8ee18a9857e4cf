# shellcheck shell=bash
# The diagnostics scenarios of tests/diag.list, run by tests/run as
# diag_NAME; by hand: bash tests/scenario.sh NAME [ARGS].  Also sourced
# (after tests/lib.sh) by tests/host/diag_*.sh that need more.
# run_scenario NAME [ARGS]: run the workload tools/scen_NAME.c under
# epolltrace three times -- launch mode with --json, attach mode (-p after
# the workload's registrations), launch mode with text output -- and hold
# each trace to what the workload printed: its records in order
# (tests/expect.py; in attach mode only those after its "# sync" line) and
# exactly its warnings and retractions (tests/warnings.py), no more, no
# fewer; and every line of a JSON trace well formed (tests/check_records.py).

# The warnings are matched apart from the records: which thread reports a
# stall, and where in the stream, is the tracer's choice.
check_trace() { # MODE TRACE.json EXPECT [CHECK_RECORDS OPTIONS]
	local mode=$1 trace=$2 exp=$3
	shift 3
	grep -v -e '"event":"warning"' -e '"event":"retracted"' -e '"event":"note"' "$exp" >"$exp.records"
	expect_check "$trace" "$exp.records" || fail "$mode: records missing from the trace"
	python3 "$ROOT/tests/warnings.py" "$trace" "$exp" || fail "$mode: wrong warnings"
	# The shape of every line: expect.py and warnings.py read only the
	# records they look for.
	check_records "$trace" --no-loss "$@" || fail "$mode: malformed trace"
}

# Text output: one "epolltrace: WARNING KIND" line per expected warning,
# in the trace output (-o), on stderr, or in both.
text_count_ok() { # WANT IN_OUTPUT ON_STDERR
	{ [ "$2" = "$1" ] && { [ "$3" = 0 ] || [ "$3" = "$1" ]; }; } ||
		{ [ "$2" = 0 ] && [ "$3" = "$1" ]; }
}

check_text() { # OUT ERR EXPECT
	local out=$1 err=$2 exp=$3 kinds kind want got_out got_err
	kinds=$(grep -o '"event":"warning","kind":"[a-z_]*"' "$exp" | sed 's/.*"kind":"//; s/"//' | sort -u)
	for kind in $kinds; do
		want=$(grep -c "\"event\":\"warning\",\"kind\":\"$kind\"" "$exp")
		got_out=$(grep -c "epolltrace: WARNING $kind" "$out")
		got_err=$(grep -c "epolltrace: WARNING $kind" "$err")
		text_count_ok "$want" "$got_out" "$got_err" ||
			fail "text: $want 'WARNING $kind' line(s) expected, $got_out in the output, $got_err on stderr"
	done
	want=$(grep -c '"event":"warning"' "$exp")
	got_out=$(grep -c 'epolltrace: WARNING ' "$out")
	got_err=$(grep -c 'epolltrace: WARNING ' "$err")
	if ! text_count_ok "$want" "$got_out" "$got_err"; then
		grep -h WARNING "$out" "$err"
		fail "text: $want WARNING line(s) expected in all, $got_out in the output, $got_err on stderr"
	fi
	# The text trace shows the calls too, not just the verdict.
	grep -Eq 'epoll_(ctl|wait)\(' "$out" || fail "text: no epoll_ctl or epoll_wait line in the output"
}

run_scenario() {
	local name=$1 wl=$TOOLS/scen_$1 rc
	shift
	[ -x "$ET" ] || fail "$ET is missing: run make"
	[ -x "$wl" ] || fail "$wl is missing: run make"

	echo "== $name: launch, JSON"
	launch_run launch "$T/launch.json" -- "$wl" "$@"
	check_trace launch "$T/launch.json" "$T/launch.expect"

	echo "== $name: attach"
	attach_run attach "$T/attach.json" "$wl" "$@"
	sed -n '/^# sync$/,$p' "$T/attach.expect" >"$T/attach.after-sync"
	grep -q '^{' "$T/attach.after-sync" || fail "attach: the workload printed nothing after its sync point"
	check_trace attach "$T/attach.json" "$T/attach.after-sync" --pids "$(cat "$T/attach.ready")"

	echo "== $name: launch, text"
	timeout 60 "$ET" -o "$T/text.out" -- "$wl" "$@" >"$T/text.expect" 2>"$T/text.err"
	rc=$?
	[ "$rc" = 0 ] || { cat "$T/text.err"; fail "text: epolltrace exited $rc (124: it did not finish in 60 s)"; }
	check_text "$T/text.out" "$T/text.err" "$T/text.expect"
	echo "ok: $name"
}

# Run directly: one scenario.
if [ "${BASH_SOURCE[0]}" = "$0" ]; then
	[ $# -ge 1 ] || { echo "usage: $0 NAME [ARGS]  (a scenario of tests/diag.list)"; exit 2; }
	. "$(dirname "$0")/lib.sh"
	run_scenario "$@"
fi
