#!/bin/bash
# Debian's prometheus-node-exporter (Go 1.19, net/http: sockets registered
# EPOLLIN|EPOLLOUT|EPOLLRDHUP|EPOLLET, the readiness kept by Go's netpoller)
# scraped by several clients at once.  Its textfile collector exports a
# file of 40,000 known samples (1.3 MB a scrape, chunked), so every scrape
# can be checked line by line:
#   - slow: a 4k receive buffer, reads 512 KiB at a time with 1.2 s pauses
#     (the server's writes block mid-response: it waits for EPOLLOUT);
#   - gone: the same, resets the connection after 700 KB;
#   - 5 quick scrapers, 4 scrapes each on one keep-alive connection.
# Then node_exporter's own counter of served scrapes must equal the scrapes
# made.  A correct program: no warning (the Go runtime is recognised), every
# sample in every scrape, sockets named by their addresses.  Launch and
# attach mode, JSON and text.
. "$(dirname "$0")/../lib.sh"
. "$ROOT/tests/real.sh"
bin=/usr/bin/prometheus-node-exporter
[ -x "$bin" ] || skip "prometheus-node-exporter is not installed (make deps)"

REAL_NAME=node_exporter
REAL_PORT=$(free_port)
REAL_LISTEN=127.0.0.1:$REAL_PORT
REAL_RUNTIME=Go
# Go's default action on SIGTERM: killed by the signal.
REAL_EXIT=143
# Per run: 7 scrape connections and the counter's scrape, all EPOLLET;
# each serves at least one request.
REAL_MIN="adds=8 et_adds=8 deliveries=8"

mkdir -p "$T/textfile"
python3 - "$T/textfile/eptest.prom" "$T/samples.txt" <<'PY'
import random, sys
with open(sys.argv[1], "w") as prom, open(sys.argv[2], "w") as want:
    prom.write("# HELP eptest_sample A sample of the epolltrace test.\n"
               "# TYPE eptest_sample gauge\n")
    for i in range(40000):
        line = f'eptest_sample{{i="{i:06d}"}} {random.randrange(1000000)}\n'
        prom.write(line)
        want.write(line)
PY
REAL_CMD=("$bin" --web.listen-address="$REAL_LISTEN" --collector.disable-defaults
	--collector.textfile --collector.textfile.directory="$T/textfile"
	--collector.cpu --collector.meminfo --collector.loadavg)

# served: node_exporter's count of scrapes answered 200 so far (the scrape
# that asks is counted after it).
served() {
	python3 - "$REAL_PORT" <<'PY'
import re, sys, urllib.request
body = urllib.request.urlopen(f"http://127.0.0.1:{sys.argv[1]}/metrics", timeout=20).read().decode()
m = re.search(r'^promhttp_metric_handler_requests_total\{code="200"\} (\d+)$', body, re.M)
print(m.group(1) if m else "none")
PY
}

real_workload() { # RUN
	local c=$ROOT/tests/real_client.py pids=() names=() i p n
	python3 "$c" get "$REAL_PORT" /metrics "$T/samples.txt" --lines eptest_sample --name slow \
		--rcvbuf 4096 --burst $((512 << 10)) --pause 1.2 >"$T/$1.slow" 2>&1 &
	pids+=("$!") names+=(slow)
	python3 "$c" get "$REAL_PORT" /metrics "$T/samples.txt" --lines eptest_sample --name gone \
		--rcvbuf 4096 --burst $((512 << 10)) --pause 1.2 --abort-after 700000 >"$T/$1.gone" 2>&1 &
	pids+=("$!") names+=(gone)
	for i in 1 2 3 4 5; do
		python3 "$c" get "$REAL_PORT" /metrics "$T/samples.txt" --lines eptest_sample \
			--name "quick$i" --burst 0 --count 4 >"$T/$1.quick$i" 2>&1 &
		pids+=("$!") names+=("quick$i")
	done
	BG_PIDS+=("${pids[@]}")
	for i in "${!pids[@]}"; do
		p=${pids[$i]}
		wait "$p" || real_bad "$1" "${names[$i]} client: $(cat "$T/$1.${names[$i]}")"
		cat "$T/$1.${names[$i]}"
	done
	# Let the gone client's handler see the reset and return.
	sleep 0.5
	n=$(served)
	echo "$1: node_exporter counts $n scrapes served, 22 made"
	[ "$n" = 22 ] || real_bad "$1" "node_exporter counts ${n} scrapes served (code 200), 22 were made"
}

real_runs
real_finish
