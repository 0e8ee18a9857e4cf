# Sourced by tests/host/*.sh.  ET and TOOLS come from tests/run.
: "${ROOT:=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}"
: "${ET:=$ROOT/build/epolltrace}" "${TOOLS:=$ROOT/build/tools}"
T=$(mktemp -d /tmp/epolltrace-test.XXXXXX)
trap 'cleanup_pids; [ -n "${KEEP:-}" ] && cp -r "$T" "$KEEP"; rm -rf "$T"' EXIT
BG_PIDS=()

fail() { echo "FAIL: $*"; exit 1; }
skip() { echo "skip: $*"; exit 77; }
cleanup_pids() { local p; for p in "${BG_PIDS[@]}"; do kill "$p" 2>/dev/null; done; }

[ -x "$ET" ] || fail "$ET not built (make)"

# expect_check TRACE.json EXPECT.ndjson [--exact EVENT...]: every expected
# record appears in the trace, in order, with the same values for the keys
# it names (see tests/expect.py).
expect_check() { python3 "$ROOT/tests/expect.py" "$@"; }

# wait_bounded PID SECONDS: wait for background job PID, at most SECONDS;
# its exit status lands in WAIT_RC.  Returns 1 (job still running) on timeout.
wait_bounded() {
	local pid=$1 i
	for ((i = 0; i < $2 * 20; i++)); do
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.05
	done
	kill -0 "$pid" 2>/dev/null && return 1
	wait "$pid"
	WAIT_RC=$?
	return 0
}

# wait_start OUT: wait (10 s at most) for epolltrace's start record (JSON)
# or first line (text), written once its programs are attached.
wait_start() {
	local i
	for ((i = 0; i < 1000; i++)); do
		grep -q -e '"event": *"start"' -e '^epolltrace: tracing' "$1" 2>/dev/null && return 0
		sleep 0.01
	done
	return 1
}

# wait_attached ERR PID: until epolltrace said on stderr (ERR) that it
# attached to PID (10 s at most).
wait_attached() {
	local i
	for ((i = 0; i < 1000; i++)); do
		grep -q "^epolltrace: Process $2 attached\$" "$1" 2>/dev/null && return 0
		sleep 0.01
	done
	return 1
}

# attach_run NAME OUT.json WORKLOAD [ARGS]: run the workload until its sync
# point, attach epolltrace -p to it, then let it go on.  The workload's
# expectations land in $T/NAME.expect.  Extra epolltrace options (e.g. -f)
# may be given in ATTACH_OPTS.  epolltrace must end by itself, with status
# 0, once the workload has exited.  ATTACH_TEXT=1: text output instead of
# JSON; ATTACH_SETS=1: at the sync point, before the attach, epolltrace
# --sets -p in text and JSON into $T/NAME.sets.txt and .sets.json.  The
# workload's pid is left in $T/NAME.ready.
attach_run() {
	local name=$1 out=$2 fmt=--json; shift 2
	[ "${ATTACH_TEXT:-0}" = 1 ] && fmt=
	WL_SYNC=$T/$name "$@" >"$T/$name.expect" &
	local wpid=$!
	BG_PIDS+=("$wpid")
	for _ in $(seq 1000); do [ -e "$T/$name.ready" ] && break; sleep 0.01; done
	[ -e "$T/$name.ready" ] || fail "$name: workload never reached its sync point"
	if [ "${ATTACH_SETS:-0}" = 1 ]; then
		"$ET" --sets -p "$wpid" >"$T/$name.sets.txt" 2>&1 || fail "$name: epolltrace --sets failed"
		"$ET" --sets --json -p "$wpid" >"$T/$name.sets.json" || fail "$name: epolltrace --sets --json failed"
	fi
	# shellcheck disable=SC2086
	"$ET" $ATTACH_OPTS $fmt -o "$out" -p "$wpid" 2>"$T/$name.stderr" &
	local tpid=$!
	BG_PIDS+=("$tpid")
	wait_start "$out" || { cat "$T/$name.stderr"; fail "$name: no start record from epolltrace -p $wpid"; }
	# The start record comes before the attach is done: its end is said
	# on stderr (a wait the trigger ends must be in progress until then).
	wait_attached "$T/$name.stderr" "$wpid" ||
		{ cat "$T/$name.stderr"; fail "$name: epolltrace never said it attached to $wpid"; }
	touch "$T/$name.go"
	wait "$wpid"; local wrc=$?
	[ "$wrc" = 0 ] || fail "$name: workload exited $wrc"
	wait_bounded "$tpid" 10 || fail "$name: epolltrace still running 10 s after the traced process exited"
	[ "$WAIT_RC" = 0 ] || { cat "$T/$name.stderr"; fail "$name: epolltrace exited $WAIT_RC"; }
}

# launch_run NAME OUT.json [OPTIONS...] -- WORKLOAD [ARGS]: epolltrace --json
# launching the workload, whose expectations land in $T/NAME.expect.  Both
# must succeed within 60 s.
launch_run() {
	local name=$1 out=$2 rc; shift 2
	timeout 60 "$ET" --json -o "$out" "$@" >"$T/$name.expect" 2>"$T/$name.stderr"
	rc=$?
	[ "$rc" = 124 ] && fail "$name: epolltrace did not finish in 60 s"
	[ "$rc" = 0 ] || { cat "$T/$name.stderr"; fail "$name: epolltrace (or the workload) exited $rc"; }
}

# check_records OUT.json: every line is a JSON object with the common keys,
# the first one is the start record.
check_records() { python3 "$ROOT/tests/check_records.py" "$@"; }

# nginx_conf_head: the first lines of an nginx.conf of the tests: one
# process in the foreground, everything under $T, the http block opened
# (the caller adds its servers and the closing brace).
nginx_conf_head() {
	cat <<CONF
daemon off;
master_process off;
worker_processes 1;
pid $T/nginx.pid;
error_log $T/error.log info;
events { worker_connections 256; }
http {
	access_log off;
	client_body_temp_path $T/body;
	proxy_temp_path $T/proxy;
	fastcgi_temp_path $T/fastcgi;
	uwsgi_temp_path $T/uwsgi;
	scgi_temp_path $T/scgi;
CONF
}
