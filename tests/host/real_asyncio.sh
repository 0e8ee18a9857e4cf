#!/bin/bash
# Python's asyncio (the standard library's event loop on
# selectors.EpollSelector: level-triggered, a reader removed and added
# again as a stream pauses and resumes) running
# tools/python/asyncio_fileserver.py: a 4 MiB file sent two ways at once,
# straight from the file (GET /big.bin) and through a proxy to a second
# listening port of the same process (GET /proxy/big.bin: both ends of
# the upstream connection traced, the upstream's reading paused with data
# queued while the client is full).  Per path two clients with a 4k
# receive buffer reading 1 MiB at a time with 1.2 s pauses: "slow" reads
# it all, "gone" reads 1.5 MiB and resets the connection.  A correct
# program: no warning, every byte the clients read equals the file,
# sockets named by their addresses.  Launch and attach mode, JSON and text.
. "$(dirname "$0")/../lib.sh"
. "$ROOT/tests/real.sh"

REAL_NAME="Python asyncio"
real_self_proxy
REAL_CMD=(python3 "$ROOT/tools/python/asyncio_fileserver.py" "$REAL_PORT" "$REAL_BACKEND" "$T/www/big.bin")

real_runs
real_finish
