#!/bin/sh
# `make demo`: epolltrace on tools/et_bug_server, an epoll echo server with
# the classic edge-triggered bug, talking to its own client over loopback.
cd "$(dirname "$0")/.." || exit 1
ET=${ET:-build/epolltrace}
WORKLOAD=build/tools/et_bug_server
for f in "$ET" "$WORKLOAD"; do
	[ -x "$f" ] || { echo "demo: $f is missing; run make first" >&2; exit 1; }
done
cat <<'TEXT'
epolltrace demo: an echo server registers its client socket with
EPOLLIN|EPOLLET but reads only 16 bytes per event.  Its client sends
"hello", "ping", then a 42-byte message, and waits for each echo.

What you will see:
  - every epoll call decoded: epoll_create1, epoll_ctl ADD of the listening
    socket (level-triggered) and of the client socket (EPOLLIN|EPOLLET),
    each epoll_wait with the events it returned, mapped back to the fd;
  - readiness lines: when the kernel marked the socket ready, and why;
  - the bug: after the 42-byte message the server reads 16 bytes and goes
    back to epoll_wait with 26 bytes still queued.  With EPOLLET no new
    event comes for them, the client gives up after 1 s, and epolltrace
    warns: WARNING missed_edge, naming the fd, how much of what was
    queued at its last edge the server read, and how many bytes are left.
The program's own messages ("client: ...", "server: ...") go to stderr.

TEXT
[ "$(id -u)" = 0 ] || echo "demo: epolltrace needs root (CAP_BPF); expect an error" >&2
exec "$ET" -- "$WORKLOAD"
