# Sourced by tests/vm/judge/attach_{fentry,kprobe,tracepoint}.sh after
# judge-lib.sh: the records of tests/vm/lib/attach-record.sh (every run of
# tests/attach.list under one backend, one epolltrace attached to all)
# held to each workload's expectations, as tests/scenario.sh run_attach
# holds them on the host:
#  - the trace is well formed, nothing lost or incomplete (check_records.py);
#  - per run, what the workload printed after its "# sync" line: its calls
#    in order, exact counts with its "$optional" ones (expect.py --exact),
#    exactly its warnings (warnings.py --pid --loose-evidence: evidence
#    and time are held to on the host; under emulation what a look at the
#    attach finds depends on where the program was in its loop), in one
#    process (tests/vm/check_scenarios.py);
#  - --sets of the hung and forever runs, text and JSON (sets_check.py
#    --stuck-may-miss: the snapshot may catch a program between two waits
#    of its loop; a false mark still fails).
# Every check runs; the judge fails at the end naming those that failed.

# run_id MODE NAME [ARGS]: as tests/vm/lib/attach-record.sh names a run.
run_id() { echo "$*" | tr ' ' _; }

# judge_attach BACKEND [WARNINGS.PY OPTIONS]
judge_attach() {
	local backend=$1 mode name args id failed="" pids="" pairs=() held=() bad=()
	shift
	[ -s "$R/runs" ] || fail "no run list recorded"
	while read -r mode name args; do
		id=$(run_id "$mode" "$name" $args)
		if [ "$(cat "$R/$id.rc" 2>/dev/null)" != 0 ]; then
			echo "scen_$name exited $(cat "$R/$id.rc" 2>/dev/null) in mode $mode:"
			tail -n 3 "$R/$id.out"
			failed="$failed $id"
		fi
		pids="$pids,$(cat "$R/$id.pid")"
		sed -n '/^# sync$/,$p' "$R/$id.out" >"$T/$id.exp"
		pairs+=("$id=$T/$id.exp")
		case $mode in hung|forever) held+=("$R/$id.out") ;; esac
	done <"$R/runs"
	[ -z "$failed" ] || fail "workloads failed:$failed"
	ran attach
	check_records "$R/attach.json" --no-loss --pids "${pids#,}" || bad+=("malformed trace")
	python3 "$ROOT/tests/vm/check_scenarios.py" attach "$R/attach.json" "${pairs[@]}" --loose-evidence "$@" ||
		bad+=("runs held to their expectations, see above")
	python3 "$ROOT/tests/sets_check.py" --stuck-may-miss "$R/sets.json" "$R/sets.txt" "${held[@]}" ||
		bad+=("--sets")
	[ ${#bad[@]} -eq 0 ] || fail "$backend: $(printf '%s; ' "${bad[@]}")"
	echo "ok: $(wc -l <"$R/runs") runs attached, backend $backend"
}
