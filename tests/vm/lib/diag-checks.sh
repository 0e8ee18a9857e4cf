# Sourced by the guest diagnostics tests (tests/vm/guest/diag_*.sh), after
# guest-lib.sh: hold a trace's warnings to the ones a scenario workload
# (tools/scen_*.c) printed as expectations -- the same rule as the host's
# tests/warnings.py, in sh and awk: the same multiset of (kind, epfd, fd),
# nothing more, nothing less, each with a message.

# warning_keys FILE: one "kind epfd fd" line per warning record, sorted;
# "-" for a key the record lacks.  The first occurrence of each key counts
# (facts after it may repeat a name inside an object).
warning_keys() {
	awk '
	function val(line, k,    p, s) {
		p = index(line, "\"" k "\":")
		if (!p) return "-"
		s = substr(line, p + length(k) + 3)
		sub(/^"/, "", s)
		match(s, /^[a-z_0-9-]*/)
		return RLENGTH > 0 ? substr(s, 1, RLENGTH) : "-"
	}
	{ l = $0; gsub(/": /, "\":", l) }
	index(l, "\"event\":\"warning\"") {
		print val(l, "kind"), val(l, "epfd"), val(l, "fd")
	}' "$1" | sort
}

# check_warnings TRACE EXPECT: EXPECT is the workload's stdout.  An
# expectation without an fd (watches_near_limit) matches on its kind.
check_warnings() {
	local trace=$1 exp=$2 loose
	warning_keys "$exp" >"$trace.want"
	loose=$(awk '$3 == "-" { print $1 }' "$trace.want" | sort -u)
	warning_keys "$trace" | awk -v loose=" $(echo $loose) " '
		index(loose, " " $1 " ") { print $1, "-", "-"; next } { print }' |
		sort >"$trace.got"
	awk '$3 == "-" { print $1, "-", "-"; next } { print }' "$trace.want" | sort >"$trace.want2"
	if ! cmp -s "$trace.want2" "$trace.got"; then
		echo "warnings expected (kind epfd fd):"; sed 's/^/   /' "$trace.want2"
		echo "warnings traced:"; sed 's/^/   /' "$trace.got"
		grep '"event": *"warning"' "$trace" | head -n 5 | cut -c1-300
		fail "wrong warnings in $trace"
	fi
	if grep '"event": *"warning"' "$trace" | grep -qv '"message": *"[^"]'; then
		fail "a warning without a message in $trace"
	fi
}

# attach_trace BACKEND OUT CMD [ARGS]: run CMD (a workload with a sync
# point) until its registrations are made, attach epolltrace --json -p to
# it with the backend forced, let it go on.  Same files as trace(): OUT,
# OUT.cmd (the workload's stdout), OUT.err.
attach_trace() {
	local backend=$1 out=$2 wpid tpid i rc
	shift 2
	need_et
	rm -f "$out.sync.ready" "$out.sync.go"
	WL_SYNC=$out.sync "$@" >"$out.cmd" 2>&1 &
	wpid=$!
	i=0
	while [ ! -e "$out.sync.ready" ] && [ $i -lt 1000 ]; do sleep 0.05; i=$((i + 1)); done
	[ -e "$out.sync.ready" ] || fail "$out: the workload never reached its sync point"
	"$ET" --json --backend="$backend" -o "$out" -p "$wpid" 2>"$out.err" &
	tpid=$!
	i=0
	while ! grep -q '"event": *"start"' "$out" 2>/dev/null && [ $i -lt 1000 ]; do
		sleep 0.05; i=$((i + 1))
	done
	touch "$out.sync.go"
	wait "$wpid" || fail "the workload exited $? under attach"
	wait "$tpid"
	rc=$?
	[ "$rc" = 0 ] || { tail -n 5 "$out.err"; fail "epolltrace -p exited $rc"; }
}

# delivered_fds FILE: one line per epoll_wait record: the fds of its
# "ready" list, in order ("" when it returned nothing).
delivered_fds() {
	awk '{ l = $0; gsub(/": /, "\":", l) }
	index(l, "\"event\":\"epoll_wait\"") {
		p = index(l, "\"ready\":[")
		s = p ? substr(l, p) : ""
		out = ""
		while (match(s, /"fd":(-?[0-9]+|null)/)) {
			out = out " " substr(s, RSTART + 5, RLENGTH - 5)
			s = substr(s, RSTART + RLENGTH)
		}
		print "wait:" out
	}' "$1"
}

# check_scenario NAME TRACE EXPECT: the trace records of the workload's
# process (its pid is in its expectations) against its expectations: as
# many epoll_ctl records as calls, every epoll_wait delivering the same fds
# in the same order, and exactly the expected warnings.
check_scenario() {
	local name=$1 trace=$2 exp=$3 pid n_want n_got sub
	pid=$(sed -n 's/^{"pid":\([0-9]*\),.*/\1/p' "$exp" | head -n 1)
	[ -n "$pid" ] || fail "$name: the workload printed no expectations"
	sub=$T/$name.$pid.trace
	grep -E "\"pid\": *$pid[,}]" "$trace" >"$sub"
	n_want=$(grep -c '"event":"epoll_ctl"' "$exp")
	n_got=$(grep -c '"event": *"epoll_ctl"' "$sub")
	[ "$n_got" = "$n_want" ] || fail "$name: $n_got epoll_ctl records traced, $n_want calls made"
	delivered_fds "$exp" >"$sub.want-fds"
	delivered_fds "$sub" >"$sub.got-fds"
	if ! cmp -s "$sub.want-fds" "$sub.got-fds"; then
		echo "epoll_wait deliveries made:"; sed 's/^/   /' "$sub.want-fds"
		echo "epoll_wait deliveries traced:"; sed 's/^/   /' "$sub.got-fds"
		fail "$name: the traced deliveries differ"
	fi
	check_warnings "$sub" "$exp"
}

# The scenarios, each with its expectations inside the workload.
DIAG_SCENARIOS="missed_edge_pipe missed_edge_tcp missed_edge_listen
missed_edge_udp missed_edge_eventfd oneshot_not_rearmed stale_registration
ok_et_drain ok_lt_partial ok_et_readylist ok_worker_handoff ok_oneshot_rearm
ok_close"

# Loading the BPF programs takes seconds under TCG, so one epolltrace
# serves all the scenarios of a run:
# diag_launch BACKEND: epolltrace -f launches a shell that runs the
# scenarios one after the other; each is checked on its own process.
diag_launch() {
	local backend=$1 out=$T/launch-$1.json rc name failed=""
	need_et
	# shellcheck disable=SC2016
	timeout 80 "$ET" --json -f --backend="$backend" -o "$out" -- sh -c '
		for s in $0; do
			echo "# scenario $s"
			"$1/scen_$s" || { echo "# scen_$s exited $?"; exit 1; }
		done' "$(echo $DIAG_SCENARIOS)" "$TOOLS" >"$out.cmd" 2>"$out.err"
	rc=$?
	if [ "$rc" != 0 ]; then
		tail -n 5 "$out.err"; tail -n 3 "$out.cmd"
		fail "epolltrace -f --backend=$backend exited $rc"
	fi
	for name in $DIAG_SCENARIOS; do
		awk -v s="# scenario $name" '/^# scenario / { on = ($0 == s); next } on' \
			"$out.cmd" >"$T/$name.launch.exp"
		( check_scenario "$name" "$out" "$T/$name.launch.exp" && echo "ok: $name" ) ||
			failed="$failed $name"
	done
	[ -z "$failed" ] || fail "$backend, launch mode:$failed"
}

# diag_attach BACKEND: every scenario started and held at its sync point
# (registrations made), one epolltrace -p attached to all of them, then
# all let go at once; each checked on what it did after the sync point.
diag_attach() {
	local backend=$1 out=$T/attach-$1.json name pids="" wpids="" i tpid rc failed=""
	need_et
	for name in $DIAG_SCENARIOS; do
		rm -f "$T/$name.sync.ready" "$T/$name.sync.go"
		WL_SYNC=$T/$name.sync "$TOOLS/scen_$name" >"$T/$name.attach.cmd" 2>&1 &
		wpids="$wpids $name:$!"
		pids="$pids,$!"
	done
	for name in $DIAG_SCENARIOS; do
		i=0
		while [ ! -e "$T/$name.sync.ready" ] && [ $i -lt 600 ]; do sleep 0.05; i=$((i + 1)); done
		[ -e "$T/$name.sync.ready" ] || fail "scen_$name never reached its sync point"
	done
	"$ET" --json --backend="$backend" -o "$out" -p "${pids#,}" 2>"$out.err" &
	tpid=$!
	i=0
	while ! grep -q '"event": *"start"' "$out" 2>/dev/null && [ $i -lt 600 ]; do
		sleep 0.05; i=$((i + 1))
	done
	for name in $DIAG_SCENARIOS; do touch "$T/$name.sync.go"; done
	for i in $wpids; do
		name=${i%:*}
		wait "${i#*:}" && continue
		failed="$failed $name"
		echo "scen_$name failed under attach:"; tail -n 3 "$T/$name.attach.cmd"
	done
	[ -z "$failed" ] || fail "workloads failed under attach:$failed"
	wait "$tpid"
	rc=$?
	[ "$rc" = 0 ] || { tail -n 5 "$out.err"; fail "epolltrace -p --backend=$backend exited $rc"; }
	for name in $DIAG_SCENARIOS; do
		sed -n '/^# sync$/,$p' "$T/$name.attach.cmd" >"$T/$name.attach.exp"
		( check_scenario "$name" "$out" "$T/$name.attach.exp" && echo "ok: $name" ) ||
			failed="$failed $name"
	done
	[ -z "$failed" ] || fail "$backend, attach mode:$failed"
}
