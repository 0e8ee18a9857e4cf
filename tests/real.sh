# shellcheck shell=bash
# Sourced by tests/host/real_*.sh after tests/lib.sh: real programs under
# epolltrace, each in launch mode (epolltrace -- PROGRAM) and attach mode
# (epolltrace -p PID once it serves), each with JSON and with text output,
# and once more launched with -q (readiness shipped for the verdicts only).
#
# The test sets, before calling real_runs:
#   REAL_NAME          what the program is, for messages
#   REAL_CMD=(...)     the server's command line; it runs in the foreground
#                      and serves on REAL_PORT (127.0.0.1)
#   REAL_LISTEN        its listening addresses ("127.0.0.1:P ..."): the only
#                      TCP sockets a trace may name without a peer (after
#                      their registration), and each must be seen accepting
#   REAL_PEERS         addresses it connects to (an upstream): a socket
#                      named as connected to each must be seen
#   REAL_MIN           least counts the trace must hold for the program's
#                      pid, e.g. "adds=8 et_adds=8 deliveries=20" (keys of
#                      tests/text_trace.py stats, also in tests/trace_stats.py)
#   REAL_EXIT          the exit status the program ends with when stopped
#                      (default 0)
#   REAL_RUNTIME       (optional) the runtime epolltrace must recognise up
#                      front: JSON runs must hold the program's "runtime"
#                      note, its runtime field starting with this (e.g. Go)
# and defines these functions:
#   real_workload RUN  drive the clients while the program is traced; fail
#                      (real_bad) on any byte missing or wrong
#   real_after RUN     (optional) after the program exited: check what it
#                      printed ($T/RUN.stdout)
#   real_stop PID      (optional) ask the program to stop; default SIGTERM
# A check that fails is reported and counted, the runs go on, and
# real_finish (the last call) exits 1 if any failed: one run shows every
# way the program is misjudged.  Runs: REAL_RUNS, default "launch-json
# attach-json launch-text attach-text launch-quiet".  REAL_KEEP=DIR keeps the traces,
# the programs' and clients' output there.  REAL_ET_OPTS adds epolltrace
# options (e.g. "--backend fentry").

REAL_BAD=()
real_keep() { [ -z "${REAL_KEEP:-}" ] || { mkdir -p "$REAL_KEEP" && cp -r "$T"/. "$REAL_KEEP"/; }; }
trap 'cleanup_pids; real_keep; rm -rf "$T"' EXIT
: "${REAL_RUNS:=launch-json attach-json launch-text attach-text launch-quiet}"
: "${REAL_EXIT:=0}" "${REAL_PEERS:=}" "${REAL_MIN:=}"

real_bad() { # RUN MESSAGE
	echo "FAIL: $1: $2"
	REAL_BAD+=("$1: ${2%%$'\n'*}")
}

free_port() {
	python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# real_wait_port PORT PID: PID alive and PORT accepting, within 15 s.
real_wait_port() {
	local i
	for ((i = 0; i < 150; i++)); do
		kill -0 "$2" 2>/dev/null || return 1
		python3 -c "import socket; socket.create_connection(('127.0.0.1', $1), 0.2).close()" \
			2>/dev/null && return 0
		sleep 0.1
	done
	return 1
}

# real_wait_gone PID SECONDS
real_wait_gone() {
	local i
	for ((i = 0; i < $2 * 20; i++)); do
		kill -0 "$1" 2>/dev/null || return 0
		sleep 0.05
	done
	return 1
}

# Go and tokio workloads are built by the tests, once: under build/, redone
# only when a source is newer than the binary.
real_stale() { # BINARY SOURCE_DIR
	[ -x "$1" ] || return 0
	[ -n "$(find "$2" -newer "$1" -type f -print -quit)" ]
}

# real_go_build: tools/go/slowserver built with Debian's golang-go, once,
# as build/go/slowserver (offline); sets GO_SLOWSERVER.  Skips the test
# when go is missing.
real_go_build() {
	local src=$ROOT/tools/go/slowserver
	command -v go >/dev/null || skip "go is not installed (make deps: golang-go)"
	GO_SLOWSERVER=$ROOT/build/go/slowserver
	if real_stale "$GO_SLOWSERVER" "$src"; then
		echo "building $GO_SLOWSERVER"
		mkdir -p "$ROOT/build/go"
		(cd "$src" && GOFLAGS=-mod=mod GOPROXY=off GOTOOLCHAIN=local CGO_ENABLED=0 \
			GOCACHE=$ROOT/build/go/cache GOPATH=$ROOT/build/go/path \
			go build -o "$GO_SLOWSERVER.tmp" . && mv "$GO_SLOWSERVER.tmp" "$GO_SLOWSERVER") ||
			fail "go build failed"
	fi
}

# real_netty_build: tools/java/NettySlowServer.java compiled with the JDK
# against Debian's libnetty-java jars (offline), once, under build/java;
# sets NETTY_CP (the class path to run it with).  Skips the test when javac
# or the jars are missing.
real_netty_build() {
	local jars=/usr/share/java j src=$ROOT/tools/java out=$ROOT/build/java
	command -v javac >/dev/null && command -v java >/dev/null || skip "no JDK (javac, java)"
	NETTY_CP=
	for j in common buffer transport resolver transport-native-unix-common transport-native-epoll; do
		[ -f "$jars/netty-$j.jar" ] || skip "$jars/netty-$j.jar is missing (make deps: libnetty-java)"
		NETTY_CP+=$jars/netty-$j.jar:
	done
	if [ ! -f "$out/NettySlowServer.class" ] ||
		[ -n "$(find "$src" -newer "$out/NettySlowServer.class" -type f -print -quit)" ]; then
		echo "building $out/NettySlowServer.class"
		rm -rf "$out" && mkdir -p "$out" &&
			javac -d "$out" -cp "$NETTY_CP" "$src/NettySlowServer.java" || fail "javac failed"
	fi
	NETTY_CP+=$out
}

# real_msgs RUN: the workload of the Go and tokio slow servers: 6 clients
# at once, two rounds of one 100-byte message each on the same connections,
# every echo checked by the client.
real_msgs() {
	python3 "$ROOT/tests/real_client.py" msgs "$REAL_PORT" --conns 6 --rounds 2 --size 100 \
		>"$T/$1.client" 2>&1 || real_bad "$1" "client: $(cat "$T/$1.client")"
	cat "$T/$1.client"
}

# real_msgs_served RUN: after real_msgs, the server's "served" line (its
# stdout) names the messages the client sent, byte for byte.
real_msgs_served() {
	local sent served
	sent=$(sed -n 's/^sent conns=[0-9]* msgs=\([0-9]*\) bytes=\([0-9]*\) digest=\(.*\)/msgs=\1 bytes_in=\2 digest=\3/p' "$T/$1.client")
	served=$(sed -n 's/^served conns=[0-9]* \(msgs=[0-9]*\) \(bytes_in=[0-9]*\) bytes_out=[0-9]* \(digest=.*\)/\1 \2 \3/p' "$T/$1.stdout")
	echo "$1: server $served"
	[ -n "$sent" ] && [ "$sent" = "$served" ] ||
		real_bad "$1" "the server got '${served:-nothing}', the client sent '$sent'"
}

# real_slow_gets RUN FILE [PATH...]: two slow HTTP clients of REAL_PORT per
# PATH (default /FILE's basename), all at once, each with a 4k receive
# buffer, reading 1 MiB at a time with 1.2 s pauses: "slow" reads all of
# PATH and checks it against FILE, "gone" reads 1.5 MiB of it and resets
# the connection with the rest unread.
real_slow_gets() {
	local run=$1 file=$2 c=$ROOT/tests/real_client.py path pids=() names=() tag i
	shift 2
	[ $# -gt 0 ] || set -- "/${file##*/}"
	for path; do
		tag=
		[ $# -gt 1 ] && tag=$path
		python3 "$c" get "$REAL_PORT" "$path" "$file" --name "slow$tag" \
			--rcvbuf 4096 --burst $((1 << 20)) --pause 1.2 >"$T/$run.slow${#pids[@]}" 2>&1 &
		pids+=("$!") names+=("slow$tag")
		python3 "$c" get "$REAL_PORT" "$path" "$file" --name "gone$tag" \
			--rcvbuf 4096 --burst $((1 << 20)) --pause 1.2 --abort-after $((3 << 19)) \
			>"$T/$run.gone${#pids[@]}" 2>&1 &
		pids+=("$!") names+=("gone$tag")
	done
	BG_PIDS+=("${pids[@]}")
	for i in "${!pids[@]}"; do
		local out=$T/$run.${names[$i]%%/*}$i
		wait "${pids[$i]}" || real_bad "$run" "${names[$i]} client: $(cat "$out")"
		cat "$out"
	done
	# Let the program see the reset and close the upstream while traced.
	sleep 0.5
}

# real_self_proxy: the setting of a program that serves a 4 MiB file,
# $T/www/big.bin, itself (/big.bin) and through a proxy to a second
# listening port of its own, REAL_BACKEND (/proxy/big.bin): sets REAL_PORT,
# REAL_BACKEND, REAL_LISTEN, REAL_PEERS and REAL_MIN, writes the file, and
# defines real_workload: real_slow_gets of both paths.
real_self_proxy() {
	REAL_PORT=$(free_port)
	REAL_BACKEND=$(free_port)
	REAL_LISTEN="127.0.0.1:$REAL_PORT 127.0.0.1:$REAL_BACKEND"
	REAL_PEERS=127.0.0.1:$REAL_BACKEND
	# Per run: 4 client connections, 2 upstream and 2 backend connections.
	REAL_MIN="adds=8 deliveries=20"
	mkdir -p "$T/www"
	head -c $((4 << 20)) /dev/urandom >"$T/www/big.bin"
	real_workload() { real_slow_gets "$1" "$T/www/big.bin" /big.bin /proxy/big.bin; }
}

real_check_min() { # RUN STATS
	local kv k v got
	for kv in $REAL_MIN; do
		k=${kv%%=*} v=${kv#*=}
		got=$(sed -n "s/.*\b$k=\([0-9]*\).*/\1/p" <<<"$2")
		[ "${got:-0}" -ge "$v" ] ||
			real_bad "$1" "the trace holds $k=${got:-0} for the program, at least $v expected (an empty or partial trace?)"
	done
}

real_check_json() { # RUN TRACE PID
	local run=$1 trace=$2 pid=$3 stats
	if ! python3 "$ROOT/tests/warnings.py" "$trace" --none >"$T/$run.warn" 2>&1; then
		real_bad "$run" "$(grep -c '^unexpected warning: .*"event": "warning"' "$T/$run.warn") warning(s) and $(grep -c '^unexpected warning: .*"event": "retracted"' "$T/$run.warn") retraction(s) in the JSON trace, none expected"
		echo "  the first:"
		grep -m2 '^unexpected warning' "$T/$run.warn" | cut -c1-700 | sed 's/^/    /'
	fi
	stats=$(python3 "$ROOT/tests/trace_stats.py" "$trace" "$pid") || { real_bad "$run" "unreadable JSON trace"; return; }
	echo "$run: $stats"
	grep -q 'started=1' <<<"$stats" || real_bad "$run" "no start record"
	grep -q 'lost=0' <<<"$stats" || echo "note: $run: records were lost: $stats"
	real_check_min "$run" "$stats"
	# Messages (warnings, notes) name fds too: a connected socket is never
	# named by the unbound address it was registered with.
	local unbound
	unbound=$(grep -o '[0-9]*<TCP\(v6\)\?:\(0\.0\.0\.0\|\[::\]\):0>' "$trace" | sort | uniq -c)
	[ -z "$unbound" ] || real_bad "$run" "messages in the JSON trace name sockets by an unbound address: $(echo $unbound)"
	[ -z "${REAL_RUNTIME:-}" ] || python3 - "$trace" "$pid" "$REAL_RUNTIME" <<'PY' ||
import json, sys
pid, want = int(sys.argv[2]), sys.argv[3]
notes = [r for r in map(json.loads, filter(lambda l: l.startswith("{"), open(sys.argv[1])))
         if r.get("event") == "note" and r.get("kind") == "runtime" and r.get("pid") == pid]
print("runtime notes:", [n.get("runtime") for n in notes])
sys.exit(0 if any(str(n.get("runtime", "")).startswith(want) for n in notes) else 1)
PY
		real_bad "$run" "no runtime note naming $REAL_RUNTIME for pid $pid: the runtime was not recognised"
}

# -q: the verdicts drawn from what the kernel side ships when readiness
# is not shown (a wakeup that queues an item only for a process with an
# item under suspicion): no warning either, and the trace says it ran so.
real_check_quiet() { # RUN TRACE
	local run=$1 trace=$2
	if ! python3 "$ROOT/tests/warnings.py" "$trace" --none >"$T/$run.warn" 2>&1; then
		real_bad "$run" "$(grep -c '^unexpected warning: .*"event": "warning"' "$T/$run.warn") warning(s) with -q, none expected"
		echo "  the first:"
		grep -m2 '^unexpected warning' "$T/$run.warn" | cut -c1-700 | sed 's/^/    /'
	fi
	grep -m1 '"event": *"start"' "$trace" | grep -q '"readiness for verdicts only"' ||
		real_bad "$run" "the start record does not say readiness is shipped for the verdicts only"
	grep -q '"event": *"recap"' "$trace" || real_bad "$run" "no recap record: the trace did not end"
	echo "$run: $(grep -c . "$trace") records"
}

real_check_text() { # RUN TRACE STDERR STDOUT
	local run=$1 trace=$2 stats n args=() a
	shift 2
	n=$(cat "$trace" "$@" | grep -c 'epolltrace: WARNING')
	if [ "$n" != 0 ]; then
		real_bad "$run" "$n 'epolltrace: WARNING' line(s) in the text trace and on epolltrace's stderr and stdout, none expected"
		echo "  the first:"
		cat "$trace" "$@" | grep -m2 'epolltrace: WARNING' | cut -c1-700 | sed 's/^/    /'
	fi
	stats=$(python3 "$ROOT/tests/text_trace.py" stats "$trace") || { real_bad "$run" "unreadable text trace"; return; }
	echo "$run: $stats"
	real_check_min "$run" "$stats"
	for a in $REAL_LISTEN; do args+=(--listen "$a"); done
	for a in $REAL_PEERS; do args+=(--peer "$a"); done
	if ! python3 "$ROOT/tests/text_trace.py" names "$trace" "${args[@]}" >"$T/$run.names"; then
		real_bad "$run" "sockets not named by their real addresses: $(head -1 "$T/$run.names")"
		tail -n +2 "$T/$run.names" | sed 's/^/    /'
	else
		cat "$T/$run.names"
	fi
}

# real_run RUN: one traced run, RUN = launch-json, attach-json, launch-text
# or attach-text.
real_run() {
	local run=$1 mode=${1%-*} fmt=${1#*-} out opts=() tpid spid i rc
	case $fmt in
	json) out=$T/$run.json opts=(--json -o "$out") ;;
	quiet) out=$T/$run.json opts=(-q --json -o "$out") ;;
	text) out=$T/$run.txt opts=(-o "$out") ;;
	*) fail "real_run: bad run $run" ;;
	esac
	# shellcheck disable=SC2206
	opts+=(${REAL_ET_OPTS:-})
	echo "== $REAL_NAME: $mode mode, $fmt output"
	local start=$SECONDS
	if [ "$mode" = launch ]; then
		"$ET" "${opts[@]}" -- "${REAL_CMD[@]}" >"$T/$run.stdout" 2>"$T/$run.stderr" &
		tpid=$!
		BG_PIDS+=("$tpid")
		for ((i = 0; i < 100; i++)); do
			spid=$(cat /proc/"$tpid"/task/*/children 2>/dev/null | awk '{ print $1; exit }')
			[ -n "$spid" ] && break
			sleep 0.05
		done
		[ -n "$spid" ] || { cat "$T/$run.stderr"; fail "$run: epolltrace started no program"; }
		BG_PIDS+=("$spid")
		real_wait_port "$REAL_PORT" "$spid" ||
			{ tail -5 "$T/$run.stderr"; fail "$run: $REAL_NAME is not serving on port $REAL_PORT"; }
	else
		"${REAL_CMD[@]}" >"$T/$run.stdout" 2>"$T/$run.program.stderr" &
		spid=$!
		BG_PIDS+=("$spid")
		real_wait_port "$REAL_PORT" "$spid" ||
			{ tail -5 "$T/$run.program.stderr"; fail "$run: $REAL_NAME is not serving on port $REAL_PORT"; }
		"$ET" "${opts[@]}" -p "$spid" 2>"$T/$run.stderr" &
		tpid=$!
		BG_PIDS+=("$tpid")
		for ((i = 0; i < 1000; i++)); do
			grep -q -e '"event": *"start"' -e '^epolltrace: tracing' "$out" 2>/dev/null && break
			kill -0 "$tpid" 2>/dev/null || break
			sleep 0.01
		done
		grep -q -e '"event": *"start"' -e '^epolltrace: tracing' "$out" 2>/dev/null ||
			{ cat "$T/$run.stderr"; fail "$run: epolltrace -p $spid did not start"; }
	fi
	real_workload "$run"
	if declare -F real_stop >/dev/null; then real_stop "$spid"; else kill -TERM "$spid" 2>/dev/null; fi
	real_wait_gone "$spid" 15 || fail "$run: $REAL_NAME (pid $spid) still runs 15 s after it was told to stop"
	if [ "$mode" = attach ]; then
		wait "$spid"
		rc=$?
		[ "$rc" = "$REAL_EXIT" ] || real_bad "$run" "$REAL_NAME exited $rc, $REAL_EXIT expected"
	fi
	wait_bounded "$tpid" 15 || fail "$run: epolltrace still runs 15 s after $REAL_NAME exited"
	rc=$WAIT_RC
	# Launch mode: epolltrace exits with the program's status.
	local want=0
	[ "$mode" = launch ] && want=$REAL_EXIT
	[ "$rc" = "$want" ] || { tail -5 "$T/$run.stderr"; real_bad "$run" "epolltrace exited $rc, $want expected"; }
	if declare -F real_after >/dev/null; then real_after "$run"; fi
	if [ "$fmt" = json ]; then
		real_check_json "$run" "$out" "$spid"
	elif [ "$fmt" = quiet ]; then
		real_check_quiet "$run" "$out"
	else
		# Launch mode: epolltrace's stdout is the program's too.
		if [ "$mode" = launch ]; then
			real_check_text "$run" "$out" "$T/$run.stderr" "$T/$run.stdout"
		else
			real_check_text "$run" "$out" "$T/$run.stderr"
		fi
	fi
	echo "$run: $((SECONDS - start)) s"
}

real_runs() {
	local run
	for run in $REAL_RUNS; do real_run "$run"; done
}

real_finish() {
	if [ ${#REAL_BAD[@]} -gt 0 ]; then
		echo "FAIL: $REAL_NAME: ${#REAL_BAD[@]} check(s) failed:"
		printf '    %s\n' "${REAL_BAD[@]}"
		exit 1
	fi
	echo "ok: $REAL_NAME"
	exit 0
}
