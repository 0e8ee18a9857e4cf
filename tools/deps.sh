#!/bin/sh
# Install the Debian packages the build, the tests, the VM tier and the bench
# need -- only those that are missing, so a second run is quick.
set -e
PKGS="make gcc clang llvm libbpf-dev bpftool libelf-dev zlib1g-dev libzstd-dev
libc6-dev python3 iproute2 procps groff-base qemu-system-x86 busybox-static cpio
strace linux-perf bpftrace nginx-light wrk redis-server redis-tools time
golang-go haproxy cargo librust-tokio-dev prometheus-node-exporter memcached lighttpd squid
libnetty-java erlang-base erlang-crypto"
missing=""
for p in $PKGS; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing="$missing $p"
done
[ -z "$missing" ] && exit 0
echo "deps: installing$missing"
if [ "$(id -u)" != 0 ]; then
	echo "deps: need root to install:$missing" >&2
	exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends $missing >/dev/null
# Debian starts the servers it installs; the tests start their own.
for s in nginx redis-server haproxy prometheus-node-exporter memcached lighttpd squid; do
	systemctl stop "$s" 2>/dev/null || service "$s" stop 2>/dev/null || true
done
