#!/bin/bash
# Fetch one of Debian's stock cloud kernels (never installed: downloaded
# through a private apt state, tools/debian-apt.sh, and unpacked under
# build/vm/kernels/NAME-ARCH/) and print the path of its vmlinuz.  The
# unpacked kernel is kept, so later runs download nothing.
# usage: fetch-kernel.sh VMDIR NAME ARCH SUITE METAPACKAGE
#   (a line of tests/vm/kernels, e.g. "5.10 x86-64 bullseye linux-image-cloud-amd64")
set -e
vmdir=$1 name=$2 arch=$3 suite=$4 meta=$5
[ -n "$meta" ] || { echo "usage: fetch-kernel.sh VMDIR NAME ARCH SUITE METAPACKAGE" >&2; exit 2; }
kdir=$vmdir/kernels/$name-$arch
mkdir -p "$vmdir"

cached=$(ls "$kdir"/boot/vmlinuz-* 2>/dev/null | head -n 1)
if [ -n "$cached" ]; then
	echo "$cached"
	exit 0
fi

. "$(dirname "$0")/../../tools/debian-apt.sh"
debian_apt_init "$vmdir/apt/$suite-$arch" "$suite" "$arch"
# The metapackage names the current ABI, e.g. linux-image-6.1.0-NN-cloud-amd64.
pkg=$(debian_apt_depends "$meta" '^linux-image-[0-9]')
[ -n "$pkg" ] || { echo "vm: $suite has no $meta" >&2; exit 1; }
case $pkg in
"linux-image-$name".*) ;;
*) echo "vm: $meta of $suite is $pkg, not Linux $name" >&2; exit 1 ;;
esac

echo "vm: downloading $pkg ($suite, $arch)" >&2
dl=$vmdir/download
rm -rf "$dl"
debian_apt_download "$dl" "$pkg"
deb=$(ls "$dl"/"$pkg"_*.deb)

# Unpack into a scratch tree and keep only boot/ (the kernel has what the
# tests use built in: BPF, kprobes, BTF, tracefs, debugfs, bpffs, inet,
# NVMe).
tmp=$vmdir/unpack
rm -rf "$tmp"
dpkg-deb -x "$deb" "$tmp"
rm -rf "$kdir" && mkdir -p "$kdir"
mv "$tmp/boot" "$kdir/boot"
rm -rf "$tmp" "$dl"
ls "$kdir"/boot/vmlinuz-*
