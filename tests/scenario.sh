# shellcheck shell=bash
# The diagnostics scenarios of tests/diag.list, run by tests/run as
# diag_NAME; by hand: bash tests/scenario.sh NAME [ARGS].  Those of
# tests/attach.list in their attach modes (run_attach, below), run as
# attach_MODE_NAME; by hand: bash tests/scenario.sh --attach MODE NAME
# [ARGS].  Also sourced (after tests/lib.sh) by tests/host/diag_*.sh that
# need more.
# run_scenario NAME [ARGS]: run the workload tools/scen_NAME.c under
# epolltrace four times -- launch mode with --json, attach mode (-p after
# the workload's registrations), launch mode with -q (readiness shipped
# for the verdicts only: the same warnings), launch mode with text
# output -- and hold
# each trace to what the workload printed: its records in order
# (tests/expect.py; in attach mode only those after its "# sync" line) and
# exactly its warnings and retractions (tests/warnings.py), no more, no
# fewer; and every line of a JSON trace well formed (tests/check_records.py).

# The warnings are matched apart from the records: which thread reports a
# stall, and where in the stream, is the tracer's choice.
# EXPECT_OPTS: more options for tests/expect.py (--exact EVENT...).
check_trace() { # MODE TRACE.json EXPECT [CHECK_RECORDS OPTIONS]
	local mode=$1 trace=$2 exp=$3
	shift 3
	grep -v -e '"event":"warning"' -e '"event":"retracted"' -e '"event":"note"' "$exp" >"$exp.records"
	# shellcheck disable=SC2086
	expect_check "$trace" "$exp.records" ${EXPECT_OPTS:-} || fail "$mode: records missing from the trace"
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

	# -q: readiness is not shown, so the kernel side ships only the edges
	# of processes with an item under suspicion; the verdicts must not
	# change (the edge's queue figures may be missing from the evidence).
	echo "== $name: launch, quiet"
	launch_run quiet "$T/quiet.json" -q -e notes -- "$wl" "$@"
	grep -q '"readiness for verdicts only"' "$T/quiet.json" ||
		fail "quiet: the start record does not say readiness is shipped for verdicts only"
	python3 "$ROOT/tests/warnings.py" "$T/quiet.json" "$T/quiet.expect" --no-read ||
		fail "quiet: wrong warnings"
	check_records "$T/quiet.json" --no-loss || fail "quiet: malformed trace"

	echo "== $name: launch, text"
	timeout 60 "$ET" -o "$T/text.out" -- "$wl" "$@" >"$T/text.expect" 2>"$T/text.err"
	rc=$?
	[ "$rc" = 0 ] || { cat "$T/text.err"; fail "text: epolltrace exited $rc (124: it did not finish in 60 s)"; }
	check_text "$T/text.out" "$T/text.err" "$T/text.expect"
	echo "ok: $name"
}

# run_attach MODE NAME [ARGS]: the workload tools/scen_NAME.c in attach
# mode MODE (WL_ATTACH, tools/scenario.h): epolltrace -p attached after
# the bug has fired, the program asleep in epoll_wait in a loop of waits
# with a timeout (hung) or in one without (forever), or busy between two
# such waits (busy), or while it sleeps in a wait entered before the
# attach, which the bug's trigger then ends (during).  Held to what the workload printed after its "# sync" line:
#  - JSON: its records in order, exactly as many epoll_ctl and epoll_wait
#    records as it made calls traced for sure, plus at most its
#    "$optional" ones (expect.py --exact), a wait entered before the
#    attach marked so, with its duration; exactly its warnings, with
#    their evidence (found at attach, the blocked thread, how long it had
#    slept) and in time (_by_ms: within --confirm and a slack of the
#    attach) (warnings.py); nothing lost, nothing incomplete
#    (check_records.py);
#  - hung, forever: epolltrace --sets, taken at the attach point, in text
#    and JSON, shows every registration and marks the stuck item, and
#    only it (sets_check.py);
#  - hung: a second run with text output, one WARNING line per expected
#    warning, saying it was found at attach and naming the thread.
# Every check runs; the test fails at the end, listing those that failed.
run_attach() {
	local mode=$1 name=$2 wl=$TOOLS/scen_$2 pid sets=0 exp
	local bad=()
	shift 2
	[ -x "$ET" ] || fail "$ET is missing: run make"
	[ -x "$wl" ] || fail "$wl is missing: run make"
	case $mode in
	hung|forever) sets=1 ;;
	during|busy) ;;
	*) fail "unknown attach mode $mode (hung, forever, during, busy)" ;;
	esac

	echo "== $name: attached $mode, JSON"
	WL_ATTACH=$mode ATTACH_SETS=$sets attach_run "$mode" "$T/$mode.json" "$wl" "$@"
	pid=$(cat "$T/$mode.ready")
	exp=$T/$mode.after-sync
	sed -n '/^# sync$/,$p' "$T/$mode.expect" >"$exp"
	grep -q '^{' "$exp" || fail "$mode: the workload printed nothing after its sync point"
	grep -v -e '"event":"warning"' -e '"event":"retracted"' -e '"event":"note"' "$exp" >"$exp.records"
	expect_check "$T/$mode.json" "$exp.records" --exact epoll_ctl epoll_wait ||
		bad+=("$mode: the calls are not traced as made")
	python3 "$ROOT/tests/warnings.py" "$T/$mode.json" "$exp" || bad+=("$mode: wrong warnings")
	check_records "$T/$mode.json" --no-loss --pids "$pid" || bad+=("$mode: malformed trace")
	if [ "$sets" = 1 ]; then
		python3 "$ROOT/tests/sets_check.py" "$T/$mode.sets.json" "$T/$mode.sets.txt" \
			"$T/$mode.expect" || { cat "$T/$mode.sets.txt"; bad+=("$mode: --sets"); }
	fi

	if [ "$mode" = hung ]; then
		echo "== $name: attached $mode, text"
		WL_ATTACH=$mode ATTACH_TEXT=1 attach_run text "$T/text.out" "$wl" "$@"
		(check_text "$T/text.out" "$T/text.stderr" "$T/text.expect") || bad+=("text: the WARNING lines")
		python3 - "$T/text.out" "$T/text.stderr" "$T/text.expect" <<'PY' || bad+=("text: the warning does not say it was found at attach")
import json, sys
lines = [l for p in sys.argv[1:3] for l in open(p) if "epolltrace: WARNING" in l]
for l in open(sys.argv[3]):
    if not l.startswith("{"):
        continue
    w = json.loads(l)
    ev = w.get("evidence") or {}
    if w.get("event") != "warning" or not ev.get("found_at_attach"):
        continue
    says = ("was found at attach ready but not queued", f"thread {ev['blocked_tid']} blocked")
    if not any(f"WARNING {w['kind']}" in t and all(s in t for s in says) for t in lines):
        print("no text warning says", says, "of", w["kind"], "fd", w["fd"])
        print("".join(lines))
        sys.exit(1)
PY
	fi
	[ ${#bad[@]} -eq 0 ] || fail "$name attached $mode: ${#bad[@]} check(s) failed: $(printf '%s; ' "${bad[@]}")"
	echo "ok: $name attached $mode"
}

# Run directly: one scenario.
if [ "${BASH_SOURCE[0]}" = "$0" ]; then
	[ $# -ge 1 ] || { echo "usage: $0 [--attach MODE] NAME [ARGS]  (a scenario of tests/diag.list or tests/attach.list)"; exit 2; }
	. "$(dirname "$0")/lib.sh"
	if [ "$1" = --attach ]; then
		shift
		run_attach "$@"
	else
		run_scenario "$@"
	fi
fi
