# Sourced by the guest tests (tests/vm/guest/*.sh) inside the VM, where
# there is busybox and no python.  A guest test only records: it runs
# epolltrace and the workloads and keeps in $T what the host needs to
# judge them (traces, the workloads' stdout, exit codes); the host judges
# with tests/vm/judge/NAME.sh, i.e. with the host tier's checkers.
# A guest test exits 1 only when it could not record, 77 to skip.
# /init sets ET (the tracer), TOOLS (the workloads) and T (the test's
# record directory).
: "${ET:=/et/epolltrace}" "${TOOLS:=/et/tools}" "${T:=/tmp}"

fail() { echo "FAIL: $*"; exit 1; }
skip() { echo "skip: $*"; exit 77; }

need_et() { [ -x "$ET" ] || fail "no epolltrace binary in the image"; }

# launch NAME BACKEND CMD [ARGS]: epolltrace --json --backend=BACKEND
# launching CMD.  Records NAME.json (the trace), NAME.out (CMD's stdout),
# NAME.err (the tracer's stderr), NAME.rc (epolltrace's exit status,
# which is CMD's).  ET_OPTS: more options (e.g. -c).
launch() {
	local name=$1 backend=$2
	shift 2
	need_et
	# shellcheck disable=SC2086
	timeout 60 "$ET" --json ${ET_OPTS:-} --backend="$backend" -o "$T/$name.json" -- "$@" \
		>"$T/$name.out" 2>"$T/$name.err"
	echo $? >"$T/$name.rc"
}

# wait_for FILE TRIES: until FILE exists, TRIES times 50 ms at most.
wait_for() {
	local i=0
	while [ ! -e "$1" ] && [ $i -lt "$2" ]; do sleep 0.05; i=$((i + 1)); done
	[ -e "$1" ]
}

# wait_start TRACE: until epolltrace wrote its start record (30 s at most).
wait_start() {
	local i=0
	while ! grep -q '"event": *"start"' "$1" 2>/dev/null && [ $i -lt 600 ]; do
		sleep 0.05; i=$((i + 1))
	done
}

# attach NAME BACKEND CMD [ARGS]: run CMD (a workload with a sync point,
# WL_SYNC) until its registrations are made, attach epolltrace --json -p
# to it, let it go on.  Records NAME.json, NAME.out (CMD's stdout and
# stderr), NAME.err, NAME.rc (epolltrace), NAME.wrc (CMD), NAME.pid.
attach() {
	local name=$1 backend=$2 wpid tpid
	shift 2
	need_et
	rm -f "$T/$name.sync.ready" "$T/$name.sync.go"
	WL_SYNC=$T/$name.sync "$@" >"$T/$name.out" 2>&1 </dev/null &
	wpid=$!
	echo "$wpid" >"$T/$name.pid"
	wait_for "$T/$name.sync.ready" 1000 || fail "$name: the workload never reached its sync point"
	"$ET" --json --backend="$backend" -o "$T/$name.json" -p "$wpid" 2>"$T/$name.err" &
	tpid=$!
	wait_start "$T/$name.json"
	touch "$T/$name.sync.go"
	wait "$wpid"
	echo $? >"$T/$name.wrc"
	wait "$tpid"
	echo $? >"$T/$name.rc"
}
