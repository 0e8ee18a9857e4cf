# Sourced by the guest attach tests (tests/vm/guest/attach_*.sh) after
# guest-lib.sh: every run of tests/attach.list (each mode of each line)
# under one backend, recorded for tests/vm/judge/attach-lib.sh.  Loading
# the BPF programs takes seconds under TCG, so all the workloads are
# started at once, each held at its attach point (WL_ATTACH, WL_SYNC:
# asleep in epoll_wait after its bug fired, or in the wait its trigger
# will end), epolltrace --sets taken of the hung ones in text and JSON,
# then one epolltrace -p attached to all of them, each let go once
# epolltrace says it is attached.
# The VM is slow (and stalls for a second at times when the host is busy):
# epolltrace gets --confirm $ATTACH_CONFIRM_MS and the
# workloads expect their warnings within it and $ATTACH_SLACK_MS of the
# start record (WL_CONFIRM_MS, WL_ATTACH_SLACK_MS: tools/scenario.h).

ATTACH_CONFIRM_MS=2000
ATTACH_SLACK_MS=3000
# Starting every workload, two --sets and the attach take minutes under
# TCG on a busy host (on arm64 once 7.5 min, 3 min as a rule): each
# workload waits this long for its go (under the guest's 900 s for the test).
ATTACH_GO_WAIT_MS=700000

# The runs, "MODE NAME [ARGS]" per line, also for the judge.
# Not here: ok_own_queue, a correct program that drains its own queue
# 150 ms after its go, which must come within --confirm of its attach;
# under emulation the go came up to 20 s later (the host tier holds it).
sed 's/#.*//' /et/attach.list | grep -v '^[[:space:]]*$' | while read -r modes name args; do
	case $name in ok_own_queue) continue ;; esac
	for mode in $(echo "$modes" | tr , ' '); do echo "$mode $name${args:+ $args}"; done
done >"$T/runs"

# run_id MODE NAME [ARGS]: what names one run's files: MODE_NAME[_ARGS].
run_id() { echo "$*" | tr ' ' _; }

# attach_record BACKEND: records per run ID.out (the workload's stdout and
# stderr), ID.pid, ID.rc; sets.txt, sets.json (--sets of the hung and
# forever runs); attach.json, attach.err, attach.rc.
attach_record() {
	local mode name args id pids="" held="" tpid
	# 25 workloads, two --sets and their wait take minutes under TCG:
	# not for a backend this kernel refuses (fentry on arm64 before 6.4).
	need_backend "$1"
	while read -r mode name args; do
		id=$(run_id "$mode" "$name" $args)
		rm -f "$T/$id.sync.ready" "$T/$id.sync.go"
		WL_ATTACH=$mode WL_SYNC=$T/$id.sync WL_CONFIRM_MS=$ATTACH_CONFIRM_MS \
			WL_ATTACH_SLACK_MS=$ATTACH_SLACK_MS WL_GO_WAIT_MS=$ATTACH_GO_WAIT_MS \
			"$TOOLS/scen_$name" $args >"$T/$id.out" 2>&1 </dev/null &
		echo $! >"$T/$id.pid"
		pids="$pids,$!"
		case $mode in hung|forever) held="$held,$!" ;; esac
	done <"$T/runs"
	while read -r mode name args; do
		id=$(run_id "$mode" "$name" $args)
		# 25 workloads started at once: under emulation on a slow host
		# some took over 30 s to get there.
		wait_for "$T/$id.sync.ready" 3000 || fail "$id never reached its attach point"
	done <"$T/runs"
	"$ET" --sets -p "${held#,}" >"$T/sets.txt" 2>&1
	"$ET" --sets --json -p "${held#,}" >"$T/sets.json" 2>"$T/sets.err"
	"$ET" --json --backend="$1" --confirm="$ATTACH_CONFIRM_MS" -o "$T/attach.json" \
		-p "${pids#,}" 2>"$T/attach.err" &
	tpid=$!
	wait_start "$T/attach.json" "$tpid"
	# The start record comes before the attaches: each is said on stderr
	# once done, and its workload let go then (a wait the trigger ends
	# must still be in progress; a correct program that holds input on
	# its own queue until a little after its go must not hold it long
	# after its attach).
	while read -r mode name args; do
		id=$(run_id "$mode" "$name" $args)
		wait_attached "$T/attach.err" "$(cat "$T/$id.pid")" "$tpid"
		touch "$T/$id.sync.go"
	done <"$T/runs"
	while read -r mode name args; do
		id=$(run_id "$mode" "$name" $args)
		wait "$(cat "$T/$id.pid")"
		echo $? >"$T/$id.rc"
	done <"$T/runs"
	wait "$tpid"
	echo $? >"$T/attach.rc"
	[ "$(cat "$T/attach.rc")" = 0 ] || skip_unavailable "$T/attach.err" "$1"
}
