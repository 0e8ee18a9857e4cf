#!/bin/bash
# tests/vm/guest/diag_watches.sh: with the user's epoll watch limit at 200,
# tools/scen_watches fills it until EPOLL_CTL_ADD fails with ENOSPC; in
# launch and in attach mode the trace holds each ADD (the failed one with
# ENOSPC) and exactly one watches_near_limit and one watches_exhausted
# warning, each stating the limit and naming scen_watches among the
# holders (the workload's expectations: _states, _says).  100 watches
# under a limit of 1000 (few): every ADD, and no warning.
. "$(dirname "$0")/../judge-lib.sh"

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
	echo "ok: $run, $(sed -n 's/^added=\([0-9]*\).*/\1/p' "$R/$run.out") watches added at limit $limit"
}

for run in launch attach; do
	grep -q '"kind":"watches_exhausted"' "$R/$run.out" ||
		fail "$run: scen_watches never got ENOSPC: $(tail -n 1 "$R/$run.out")"
	grep -q '"kind":"watches_near_limit"' "$R/$run.out" ||
		fail "$run: scen_watches expects no near-limit warning"
	check "$run" 200
done
grep -q '"event":"warning"' "$R/few.out" && fail "few: scen_watches expects a warning far from the limit"
check few 1000
