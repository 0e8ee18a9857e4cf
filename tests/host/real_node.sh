#!/bin/bash
# Node.js (Debian's nodejs: libuv's epoll loop, level-triggered, with
# EPOLL_CTL_MOD/DEL as streams pause and resume) running
# tools/node/fileserver.js: a 4 MiB file streamed to the client two ways
# at once, straight from the file (GET /big.bin) and through a proxy to a
# second listening port of the same process (GET /proxy/big.bin: both ends
# of the upstream connection traced, the upstream paused with data queued
# while the client is full).  Per path two clients with a 4k receive
# buffer reading 1 MiB at a time with 1.2 s pauses: "slow" reads it all,
# "gone" reads 1.5 MiB and resets the connection.  A correct program: no
# warning, every byte the clients read equals the file, sockets named by
# their addresses.  Launch and attach mode, JSON and text.
. "$(dirname "$0")/../lib.sh"
. "$ROOT/tests/real.sh"
command -v node >/dev/null || skip "node is not installed (make deps: nodejs)"

REAL_NAME=node
REAL_PORT=$(free_port)
backend=$(free_port)
REAL_LISTEN="127.0.0.1:$REAL_PORT 127.0.0.1:$backend"
REAL_PEERS=127.0.0.1:$backend
# Per run: 4 client connections, 2 upstream and 2 backend connections.
REAL_MIN="adds=8 deliveries=20"

mkdir -p "$T/www"
head -c $((4 << 20)) /dev/urandom >"$T/www/big.bin"
REAL_CMD=(node "$ROOT/tools/node/fileserver.js" "$REAL_PORT" "$backend" "$T/www/big.bin")

real_workload() { real_slow_gets "$1" "$T/www/big.bin" /big.bin /proxy/big.bin; }

real_runs
real_finish
