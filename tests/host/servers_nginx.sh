#!/bin/bash
# nginx (Debian's nginx-light: epoll, connections registered EPOLLET)
# serving a static file on loopback under wrk: epolltrace must see its
# registrations and deliveries and give no warning.  Launch mode, then
# attach mode (-p on the running server).
. "$(dirname "$0")/../lib.sh"
command -v nginx >/dev/null || skip "nginx is not installed (make deps)"
command -v wrk >/dev/null || skip "wrk is not installed (make deps)"
[ -x "$ET" ] || fail "$ET is missing: run make"

port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
mkdir -p "$T/www"
head -c 3000 /dev/urandom | base64 >"$T/www/file.html"
# One process (no master), in the foreground, everything under $T.
cat >"$T/nginx.conf" <<CONF
$(nginx_conf_head)
	server {
		listen 127.0.0.1:$port;
		root $T/www;
	}
}
CONF
nginx_cmd=(nginx -p "$T/" -c "$T/nginx.conf" -e "$T/error.log")
url=http://127.0.0.1:$port/file.html

wait_serving() { # PID
	for _ in $(seq 100); do
		kill -0 "$1" 2>/dev/null || return 1
		python3 -c "import socket; socket.create_connection(('127.0.0.1', $port), 0.2)" 2>/dev/null && return 0
		sleep 0.05
	done
	return 1
}

load() { # NAME
	wrk -t2 -c32 -d3s "$url" >"$T/$1.wrk" 2>&1 || { cat "$T/$1.wrk"; fail "$1: wrk failed"; }
	cat "$T/$1.wrk"
	local reqs
	reqs=$(awk '/requests in/ { print $1 }' "$T/$1.wrk")
	[ "${reqs:-0}" -gt 1000 ] || fail "$1: wrk made only ${reqs:-0} requests"
	! grep -q -e 'Socket errors' -e 'Non-2xx' "$T/$1.wrk" || fail "$1: wrk saw errors"
}

check() { # NAME TRACE PID
	local stats adds et_adds deliveries waits warnings lost started
	python3 "$ROOT/tests/warnings.py" "$2" --none || fail "$1: nginx under load gave warnings"
	stats=$(python3 "$ROOT/tests/trace_stats.py" "$2" "$3") || fail "$1: bad trace"
	echo "$1: $stats"
	eval "$stats"
	[ "$started" = 1 ] || fail "$1: no start record"
	# wrk keeps its 32 connections open: 32 ADDs at least.
	[ "$adds" -ge 32 ] || fail "$1: only $adds epoll_ctl ADD seen for nginx (pid $3)"
	# nginx registers its connections edge-triggered: the case to get right.
	[ "$et_adds" -ge 32 ] || fail "$1: only $et_adds of the ADDs have EPOLLET"
	[ "$deliveries" -gt 1000 ] || fail "$1: only $deliveries events delivered by epoll_wait seen"
	[ "$lost" = 0 ] || echo "note: $lost events lost"
}

# Launch mode: epolltrace starts nginx; nginx's pid comes from its pid file.
"$ET" --json -o "$T/launch.json" -- "${nginx_cmd[@]}" &
tpid=$!
BG_PIDS+=("$tpid")
for _ in $(seq 100); do [ -s "$T/nginx.pid" ] && break; sleep 0.05; done
npid=$(cat "$T/nginx.pid" 2>/dev/null)
[ -n "$npid" ] || fail "launch: nginx did not start: $(cat "$T/error.log")"
BG_PIDS+=("$npid")
wait_serving "$npid" || fail "launch: nginx is not serving: $(cat "$T/error.log")"
load launch
kill "$npid"
wait_bounded "$tpid" 10 || fail "epolltrace still runs 10 s after nginx exited"
rc=$WAIT_RC
[ "$rc" = 0 ] || fail "launch: epolltrace exited $rc (nginx exits 0 on SIGTERM)"
check launch "$T/launch.json" "$npid"

# Attach mode: nginx runs first, epolltrace joins it.
rm -f "$T/nginx.pid"
"${nginx_cmd[@]}" &
npid=$!
BG_PIDS+=("$npid")
wait_serving "$npid" || fail "attach: nginx is not serving: $(cat "$T/error.log")"
"$ET" --json -o "$T/attach.json" -p "$npid" &
tpid=$!
BG_PIDS+=("$tpid")
wait_start "$T/attach.json" || fail "attach: epolltrace never started"
load attach
kill "$npid"
wait_bounded "$tpid" 10 || fail "epolltrace still runs 10 s after nginx exited"
rc=$WAIT_RC
[ "$rc" = 0 ] || fail "attach: epolltrace exited $rc"
check attach "$T/attach.json" "$npid"
echo "ok: nginx"
