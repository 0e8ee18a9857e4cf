#!/bin/bash
# HAProxy (Debian's haproxy 2.6: its epoll poller is level-triggered, a real
# LT program; two threads, in the foreground with -db) in HTTP mode in front
# of a backend (python3 -m http.server, not traced) serving a 4 MiB file.
# Small buffers (tune.bufsize 16k, tune.sndbuf.client 16k) and two clients
# at once, each with a 4k receive buffer, reading 1 MiB at a time with
# 1.2 s pauses: "slow" reads it all, "gone" reads 1.5 MiB and resets the
# connection.  HAProxy stops reading the server while the client is full
# (backpressure) and closes the server side with data unread when the
# client goes.  A correct program: no warning, every byte the clients read
# equals the file, sockets named by their addresses.  Launch and attach
# mode, JSON and text.  SIGUSR1 (soft stop) ends HAProxy with status 0.
. "$(dirname "$0")/../lib.sh"
. "$ROOT/tests/real.sh"
command -v haproxy >/dev/null || skip "haproxy is not installed (make deps)"

REAL_NAME=HAProxy
REAL_PORT=$(free_port)
backend=$(free_port)
REAL_LISTEN=127.0.0.1:$REAL_PORT
REAL_PEERS=127.0.0.1:$backend
# Per run: 2 client connections and 2 server connections (level-triggered:
# no EPOLLET ADD is expected).
REAL_MIN="adds=4 deliveries=20"

mkdir -p "$T/www"
head -c $((4 << 20)) /dev/urandom >"$T/www/big.bin"
python3 -m http.server --bind 127.0.0.1 --directory "$T/www" "$backend" >"$T/backend.log" 2>&1 &
BG_PIDS+=("$!")
real_wait_port "$backend" "$!" || fail "the backend (python3 -m http.server) is not serving: $(cat "$T/backend.log")"

cat >"$T/haproxy.cfg" <<CONF
global
	nbthread 2
	maxconn 64
	tune.bufsize 16384
	tune.sndbuf.client 16384
defaults
	mode http
	timeout connect 5s
	timeout client 30s
	timeout server 30s
frontend fe
	bind 127.0.0.1:$REAL_PORT
	default_backend be
backend be
	server s1 127.0.0.1:$backend
CONF
REAL_CMD=(haproxy -db -f "$T/haproxy.cfg")

real_stop() { kill -USR1 "$1"; }
real_workload() { real_slow_gets "$1" "$T/www/big.bin"; }

real_runs
real_finish
