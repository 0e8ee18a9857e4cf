#!/bin/bash
# Debian's lighttpd 1.4 (one process, its own epoll loop) serving a 4 MiB
# file two ways at once: as a static file (sendfile) on its front port,
# and through mod_proxy (/proxy/ -> a second listening socket of the same
# lighttpd, so both ends of the upstream connection are traced) with
# server.stream-response-body = 2 (minimal buffering: lighttpd stops
# reading the upstream while the client is full, backpressure).  Per path
# two clients with a 4k receive buffer reading 1 MiB at a time with 1.2 s
# pauses: "slow" reads it all, "gone" reads 1.5 MiB and resets the
# connection.  A correct program: no warning, every byte the clients read
# equals the file, sockets named by their addresses.  Launch and attach
# mode, JSON and text.
. "$(dirname "$0")/../lib.sh"
. "$ROOT/tests/real.sh"
command -v lighttpd >/dev/null || skip "lighttpd is not installed (make deps)"

REAL_NAME=lighttpd
REAL_PORT=$(free_port)
backend=$(free_port)
REAL_LISTEN="127.0.0.1:$REAL_PORT 127.0.0.1:$backend"
REAL_PEERS=127.0.0.1:$backend
# Per run: 4 client connections, 2 upstream and 2 backend connections.
REAL_MIN="adds=8 deliveries=20"

mkdir -p "$T/www"
head -c $((4 << 20)) /dev/urandom >"$T/www/big.bin"
cat >"$T/lighttpd.conf" <<CONF
server.document-root = "$T/www"
server.bind = "127.0.0.1"
server.port = $REAL_PORT
server.errorlog = "$T/error.log"
server.modules = ("mod_proxy")
server.stream-response-body = 2
# The backend.
\$SERVER["socket"] == "127.0.0.1:$backend" { }
# The proxy.
\$HTTP["url"] =~ "^/proxy/" {
	proxy.server = ("" => (("host" => "127.0.0.1", "port" => $backend)))
	proxy.header = ("map-urlpath" => ("/proxy/" => "/"))
}
CONF
lighttpd -tt -f "$T/lighttpd.conf" || fail "lighttpd rejects its configuration"
REAL_CMD=(lighttpd -D -f "$T/lighttpd.conf")

real_workload() { real_slow_gets "$1" "$T/www/big.bin" /big.bin /proxy/big.bin; }

real_runs
real_finish
