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
real_self_proxy
cat >"$T/lighttpd.conf" <<CONF
server.document-root = "$T/www"
server.bind = "127.0.0.1"
server.port = $REAL_PORT
server.errorlog = "$T/error.log"
server.modules = ("mod_proxy")
server.stream-response-body = 2
# The backend.
\$SERVER["socket"] == "127.0.0.1:$REAL_BACKEND" { }
# The proxy.
\$HTTP["url"] =~ "^/proxy/" {
	proxy.server = ("" => (("host" => "127.0.0.1", "port" => $REAL_BACKEND)))
	proxy.header = ("map-urlpath" => ("/proxy/" => "/"))
}
CONF
lighttpd -tt -f "$T/lighttpd.conf" || fail "lighttpd rejects its configuration"
REAL_CMD=(lighttpd -D -f "$T/lighttpd.conf")

real_runs
real_finish
