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
real_self_proxy
REAL_CMD=(node "$ROOT/tools/node/fileserver.js" "$REAL_PORT" "$REAL_BACKEND" "$T/www/big.bin")

real_runs
real_finish
