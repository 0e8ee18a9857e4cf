# Sourced by tests/vm/judge/diag_{fentry,kprobe,tracepoint}.sh after
# judge-lib.sh: the records of tests/vm/lib/diag-record.sh (every scenario
# of tests/diag.list, in launch and attach mode, under one backend) held
# to each scenario's expectations, one scenario at a time:
#  - the trace is well formed, nothing lost (check_records.py);
#  - its records, in order, with exactly as many epoll_ctl and epoll_wait
#    records as the scenario made calls (expect.py --exact);
#  - exactly its warnings, no more, no fewer (warnings.py --pid).
# In attach mode, only what the scenario did after its "# sync" line.
# The last two run in one process (tests/vm/check_scenarios.py).

# scen_id NAME [ARGS]: as tests/vm/lib/diag-record.sh names one line's files.
scen_id() {
	local name=$1
	shift
	if [ $# -gt 0 ]; then echo "${name}_$(echo "$*" | tr ' ' _)"; else echo "$name"; fi
}

# judge_diag BACKEND [WARNINGS.PY OPTIONS]
judge_diag() {
	local backend=$1 name args id failed="" pids="" rc pairs=()
	shift
	[ -s "$R/scenarios" ] || fail "no scenario list recorded"

	ran launch
	check_records "$R/launch.json" --no-loss || fail "launch: malformed trace"
	while read -r name args; do
		id=$(scen_id "$name" $args)
		rc=$(cat "$R/$id.launch.rc" 2>/dev/null)
		if [ "$rc" != 0 ]; then
			echo "scen_$id exited ${rc:-?} under launch:"; tail -n 3 "$R/$id.launch.err"
			failed="$failed $id"
		fi
		pairs+=("$id=$R/$id.launch.out")
	done <"$R/scenarios"
	[ -z "$failed" ] || fail "workloads failed under launch:$failed"
	python3 "$ROOT/tests/vm/check_scenarios.py" launch "$R/launch.json" "${pairs[@]}" "$@" ||
		fail "$backend, launch mode, see above"

	while read -r name args; do
		id=$(scen_id "$name" $args)
		rc=$(cat "$R/$id.attach.rc" 2>/dev/null)
		if [ "$rc" != 0 ]; then
			echo "scen_$id exited ${rc:-?} under attach:"; tail -n 3 "$R/$id.attach.out"
			failed="$failed $id"
		fi
		pids="$pids,$(cat "$R/$id.attach.pid")"
	done <"$R/scenarios"
	[ -z "$failed" ] || fail "workloads failed under attach:$failed"
	ran attach
	check_records "$R/attach.json" --no-loss --pids "${pids#,}" || fail "attach: malformed trace"
	pairs=()
	while read -r name args; do
		id=$(scen_id "$name" $args)
		sed -n '/^# sync$/,$p' "$R/$id.attach.out" >"$T/$id.attach.exp"
		pairs+=("$id=$T/$id.attach.exp")
	done <"$R/scenarios"
	python3 "$ROOT/tests/vm/check_scenarios.py" attach "$R/attach.json" "${pairs[@]}" "$@" ||
		fail "$backend, attach mode, see above"
	echo "ok: $(wc -l <"$R/scenarios") scenarios, launch and attach, backend $backend"
}
