#!/bin/sh
# Install the Debian packages the build, the tests, the VM tier and the bench
# need -- only those that are missing, so a second run is quick.
# usage: deps.sh [ARCH...]   (x86 and/or arm64; default: this machine's)
# arm64 (on an x86-64 machine): the cross compiler and qemu-system-aarch64
# are installed; the arm64 libraries (libbpf-dev, libelf-dev, zlib1g-dev,
# libzstd-dev) and busybox-static are Debian's arm64 packages of this
# machine's release, downloaded through a private apt state
# (tools/debian-apt.sh: the machine's apt configuration is left alone) and
# unpacked into build/arm64/sysroot, which `make ARCH=arm64` builds against.
set -e
cd "$(dirname "$0")/.."
PKGS="make gcc clang llvm libbpf-dev bpftool libelf-dev zlib1g-dev libzstd-dev
libc6-dev python3 iproute2 procps groff-base qemu-system-x86 busybox-static cpio
strace linux-perf bpftrace nginx-light wrk redis-server redis-tools time
golang-go haproxy cargo librust-tokio-dev prometheus-node-exporter memcached lighttpd squid
libnetty-java erlang-base erlang-crypto nodejs trafficserver"
# The arm64 packages of build/arm64/sysroot.
ARM64_PKGS="libbpf-dev libelf-dev zlib1g-dev libzstd-dev busybox-static"
native=$(uname -m | sed -e 's/x86_64/x86/' -e 's/aarch64/arm64/')
cross=""
for a in "${@:-$native}"; do
	[ "$a" = "$native" ] && continue
	case $a in
	arm64) cross="$cross arm64"
	       PKGS="$PKGS gcc-aarch64-linux-gnu binutils-aarch64-linux-gnu libc6-dev-arm64-cross qemu-system-arm" ;;
	x86)   ;;	# the tests need the x86 packages above in any case
	*)     echo "deps: no cross build for $a" >&2; exit 1 ;;
	esac
done

missing=""
for p in $PKGS; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing="$missing $p"
done
if [ -n "$missing" ]; then
	echo "deps: installing$missing"
	if [ "$(id -u)" != 0 ]; then
		echo "deps: need root to install:$missing" >&2
		exit 1
	fi
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -qq
	apt-get install -y -qq --no-install-recommends $missing >/dev/null
	# Debian starts the servers it installs; the tests start their own.
	for s in nginx redis-server haproxy prometheus-node-exporter memcached lighttpd squid trafficserver; do
		systemctl stop "$s" 2>/dev/null || service "$s" stop 2>/dev/null || true
	done
fi

for a in $cross; do
	sysroot=build/$a/sysroot
	stamp=$sysroot/.packages
	[ "$(cat "$stamp" 2>/dev/null)" = "$ARM64_PKGS" ] && continue
	. tools/debian-apt.sh
	suite=$(sed -n 's/^VERSION_CODENAME=//p' /etc/os-release)
	debian_apt_init "build/vm/apt/$suite-$a" "${suite:-bookworm}" "$a"
	echo "deps: $a packages of $suite into $sysroot:" $ARM64_PKGS
	dl=build/$a/debs
	rm -rf "$dl" "$sysroot"
	debian_apt_download "$dl" $ARM64_PKGS
	for deb in "$dl"/*.deb; do
		dpkg-deb -x "$deb" "$sysroot"
	done
	rm -rf "$dl"
	echo "$ARM64_PKGS" >"$stamp"
done
