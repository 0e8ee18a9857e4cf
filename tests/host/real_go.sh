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
command -v go >/dev/null || skip "go is not installed (make deps: golang-go)"

bin=$ROOT/build/go/slowserver
src=$ROOT/tools/go/slowserver
if real_stale "$bin" "$src"; then
	echo "building $bin"
	mkdir -p "$ROOT/build/go"
	(cd "$src" && GOFLAGS=-mod=mod GOPROXY=off GOTOOLCHAIN=local CGO_ENABLED=0 \
		GOCACHE=$ROOT/build/go/cache GOPATH=$ROOT/build/go/path \
		go build -o "$bin.tmp" . && mv "$bin.tmp" "$bin") || fail "go build failed"
fi

REAL_NAME="Go slowserver"
REAL_PORT=$(free_port)
REAL_LISTEN=127.0.0.1:$REAL_PORT
REAL_CMD=("$bin" -addr "$REAL_LISTEN" -head 10 -size 100 -work 1500ms)
# 6 accepted sockets, all EPOLLET (the listener too, but attach mode finds
# it registered already); 12 messages delivered.
REAL_MIN="adds=6 et_adds=6 deliveries=12"

real_workload() { # RUN
	python3 "$ROOT/tests/real_client.py" msgs "$REAL_PORT" --conns 6 --rounds 2 --size 100 \
		>"$T/$1.client" 2>&1 || real_bad "$1" "client: $(cat "$T/$1.client")"
	cat "$T/$1.client"
}

# The server saw every message the client sent, byte for byte.
real_after() { # RUN
	local sent served
	sent=$(sed -n 's/^sent conns=[0-9]* msgs=\([0-9]*\) bytes=\([0-9]*\) digest=\(.*\)/msgs=\1 bytes_in=\2 digest=\3/p' "$T/$1.client")
	served=$(sed -n 's/^served conns=[0-9]* \(msgs=[0-9]*\) \(bytes_in=[0-9]*\) bytes_out=[0-9]* \(digest=.*\)/\1 \2 \3/p' "$T/$1.stdout")
	echo "$1: server $served"
	[ -n "$sent" ] && [ "$sent" = "$served" ] ||
		real_bad "$1" "the server got '${served:-nothing}', the client sent '$sent'"
}

real_runs
real_finish
