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

# skip_unavailable ERR BACKEND: where epolltrace said (in its stderr, ERR)
# that BACKEND does not load on this kernel, skip the test with its reason
# (e.g. fentry on arm64 before ftrace direct calls, Linux 6.4).
skip_unavailable() {
	local why
	[ "$2" = auto ] && return 0
	why=$(grep -m1 "^epolltrace: backend $2 unavailable: " "$1" 2>/dev/null) || return 0
	skip "backend $2 does not load on this kernel: ${why#*unavailable: }"
}

# need_backend BACKEND: skip now if BACKEND does not load on this kernel,
# before a test starts work that only its end would find useless.
need_backend() {
	need_et
	[ "$1" = auto ] && return 0
	timeout 300 "$ET" --backend="$1" -o /dev/null -- true >/dev/null 2>"$T/need_backend.err" ||
		skip_unavailable "$T/need_backend.err" "$1"
}

# launch NAME BACKEND CMD [ARGS]: epolltrace --json --backend=BACKEND
# (and ET_OPTS, e.g. -c) launching CMD.  Records NAME.json (the trace),
# NAME.out (CMD's stdout), NAME.err (the tracer's stderr), NAME.rc
# (epolltrace's exit status, which is CMD's).
launch() {
	local name=$1 backend=$2
	shift 2
	need_et
	# shellcheck disable=SC2086
	timeout 60 "$ET" ${ET_OPTS:-} --json --backend="$backend" -o "$T/$name.json" -- "$@" \
		>"$T/$name.out" 2>"$T/$name.err"
	echo $? >"$T/$name.rc"
	[ "$(cat "$T/$name.rc")" = 0 ] || skip_unavailable "$T/$name.err" "$backend"
}

# has_syscall NAME: this kernel has syscall NAME (its tracepoint exists).
has_syscall() { [ -e "/sys/kernel/tracing/events/syscalls/sys_enter_$1" ]; }

# syscall_nr NAME: the number of an epoll wait syscall on this
# architecture, as /proc/PID/task/TID/syscall shows it.
syscall_nr() {
	case $(cat /et/arch)-$1 in
	*-epoll_pwait2) echo 441 ;;
	x86-64-epoll_pwait) echo 281 ;;
	x86-64-epoll_wait) echo 232 ;;
	arm64-epoll_pwait) echo 22 ;;
	*) echo -1 ;;
	esac
}

# wait_for FILE TRIES: until FILE exists, TRIES times 50 ms at most.
wait_for() {
	local i=0
	while [ ! -e "$1" ] && [ $i -lt "$2" ]; do sleep 0.05; i=$((i + 1)); done
	[ -e "$1" ]
}

# wait_start TRACE [PID]: until epolltrace wrote its start record (30 s at
# most), or its process PID is gone.
wait_start() {
	local i=0
	while ! grep -q '"event": *"start"' "$1" 2>/dev/null && [ $i -lt 600 ]; do
		[ -n "${2:-}" ] && ! kill -0 "$2" 2>/dev/null && return
		sleep 0.05; i=$((i + 1))
	done
}

# wait_attached ERR PID [TPID]: until epolltrace (TPID, if given, while
# it runs) said on stderr (ERR) that it attached to PID (60 s at most):
# the start record comes before that.
wait_attached() {
	local i=0
	while ! grep -q "^epolltrace: Process $2 attached\$" "$1" 2>/dev/null && [ $i -lt 1200 ]; do
		[ -n "${3:-}" ] && ! kill -0 "$3" 2>/dev/null && return
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
	wait_start "$T/$name.json" "$tpid"
	wait_attached "$T/$name.err" "$wpid" "$tpid"
	touch "$T/$name.sync.go"
	wait "$wpid"
	echo $? >"$T/$name.wrc"
	wait "$tpid"
	echo $? >"$T/$name.rc"
	[ "$(cat "$T/$name.rc")" = 0 ] || skip_unavailable "$T/$name.err" "$backend"
}
