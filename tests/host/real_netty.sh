#!/bin/bash
# Netty's native epoll transport (edge-triggered: sockets registered
# EPOLLIN|EPOLLRDHUP|EPOLLET, the readiness kept by Netty) with the slow
# handler of real_netty_nio.sh (tools/java/NettySlowServer.java): 10-byte
# reads only on request, 1.5 s of work on a timer between a message's
# first 10 bytes and the rest, which Netty then reads with no new edge.
# A correct program: no warning (the Netty runtime is recognised from its
# mapped native library), every byte echoed, sockets named by their
# addresses.  Launch and attach mode, JSON and text.
#
# Skipped where Netty's JNI library (libnetty_transport_native_epoll*.so)
# cannot load: Debian 12's libnetty-java ships the transport's Java classes
# (netty-transport-native-epoll.jar) but not the native library -- the jar
# has no META-INF/native/, and no Debian package installs the .so -- so
# Epoll.isAvailable() is false there and the program would not run at all.
. "$(dirname "$0")/../lib.sh"
. "$ROOT/tests/real.sh"
real_netty_build
why=$(java -cp "$NETTY_CP" NettySlowServer --check 2>&1) ||
	skip "Netty's native epoll transport cannot load (libnetty-java ships no libnetty_transport_native_epoll_x86_64.so): $why"

REAL_NAME="Netty native epoll slow server"
REAL_PORT=$(free_port)
# Java's sockets are IPv6 dual-stack: 127.0.0.1 is [::ffff:127.0.0.1].
REAL_LISTEN="[::ffff:127.0.0.1]:$REAL_PORT"
REAL_CMD=(java -cp "$NETTY_CP" NettySlowServer --transport epoll --addr "127.0.0.1:$REAL_PORT"
	--head 10 --size 100 --work-ms 1500)
REAL_RUNTIME=Netty
# The JVM ends by SIGTERM after its shutdown hooks.
REAL_EXIT=143
# 6 accepted sockets, all EPOLLET; 12 messages delivered.
REAL_MIN="adds=6 et_adds=6 deliveries=12"

real_workload() { real_msgs "$1"; }
real_after() { real_msgs_served "$1"; }

real_runs
real_finish
