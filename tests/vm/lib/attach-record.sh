# Sourced by the guest attach tests (tests/vm/guest/attach_*.sh) after
# guest-lib.sh: every run of tests/attach.list (each mode of each line)
# under one backend, recorded for tests/vm/judge/attach-lib.sh.  Loading
# the BPF programs takes seconds under TCG, so all the workloads are
# started at once, each held at its attach point (WL_ATTACH, WL_SYNC:
# asleep in epoll_wait after its bug fired, or in the wait its trigger
# will end), epolltrace --sets taken of the hung ones in text and JSON,
# then one epolltrace -p attached to all of them, and all let go.
# The VM is slow (and stalls for a second at times when the host is busy):
# epolltrace gets --confirm $ATTACH_CONFIRM_MS and the
# workloads expect their warnings within it and $ATTACH_SLACK_MS of the
# start record (WL_CONFIRM_MS, WL_ATTACH_SLACK_MS: tools/scenario.h).
# The go comes once the last workload is attached, seconds after the
# first (arm64 most): a correct program that holds input on its own queue
# until a little after its go (scen_ok_own_queue) holds it that much
# longer after its own attach, which the window must cover.

ATTACH_CONFIRM_MS=5000
ATTACH_SLACK_MS=3000
# Starting every workload, two --sets and the attach take minutes under
# TCG on a busy host: each workload waits this long for its go.
ATTACH_GO_WAIT_MS=400000

# The runs, "MODE NAME [ARGS]" per line, also for the judge.
sed 's/#.*//' /et/attach.list | grep -v '^[[:space:]]*$' | while read -r modes name args; do
	for mode in $(echo "$modes" | tr , ' '); do echo "$mode $name${args:+ $args}"; done
done >"$T/runs"

# run_id MODE NAME [ARGS]: what names one run's files: MODE_NAME[_ARGS].
run_id() { echo "$*" | tr ' ' _; }

# attach_record BACKEND: records per run ID.out (the workload's stdout and
# stderr), ID.pid, ID.rc; sets.txt, sets.json (--sets of the hung and
# forever runs); attach.json, attach.err, attach.rc.
attach_record() {
	local mode name args id pids="" held="" gos="" tpid wpid
	need_et
	while read -r mode name args; do
		id=$(run_id "$mode" "$name" $args)
		gos="$gos $T/$id.sync.go"
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
		wait_for "$T/$id.sync.ready" 600 || fail "$id never reached its attach point"
	done <"$T/runs"
	"$ET" --sets -p "${held#,}" >"$T/sets.txt" 2>&1
	"$ET" --sets --json -p "${held#,}" >"$T/sets.json" 2>"$T/sets.err"
	"$ET" --json --backend="$1" --confirm="$ATTACH_CONFIRM_MS" -o "$T/attach.json" \
		-p "${pids#,}" 2>"$T/attach.err" &
	tpid=$!
	wait_start "$T/attach.json" "$tpid"
	# The start record comes before the attaches; each is said on stderr
	# once done (a wait the trigger ends must still be in progress).
	for wpid in $(echo "${pids#,}" | tr , ' '); do
		wait_attached "$T/attach.err" "$wpid" "$tpid"
	done
	# All at once, names made beforehand: a process per run takes a tenth
	# of a second under TCG, and the last go would come seconds after the
	# attach.
	# shellcheck disable=SC2086
	touch $gos
	while read -r mode name args; do
		id=$(run_id "$mode" "$name" $args)
		wait "$(cat "$T/$id.pid")"
		echo $? >"$T/$id.rc"
	done <"$T/runs"
	wait "$tpid"
	echo $? >"$T/attach.rc"
	[ "$(cat "$T/attach.rc")" = 0 ] || skip_unavailable "$T/attach.err" "$1"
}
