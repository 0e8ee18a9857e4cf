#!/bin/bash
# Debian's squid 5 (one process: -N, no kids; its own epoll loop) as a
# forward proxy, caching nothing, in front of a backend (python3 -m
# http.server, not traced) serving a 4 MiB file.  Two clients at once ask
# the proxy for the file's URL, each with a 4k receive buffer, reading
# 1 MiB at a time with 1.2 s pauses: "slow" reads it all, "gone" reads
# 1.5 MiB and resets the connection.  Squid reads the server at most
# read_ahead_gap (16 KB) ahead of what the client took (backpressure) and
# closes the server side with data unread when the client goes.  A
# correct program: no warning, every byte the clients read equals the
# file, sockets named by their addresses.  Launch and attach mode, JSON
# and text.
. "$(dirname "$0")/../lib.sh"
. "$ROOT/tests/real.sh"
command -v squid >/dev/null || skip "squid is not installed (make deps)"
id proxy >/dev/null 2>&1 || skip "no user proxy (squid's cache_effective_user)"

REAL_NAME=squid
REAL_PORT=$(free_port)
backend=$(free_port)
REAL_LISTEN=127.0.0.1:$REAL_PORT
REAL_PEERS=127.0.0.1:$backend
# Per run: 2 client connections and 2 server connections.
REAL_MIN="adds=4 deliveries=20"

mkdir -p "$T/www"
head -c $((4 << 20)) /dev/urandom >"$T/www/big.bin"
python3 -m http.server --bind 127.0.0.1 --directory "$T/www" "$backend" >"$T/backend.log" 2>&1 &
BG_PIDS+=("$!")
real_wait_port "$backend" "$!" || fail "the backend (python3 -m http.server) is not serving: $(cat "$T/backend.log")"

# Squid runs as the user proxy: it must reach $T and write its log there.
chmod 755 "$T"
touch "$T/cache.log" && chown proxy "$T/cache.log"
cat >"$T/squid.conf" <<CONF
http_port 127.0.0.1:$REAL_PORT
http_access allow all
cache deny all
cache_mem 8 MB
access_log none
cache_log $T/cache.log
pid_filename none
coredump_dir $T
pinger_enable off
shutdown_lifetime 0 seconds
CONF
squid -k parse -f "$T/squid.conf" >"$T/parse.log" 2>&1 || fail "squid rejects its configuration: $(tail -3 "$T/parse.log")"
REAL_CMD=(squid -N -f "$T/squid.conf")

real_workload() { real_slow_gets "$1" "$T/www/big.bin" "http://127.0.0.1:$backend/big.bin"; }

real_runs
real_finish
