#!/bin/bash
# A tokio server (tools/rust/slowserver; tokio 1.24 and mio from Debian's
# librust-tokio-dev, built offline with Debian's cargo and rustc) with the
# slow handler of real_go.sh: reads 10 bytes of a 100-byte message, sleeps
# 1.5 s, reads the other 90 with no new edge (mio registers sockets
# EPOLLIN|EPOLLOUT|EPOLLRDHUP|EPOLLET and tokio keeps the readiness), echoes
# it.  A correct program: no warning, every byte echoed, sockets named by
# their addresses.  Launch and attach mode, JSON and text.
. "$(dirname "$0")/../lib.sh"
. "$ROOT/tests/real.sh"
# Debian's toolchain, not a rustup one that may come first in PATH.
cargo=/usr/bin/cargo rustc=/usr/bin/rustc registry=/usr/share/cargo/registry
[ -x "$cargo" ] && [ -x "$rustc" ] || skip "Debian's cargo and rustc are not installed (make deps: cargo)"
compgen -G "$registry/tokio-1.*" >/dev/null || skip "no tokio in $registry (make deps: librust-tokio-dev)"

src=$ROOT/tools/rust/slowserver
bin=$ROOT/build/rust/slowserver
if real_stale "$bin" "$src"; then
	echo "building $bin (offline, from $registry)"
	# Built from a copy, so Cargo.lock (resolved against the installed
	# crates) stays under build/.
	rm -rf "$ROOT/build/rust/src"
	mkdir -p "$ROOT/build/rust/src"
	cp -r "$src"/. "$ROOT/build/rust/src/"
	(cd "$ROOT/build/rust/src" && PATH=/usr/bin:/bin CARGO_HOME=$ROOT/build/rust/cargo-home \
		CARGO_TARGET_DIR=$ROOT/build/rust/target RUSTC=$rustc \
		"$cargo" build --release --offline --quiet) >"$ROOT/build/rust/build.log" 2>&1 ||
		{ tail -20 "$ROOT/build/rust/build.log"; fail "cargo build of $src failed (log: build/rust/build.log)"; }
	cp "$ROOT/build/rust/target/release/slowserver" "$bin.tmp" && mv "$bin.tmp" "$bin" || fail "no binary"
fi

REAL_NAME="tokio slowserver"
REAL_PORT=$(free_port)
REAL_LISTEN=127.0.0.1:$REAL_PORT
REAL_CMD=("$bin" --addr "$REAL_LISTEN" --head 10 --size 100 --work-ms 1500)
# 6 accepted sockets, all EPOLLET; 12 messages delivered.
REAL_MIN="adds=6 et_adds=6 deliveries=12"

real_workload() { real_msgs "$1"; }
real_after() { real_msgs_served "$1"; }

real_runs
real_finish
