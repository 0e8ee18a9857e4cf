#!/bin/bash
# Debian's memcached 1.6 (libevent: a listener thread hands connections
# to 4 worker threads, each with its own epoll set, through notify
# pipes) under a mixed load at once (tests/real_client.py mc):
#   - slow: one get of four 512 KiB values (a 4k receive buffer, 1.2 s
#     pauses after each MiB): memcached's writes hit EAGAIN and it waits
#     for EPOLLOUT;
#   - gone: the same, resets the connection after 1.5 MiB;
#   - 12 quick connections, 8 rounds each: 10 pipelined sets of values up
#     to 48 KiB, a get of them, and 50 pipelined gets in one write (more
#     than the 20 memcached serves per event before it yields).
# Every value read back equals what was stored, and memcached's own stats
# count every set, every hit and every byte the clients sent.  A correct
# program: no warning, sockets named by their addresses.  Launch and
# attach mode, JSON and text.
. "$(dirname "$0")/../lib.sh"
. "$ROOT/tests/real.sh"
command -v memcached >/dev/null || skip "memcached is not installed (make deps)"

REAL_NAME=memcached
REAL_PORT=$(free_port)
REAL_LISTEN=127.0.0.1:$REAL_PORT
# Per run: 15 client connections (and the stats one), each registered once
# in a worker's set; a delivery at least for each.
REAL_MIN="adds=15 deliveries=30"
REAL_CMD=(memcached -u nobody -l 127.0.0.1 -p "$REAL_PORT" -U 0 -t 4 -m 256 -I 2m)

real_workload() { # RUN
	python3 "$ROOT/tests/real_client.py" mc "$REAL_PORT" >"$T/$1.client" 2>&1 ||
		real_bad "$1" "client: $(cat "$T/$1.client")"
	cat "$T/$1.client"
}

real_runs
real_finish
