#!/bin/bash
# Netty (Debian's libnetty-java 4.1) with its NIO transport: the JDK's
# epoll selector (sun.nio.ch.EPollSelectorImpl, level-triggered), one boss
# and two worker event loops in a JVM.  The server (tools/java/
# NettySlowServer.java) has the slow handler of real_go.sh: auto-read off
# and 10-byte reads, it reads 10 bytes of a 100-byte message, waits 1.5 s
# on a timer (its event loop serves the other connections meanwhile),
# then reads the rest and echoes the message.  While it waits it does not
# ask to read, so NIO drops OP_READ: the socket's input sits unread with
# no EPOLLIN interest.  A correct program: no warning, every byte echoed,
# sockets named by their addresses.  Launch and attach mode, JSON and
# text.  (Netty's native epoll transport: real_netty.sh.)
. "$(dirname "$0")/../lib.sh"
. "$ROOT/tests/real.sh"
real_netty_build

REAL_NAME="Netty NIO slow server"
REAL_PORT=$(free_port)
# Java's sockets are IPv6 dual-stack: 127.0.0.1 is [::ffff:127.0.0.1].
REAL_LISTEN="[::ffff:127.0.0.1]:$REAL_PORT"
REAL_CMD=(java -cp "$NETTY_CP" NettySlowServer --transport nio --addr "127.0.0.1:$REAL_PORT"
	--head 10 --size 100 --work-ms 1500)
# The JVM ends by SIGTERM after its shutdown hooks.
REAL_EXIT=143
# 6 accepted sockets; 12 messages delivered, in 10-byte reads.
REAL_MIN="adds=6 deliveries=12"

real_workload() { real_msgs "$1"; }
real_after() { real_msgs_served "$1"; }

real_runs
real_finish
