#!/bin/bash
# Fetch Debian's stock cloud kernel (never installed: downloaded and
# unpacked under build/vm/) and print the path of its vmlinuz.
# The unpacked kernel is kept, so later runs download nothing.
# usage: fetch-kernel.sh VMDIR
set -e
vmdir=$1
kdir=$vmdir/kernel
mkdir -p "$vmdir"

cached=$(ls "$kdir"/boot/vmlinuz-* 2>/dev/null | head -1)
if [ -n "$cached" ]; then
	echo "$cached"
	exit 0
fi

# The metapackage names the current ABI, e.g. linux-image-6.1.0-NN-cloud-amd64.
resolve() {
	apt-cache depends linux-image-cloud-amd64 2>/dev/null |
		awk '$1 == "Depends:" && $2 ~ /^linux-image-[0-9]/ { print $2; exit }'
}
pkg=$(resolve)
if [ -z "$pkg" ]; then
	echo "vm: apt lists lack linux-image-cloud-amd64, running apt-get update" >&2
	apt-get update -qq >&2
	pkg=$(resolve)
fi
[ -n "$pkg" ] || { echo "vm: cannot resolve linux-image-cloud-amd64" >&2; exit 1; }

echo "vm: downloading $pkg" >&2
# apt drops to user _apt for downloads; a directory it can write avoids
# the "unsandboxed" warning and works the same when it cannot.
dl=$vmdir/download
rm -rf "$dl" && mkdir -p "$dl"
chmod 777 "$dl"
(cd "$dl" && apt-get download -qq "$pkg" >&2)
deb=$(ls "$dl"/"$pkg"_*.deb)

# Unpack into a scratch tree and keep only boot/ (the kernel has what the
# tests use built in: BPF, kprobes, BTF, tracefs, debugfs, bpffs, inet).
tmp=$vmdir/unpack
rm -rf "$tmp"
dpkg-deb -x "$deb" "$tmp"
rm -rf "$kdir" && mkdir -p "$kdir"
mv "$tmp/boot" "$kdir/boot"
rm -rf "$tmp" "$dl"
ls "$kdir"/boot/vmlinuz-*
