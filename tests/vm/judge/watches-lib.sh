# Sourced by tests/vm/judge/diag_watches_*.sh after judge-lib.sh: the
# records of tests/vm/lib/watches-record.sh.  With the user's epoll watch
# limit at 200, tools/scen_watches fills it until EPOLL_CTL_ADD fails with
# ENOSPC; in launch and in attach mode the trace holds each ADD (the
# failed one with ENOSPC) and exactly one watches_near_limit and one
# watches_exhausted warning, each stating the limit and naming
# scen_watches among the holders (the workload's expectations: _states,
# _says).  100 watches under a limit of 1000 (few): every ADD, and no
# warning.  The counts are exact (exact_counts), whichever way the kernel
# keeps them.

# check RUN LIMIT: the records of run RUN, made with the limit at LIMIT.
check() {
	local run=$1 limit=$2 exp=$T/$1.exp pid
	ran "$run"
	grep -Eq "^added=[0-9]+ limit=$limit\$" "$R/$run.out" ||
		fail "$run: scen_watches did not finish at limit $limit: $(tail -n 3 "$R/$run.out")"
	if [ -e "$R/$run.pid" ]; then	# attach: what came after the sync point
		sed -n '/^# sync$/,$p' "$R/$run.out" >"$exp"
		pid=$(cat "$R/$run.pid")
	else
		cp "$R/$run.out" "$exp"
		pid=$(sed -n 's/^{"pid":\([0-9]*\),.*/\1/p' "$exp" | head -n 1)
	fi
	check_records "$R/$run.json" --no-loss --pids "$pid" || fail "$run: malformed trace"
	grep -v '"event":"warning"' "$exp" >"$exp.records"
	expect_check "$R/$run.json" "$exp.records" --exact epoll_ctl || fail "$run: the ADDs are not traced as made"
	python3 "$ROOT/tests/warnings.py" "$R/$run.json" "$exp" --pid "$pid" || fail "$run: wrong warnings"
	[ "$run" = few ] || exact_counts "$run" "$pid" "$limit"
	echo "ok: $run, $(sed -n 's/^added=\([0-9]*\).*/\1/p' "$R/$run.out") watches added at limit $limit"
}

# exact_counts RUN PID LIMIT: the user's watch count was read exactly at
# each ADD (an atomic before 5.15, a percpu_counter's parts added up
# since): watches_near_limit comes with the ADD that brought the count to
# 80% of the limit, saying 80%.  The user's other watches (epolltrace's
# own) are the limit less what the workload held at ENOSPC.
exact_counts() {
	python3 - "$R/$1.json" "$2" "$3" <<'PY' || fail "$1: the watch counts are not exact, see above"
import json, sys
recs = [json.loads(l) for l in open(sys.argv[1]) if l.startswith("{")]
pid, limit = int(sys.argv[2]), int(sys.argv[3])
mine = [r for r in recs if r.get("pid") == pid]
adds = [r for r in mine if r.get("event") == "epoll_ctl" and r.get("op") == "ADD"]
ok = [r["fd"] for r in adds if r.get("ret") == 0]
warn = {r["kind"]: r for r in mine if r.get("event") == "warning"}
near = warn["watches_near_limit"]
others = limit - len(ok)
at = sum(1 for fd in ok if fd <= near["fd"]) + others
want = -(-limit * 4 // 5)
print(f"near limit: said {near['watches']} at fd {near['fd']}, where the user held {at} "
      f"({len(ok)} added in all, {others} other watch(es)); 80% of {limit} is {want}")
assert near["watches"] == want and at == want, "the count said or the ADD it came with is off"
PY
}

# judge_watches BACKEND: the three runs, each on BACKEND.
judge_watches() {
	local run
	for run in launch attach; do
		grep -q '"kind":"watches_exhausted"' "$R/$run.out" ||
			fail "$run: scen_watches never got ENOSPC: $(tail -n 1 "$R/$run.out")"
		grep -q '"kind":"watches_near_limit"' "$R/$run.out" ||
			fail "$run: scen_watches expects no near-limit warning"
		check "$run" 200
	done
	grep -q '"event":"warning"' "$R/few.out" && fail "few: scen_watches expects a warning far from the limit"
	check few 1000
	for run in launch attach few; do
		grep -m1 '"event":"start"' "$R/$run.json" | grep -q "\"backend\":\"$1\"" ||
			fail "$run: not traced with backend $1"
	done
	echo "ok: watch limits, backend $1"
}
