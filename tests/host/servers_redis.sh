#!/bin/bash
# redis-server under redis-benchmark on loopback: epolltrace must see its
# registrations and deliveries and give no warning.  Launch mode, then
# attach mode (-p on the running server).
. "$(dirname "$0")/../lib.sh"
command -v redis-server >/dev/null || skip "redis-server is not installed (make deps)"
command -v redis-benchmark >/dev/null || skip "redis-benchmark is not installed (make deps)"
[ -x "$ET" ] || fail "$ET is missing: run make"

port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
redis_cmd=(redis-server --port "$port" --bind 127.0.0.1 --save '' --appendonly no
	--daemonize no --dir "$T" --logfile "$T/redis.log")

wait_serving() {
	for _ in $(seq 100); do
		redis-cli -p "$port" ping 2>/dev/null | grep -q PONG && return 0
		sleep 0.05
	done
	return 1
}

load() { # NAME
	redis-benchmark -q -p "$port" -n 20000 -c 16 -t get,set 2>&1 | tr '\r' '\n' |
		grep 'requests per second' >"$T/$1.bench"
	cat "$T/$1.bench"
	[ "$(grep -c -e '^SET:' -e '^GET:' "$T/$1.bench")" = 2 ] ||
		fail "$1: redis-benchmark did not finish SET and GET"
}

check() { # NAME TRACE PID
	local stats adds et_adds deliveries waits warnings lost started
	python3 "$ROOT/tests/warnings.py" "$2" --none || fail "$1: redis under load gave warnings"
	stats=$(python3 "$ROOT/tests/trace_stats.py" "$2" "$3") || fail "$1: bad trace"
	echo "$1: $stats"
	eval "$stats"
	[ "$started" = 1 ] || fail "$1: no start record"
	# redis-benchmark opens 16 connections per test.
	[ "$adds" -ge 32 ] || fail "$1: only $adds epoll_ctl ADD seen for redis (pid $3)"
	[ "$deliveries" -gt 1000 ] || fail "$1: only $deliveries events delivered by epoll_wait seen"
	[ "$lost" = 0 ] || echo "note: $lost events lost"
}

stop_redis() { # PID
	redis-cli -p "$port" shutdown nosave >/dev/null 2>&1
	for _ in $(seq 100); do kill -0 "$1" 2>/dev/null || return 0; sleep 0.05; done
	kill "$1"
}

# Launch mode: the launched command is epolltrace's child.
"$ET" --json -o "$T/launch.json" -- "${redis_cmd[@]}" &
tpid=$!
BG_PIDS+=("$tpid")
wait_serving || fail "launch: redis is not serving: $(tail -5 "$T/redis.log")"
rpid=$(redis-cli -p "$port" info server | tr -d '\r' | sed -n 's/^process_id://p')
[ -n "$rpid" ] || fail "launch: cannot learn redis's pid"
BG_PIDS+=("$rpid")
load launch
stop_redis "$rpid"
wait_bounded "$tpid" 10 || fail "epolltrace still runs 10 s after redis exited"
rc=$WAIT_RC
[ "$rc" = 0 ] || fail "launch: epolltrace exited $rc (redis exits 0 on shutdown)"
check launch "$T/launch.json" "$rpid"

# Attach mode.
"${redis_cmd[@]}" &
rpid=$!
BG_PIDS+=("$rpid")
wait_serving || fail "attach: redis is not serving: $(tail -5 "$T/redis.log")"
"$ET" --json -o "$T/attach.json" -p "$rpid" &
tpid=$!
BG_PIDS+=("$tpid")
wait_start "$T/attach.json" || fail "attach: epolltrace never started"
load attach
stop_redis "$rpid"
wait_bounded "$tpid" 10 || fail "epolltrace still runs 10 s after redis exited"
rc=$WAIT_RC
[ "$rc" = 0 ] || fail "attach: epolltrace exited $rc"
check attach "$T/attach.json" "$rpid"
echo "ok: redis"
