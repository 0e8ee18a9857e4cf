#!/bin/bash
# A Go server (tools/go/slowserver, built with Debian's golang-go) whose
# handler reads 10 bytes of a 100-byte message, works for 1.5 s, then reads
# the other 90 and echoes the message.  Go's netpoller registers every
# socket EPOLLIN|EPOLLOUT|EPOLLRDHUP|EPOLLET and keeps the readiness in the
# runtime: the second read needs no new edge.  A correct program: no
# warning, every byte echoed, sockets named by their addresses.  Launch and
# attach mode, JSON and text.  6 clients at once, two rounds of one message
# each on the same connections.
. "$(dirname "$0")/../lib.sh"
. "$ROOT/tests/real.sh"
real_go_build
bin=$GO_SLOWSERVER

REAL_NAME="Go slowserver"
REAL_PORT=$(free_port)
REAL_LISTEN=127.0.0.1:$REAL_PORT
REAL_CMD=("$bin" -addr "$REAL_LISTEN" -head 10 -size 100 -work 1500ms)
# 6 accepted sockets, all EPOLLET (the listener too, but attach mode finds
# it registered already); 12 messages delivered.
REAL_MIN="adds=6 et_adds=6 deliveries=12"

real_workload() { real_msgs "$1"; }
real_after() { real_msgs_served "$1"; }

real_runs
real_finish
