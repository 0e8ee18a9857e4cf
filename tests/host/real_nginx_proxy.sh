#!/bin/bash
# nginx (Debian's nginx-light, one process: master_process off, daemon off)
# as a reverse proxy to a backend server block of the same nginx serving a
# 4 MiB file.  The proxy buffers in memory only (proxy_buffering on,
# proxy_max_temp_file_size 0, 4 x 4k buffers) and sends to clients through
# a 16k send buffer.  Two clients at once, each with a 4k receive buffer:
#   - slow: reads the whole file 1 MiB at a time, pausing 1.2 s after each
#     MiB.  nginx's buffers fill, it stops reading the upstream socket with
#     data queued there and waits for the client to drain (backpressure);
#     it reads the upstream again later, without a new edge;
#   - gone: reads 1.5 MiB the same way, pauses, then closes with data
#     unread (a reset): nginx closes the upstream with data unread.
# A correct program: no warning, every byte the clients read equals the
# file, and the upstream socket (registered before connect()) named with
# its addresses.  Launch and attach mode, JSON and text.
. "$(dirname "$0")/../lib.sh"
. "$ROOT/tests/real.sh"
command -v nginx >/dev/null || skip "nginx is not installed (make deps: nginx-light)"

REAL_NAME="nginx reverse proxy"
REAL_PORT=$(free_port)
backend=$(free_port)
REAL_LISTEN="127.0.0.1:$REAL_PORT 127.0.0.1:$backend"
REAL_PEERS=127.0.0.1:$backend
# Per run: 2 client connections, 2 upstream connections, 2 backend
# connections, all EPOLLET.
REAL_MIN="adds=6 et_adds=6 deliveries=20"

mkdir -p "$T/www"
head -c $((4 << 20)) /dev/urandom >"$T/www/big.bin"
cat >"$T/nginx.conf" <<CONF
$(nginx_conf_head)
	# The backend.
	server {
		listen 127.0.0.1:$backend;
		root $T/www;
	}
	# The proxy.
	server {
		listen 127.0.0.1:$REAL_PORT sndbuf=16k;
		location / {
			proxy_pass http://127.0.0.1:$backend;
			proxy_http_version 1.1;
			proxy_buffering on;
			proxy_max_temp_file_size 0;
			proxy_buffer_size 4k;
			proxy_buffers 4 4k;
			proxy_busy_buffers_size 8k;
			proxy_read_timeout 30s;
			send_timeout 30s;
		}
	}
}
CONF
REAL_CMD=(nginx -p "$T/" -c "$T/nginx.conf" -e "$T/error.log")

# nginx logs (info) how it ended the gone client's request.
closed_upstream() { grep -c 'so upstream connection is closed too' "$T/error.log"; }

real_workload() { # RUN
	local n0
	n0=$(closed_upstream)
	real_slow_gets "$1" "$T/www/big.bin"
	[ "$(closed_upstream)" -gt "$n0" ] ||
		real_bad "$1" "nginx did not log closing the upstream of the gone client: $(tail -3 "$T/error.log")"
}

real_runs
real_finish
