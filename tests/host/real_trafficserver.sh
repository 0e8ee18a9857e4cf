#!/bin/bash
# Apache Traffic Server (Debian's trafficserver 9) as a reverse proxy: its
# network threads register every socket EPOLLIN|EPOLLOUT|EPOLLRDHUP|EPOLLET
# and keep their own ready lists, so a socket is read again long after its
# edge with no new one (the upstream while the client is slow).  The
# backend (untraced) is Python's http.server serving a 2 MiB file.  Clients at once:
# "slow" and "gone" (4k receive buffer, 1 MiB at a time with 1.2 s pauses;
# gone resets after 1.5 MiB) and "many" (5 GETs on one keep-alive
# connection, read at full speed).  A correct program: no warning (a note
# that it keeps its own readiness is fine), every byte the clients read
# equals the file.  Launch and attach mode, JSON and text.
. "$(dirname "$0")/../lib.sh"
. "$ROOT/tests/real.sh"
command -v traffic_server >/dev/null && [ -d /etc/trafficserver ] ||
	skip "trafficserver is not installed (make deps: trafficserver)"

REAL_NAME="Traffic Server"
REAL_PORT=$(free_port)
backend=$(free_port)
REAL_LISTEN=127.0.0.1:$REAL_PORT
REAL_PEERS=127.0.0.1:$backend
# Per run: 3 client and at least 3 upstream connections, all EPOLLET.
REAL_MIN="adds=6 et_adds=6 deliveries=20"

mkdir -p "$T/www" "$T/ats/etc" "$T/ats/run" "$T/ats/log" "$T/ats/cache"
head -c $((2 << 20)) /dev/urandom >"$T/www/big.bin"
python3 -m http.server --bind 127.0.0.1 --directory "$T/www" "$backend" >"$T/backend.log" 2>&1 &
BG_PIDS+=("$!")
real_wait_port "$backend" "$!" || fail "the backend does not listen: $(cat "$T/backend.log")"

# Debian's configuration, in a run root of the test's own: its ports, one
# network thread each for accepts and events, no crash-log helper, as root.
cp -r /etc/trafficserver/. "$T/ats/etc/"
cat >>"$T/ats/etc/records.config" <<CONF
CONFIG proxy.config.http.server_ports STRING $REAL_PORT
CONFIG proxy.config.admin.user_id STRING #-1
CONFIG proxy.config.crash_log_helper STRING ""
CONFIG proxy.config.exec_thread.autoconfig INT 0
CONFIG proxy.config.exec_thread.limit INT 2
CONFIG proxy.config.accept_threads INT 1
CONFIG proxy.config.reverse_proxy.enabled INT 1
CONFIG proxy.config.url_remap.remap_required INT 1
CONFIG proxy.config.http.cache.http INT 0
CONF
printf 'map http://%s/ http://127.0.0.1:%s/\n' "127.0.0.1:$REAL_PORT" "$backend" \
	"localhost:$REAL_PORT" "$backend" localhost "$backend" >"$T/ats/etc/remap.config"
echo "$T/ats/cache 64M" >"$T/ats/etc/storage.config"
cat >"$T/ats/runroot.yaml" <<CONF
prefix: /usr
exec_prefix: /usr
bindir: /usr/bin
sbindir: /usr/sbin
sysconfdir: $T/ats/etc
datadir: $T/ats/cache
includedir: /usr/include
libdir: /usr/lib/trafficserver
libexecdir: /usr/lib/trafficserver/modules
localstatedir: $T/ats/run
runtimedir: $T/ats/run
logdir: $T/ats/log
cachedir: $T/ats/cache
CONF
REAL_CMD=(traffic_server --run-root="$T/ats/runroot.yaml")

real_workload() { # RUN
	local f=$T/www/big.bin many
	python3 "$ROOT/tests/real_client.py" get "$REAL_PORT" /big.bin "$f" --name many --count 5 \
		>"$T/$1.many" 2>&1 &
	many=$!
	BG_PIDS+=("$many")
	real_slow_gets "$1" "$f"
	wait "$many" || real_bad "$1" "many client: $(cat "$T/$1.many")"
	cat "$T/$1.many"
}

real_runs
real_finish
