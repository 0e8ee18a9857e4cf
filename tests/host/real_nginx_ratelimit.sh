#!/bin/bash
# nginx (Debian's nginx-light, one process, EPOLLET) as a reverse proxy
# with rate limits, to a backend server block of the same nginx serving a
# 24 KiB file (it fits in the upstream socket's buffers at once):
#   /up/   proxy_limit_rate 4k: nginx reads the upstream at most 4 KB/s: it
#          reads 4 KiB, then sleeps on a timer (up to a second) with the
#          rest queued in the upstream socket;
#   /down/ limit_rate 4k: nginx sends to the client at most 4 KB/s, on a
#          timer; its proxy buffers (20 KiB) fill and it leaves the last
#          238 bytes in the upstream socket, while the client's socket is
#          not full (no EPOLLOUT wait: not backpressure).
# In both, nginx comes back to the upstream socket by itself about a second
# later and reads it without a new edge (nginx keeps its own "ready" flag):
# throttling, not a missed edge.  Per path one client reading it all and
# one that resets after 12 KiB.  A correct program: no warning, every byte
# the clients read equals the file, sockets named by their addresses.
# Launch and attach mode, JSON and text.
#
# epolltrace (the verdict model of issue 10) warns missed_edge on every
# upstream socket here: the stall outlasts --stall + --confirm (700 ms) and
# nginx waits for no EPOLLOUT.  The /up/ warnings are retracted when nginx
# reads again; the /down/ ones are not: nginx reads the last bytes and
# closes the upstream in one go, between two looks, and a close with
# nothing unread does not retract a warning.  This test fails until the
# verdicts hold on rate-limited nginx.
. "$(dirname "$0")/../lib.sh"
. "$ROOT/tests/real.sh"
command -v nginx >/dev/null || skip "nginx is not installed (make deps: nginx-light)"

REAL_NAME="nginx rate-limited proxy"
REAL_PORT=$(free_port)
backend=$(free_port)
REAL_LISTEN="127.0.0.1:$REAL_PORT 127.0.0.1:$backend"
REAL_PEERS=127.0.0.1:$backend
# Per run: 4 client connections, 4 upstream and 4 backend connections.
REAL_MIN="adds=12 et_adds=12 deliveries=20"

mkdir -p "$T/www"
head -c $((24 << 10)) /dev/urandom >"$T/www/big.bin"
cat >"$T/nginx.conf" <<CONF
$(nginx_conf_head)
	# The backend.
	server {
		listen 127.0.0.1:$backend;
		root $T/www;
	}
	# The proxy.
	server {
		listen 127.0.0.1:$REAL_PORT;
		proxy_http_version 1.1;
		proxy_buffering on;
		proxy_max_temp_file_size 0;
		proxy_buffer_size 4k;
		proxy_buffers 4 4k;
		proxy_busy_buffers_size 8k;
		location /up/ {
			proxy_pass http://127.0.0.1:$backend/;
			proxy_limit_rate 4k;
		}
		location /down/ {
			proxy_pass http://127.0.0.1:$backend/;
			limit_rate 4k;
		}
	}
}
CONF
REAL_CMD=(nginx -p "$T/" -c "$T/nginx.conf" -e "$T/error.log")

real_workload() { # RUN
	local c=$ROOT/tests/real_client.py pids=() names=() path i
	for path in /up/big.bin /down/big.bin; do
		python3 "$c" get "$REAL_PORT" "$path" "$T/www/big.bin" --name "quick$path" \
			--burst 0 >"$T/$1.quick${#pids[@]}" 2>&1 &
		pids+=("$!") names+=("quick$path")
		python3 "$c" get "$REAL_PORT" "$path" "$T/www/big.bin" --name "gone$path" \
			--burst 0 --pause 0.5 --abort-after $((12 << 10)) >"$T/$1.gone${#pids[@]}" 2>&1 &
		pids+=("$!") names+=("gone$path")
	done
	BG_PIDS+=("${pids[@]}")
	for i in "${!pids[@]}"; do
		wait "${pids[$i]}" || real_bad "$1" "${names[$i]} client: $(cat "$T/$1.${names[$i]%%/*}$i")"
		cat "$T/$1.${names[$i]%%/*}$i"
	done
	sleep 0.5
}

real_runs
real_finish
