#!/bin/bash
# An Erlang server (tools/erlang/slowserver.erl, compiled with Debian's
# erlang-base) with the slow handler of real_go.sh, on the BEAM's own
# I/O: gen_tcp in passive mode, one process per connection, which
# receives 10 bytes of a 100-byte message, sleeps 1.5 s, receives the
# other 90 (queued long before) and echoes the message.  The BEAM's
# check_io polls sockets EPOLLONESHOT and re-arms one only when a process
# asks for input again: after the first 10 bytes it disarms the socket
# (EPOLL_CTL_MOD to EPOLLONESHOT alone) with 90 bytes queued, and re-arms
# it 1.5 s later, when the process asks for them.  A correct program: no warning, every byte
# echoed, sockets named by their addresses.  Launch and attach mode, JSON
# and text.
. "$(dirname "$0")/../lib.sh"
. "$ROOT/tests/real.sh"
command -v erlc >/dev/null && command -v erl >/dev/null || skip "erlang is not installed (make deps: erlang-base)"
compgen -G "/usr/lib/erlang/lib/crypto-*" >/dev/null ||
	skip "Erlang's crypto is not installed (make deps: erlang-crypto)"

src=$ROOT/tools/erlang/slowserver.erl
out=$ROOT/build/erlang
if [ ! -f "$out/slowserver.beam" ] || [ "$src" -nt "$out/slowserver.beam" ]; then
	echo "building $out/slowserver.beam"
	mkdir -p "$out" && erlc -o "$out" "$src" || fail "erlc failed"
fi

REAL_NAME="Erlang slowserver"
REAL_PORT=$(free_port)
REAL_LISTEN=127.0.0.1:$REAL_PORT
# erl execs erlexec, which execs beam.smp: one pid.
REAL_CMD=(erl -noshell -pa "$out" -run slowserver main "$REAL_PORT" 10 100 1500)
# 6 accepted sockets; 12 messages delivered.
REAL_MIN="adds=6 deliveries=12"

real_workload() { real_msgs "$1"; }
real_after() { real_msgs_served "$1"; }

real_runs
real_finish
