# Sourced by the guest diagnostics tests (tests/vm/guest/diag_*.sh) after
# guest-lib.sh: run every scenario of tests/diag.list (tools/scen_*.c)
# under one backend, in launch and in attach mode, and record it all for
# tests/vm/judge/diag-lib.sh.  Loading the BPF programs takes seconds
# under TCG, so one epolltrace serves all the scenarios of a mode, which
# run side by side.

# The scenarios that run, "NAME [ARGS]" per line, also for the judge.
sed 's/#.*//' /et/diag.list | grep -v '^[[:space:]]*$' >"$T/scenarios"

# scen_id NAME [ARGS]: what names one line's files: NAME, or NAME_ARGS
# (a scenario may run with several arguments: late_reader 1200, never).
scen_id() {
	local name=$1
	shift
	if [ $# -gt 0 ]; then echo "${name}_$(echo "$*" | tr ' ' _)"; else echo "$name"; fi
}

# diag_launch BACKEND: epolltrace -f launches a shell that starts all the
# scenarios at once (as attach mode lets them all go at once: they are
# mostly asleep, and one after the other they took half a minute).
# Records launch.json, launch.err, launch.rc and per scenario
# NAME.launch.out (its stdout: its expectations), .err and .rc.
diag_launch() {
	need_et
	# shellcheck disable=SC2016
	timeout 80 "$ET" --json -f --backend="$1" -o "$T/launch.json" -- sh -c '
		while read -r s args; do
			id=$s
			[ -n "$args" ] && id="${s}_$(echo $args | tr " " _)"
			( "$1/scen_$s" $args </dev/null >"$2/$id.launch.out" 2>"$2/$id.launch.err"
			  echo $? >"$2/$id.launch.rc" ) &
		done <"$0"
		wait' "$T/scenarios" "$TOOLS" "$T" >"$T/launch.out" 2>"$T/launch.err"
	echo $? >"$T/launch.rc"
	[ "$(cat "$T/launch.rc")" = 0 ] || skip_unavailable "$T/launch.err" "$1"
}

# diag_attach BACKEND: every scenario started and held at its sync point
# (registrations made), one epolltrace -p attached to all of them, then
# all let go at once.  Records attach.json, attach.err, attach.rc and per
# scenario NAME.attach.out (its stdout and stderr), .pid and .rc.
diag_attach() {
	local name args id pids="" tpid wpid
	need_et
	while read -r name args; do
		id=$(scen_id "$name" $args)
		rm -f "$T/$id.sync.ready" "$T/$id.sync.go"
		WL_SYNC=$T/$id.sync "$TOOLS/scen_$name" $args >"$T/$id.attach.out" 2>&1 </dev/null &
		echo $! >"$T/$id.attach.pid"
		pids="$pids,$!"
	done <"$T/scenarios"
	while read -r name args; do
		id=$(scen_id "$name" $args)
		wait_for "$T/$id.sync.ready" 600 || fail "scen_$id never reached its sync point"
	done <"$T/scenarios"
	"$ET" --json --backend="$1" -o "$T/attach.json" -p "${pids#,}" 2>"$T/attach.err" &
	tpid=$!
	wait_start "$T/attach.json" "$tpid"
	for wpid in $(echo "${pids#,}" | tr , ' '); do
		wait_attached "$T/attach.err" "$wpid" "$tpid"
	done
	while read -r name args; do touch "$T/$(scen_id "$name" $args).sync.go"; done <"$T/scenarios"
	while read -r name args; do
		id=$(scen_id "$name" $args)
		wait "$(cat "$T/$id.attach.pid")"
		echo $? >"$T/$id.attach.rc"
	done <"$T/scenarios"
	wait "$tpid"
	echo $? >"$T/attach.rc"
}
