#!/bin/bash
# Build the VM tier's initramfs for one architecture (newc cpio, gzip):
# busybox with its applet links, the static tracer and workloads under /et,
# the guest tests, their library, tests/diag.list and tests/attach.list,
# and tests/vm/init as /init.  One image serves every kernel of that
# architecture.  Prints the
# image's path.
# usage: mkinitrd.sh ROOT VMDIR ARCH
#   ARCH x86-64: build/epolltrace, build/tools/*, the machine's busybox;
#   ARCH arm64:  build/arm64/epolltrace, build/arm64/tools/*, and the arm64
#                busybox of build/arm64/sysroot (make deps ARCH=arm64).
set -e
root=$1 vmdir=$2 arch=${3:-x86-64}
stage=$vmdir/rootfs-$arch
img=$vmdir/initrd-$arch.cpio.gz
case $arch in
x86-64)	bin=$root/build busybox=$(command -v busybox) elf=X86-64 strip=strip ;;
arm64)	bin=$root/build/arm64 busybox=$root/build/arm64/sysroot/bin/busybox elf=AArch64
	strip=aarch64-linux-gnu-strip ;;
*)	echo "vm: unknown architecture $arch" >&2; exit 1 ;;
esac

# is_static FILE: an ELF executable of this architecture with no program
# interpreter.
is_static() {
	[ -f "$1" ] && [ -x "$1" ] &&
		LC_ALL=C readelf -h "$1" 2>/dev/null | grep -q "Machine:.*$elf" &&
		! readelf -l "$1" 2>/dev/null | grep -q 'program interpreter'
}

rm -rf "$stage"
mkdir -p "$stage"/{bin,sbin,usr/bin,usr/sbin,proc,sys,dev,tmp,run,et/tools,et/guest,et/lib}
is_static "$busybox" || {
	echo "vm: $busybox is not a static $arch busybox (make deps${arch:+ ARCH=$arch})" >&2
	exit 1
}
cp "$busybox" "$stage/bin/busybox"
# The applets of the machine's busybox: Debian builds busybox-static alike
# for every architecture (and an arm64 binary cannot run here to say).
for applet in $(busybox --list-full); do
	[ -e "$stage/$applet" ] || ln -s /bin/busybox "$stage/$applet"
done

install -m 0755 "$root/tests/vm/init" "$stage/init"
# VM_TESTS="ready_* kernel" picks some guest tests (default: all).
set -f	# split the patterns without matching them against the cwd
pats=(${VM_TESTS:-*})
set +f
for pat in "${pats[@]}"; do
	for t in "$root"/tests/vm/guest/$pat.sh; do
		[ -f "$t" ] && cp "$t" "$stage/et/guest/"
	done
done
ls "$stage"/et/guest/*.sh >/dev/null 2>&1 || { echo "vm: no guest test matches '$VM_TESTS'" >&2; exit 1; }
cp "$root"/tests/vm/lib/*.sh "$stage/et/lib/"
cp "$root/tests/diag.list" "$stage/et/diag.list"
cp "$root/tests/attach.list" "$stage/et/attach.list"
echo "$arch" >"$stage/et/arch"
# Rounds of tests/vm/guest/syscall_hooks.sh's measurement (VM_HOOK_ROUNDS).
echo "${VM_HOOK_ROUNDS:-1}" >"$stage/et/hook_rounds"

if is_static "$bin/epolltrace"; then
	cp "$bin/epolltrace" "$stage/et/epolltrace"
else
	echo "vm: no static $arch $bin/epolltrace; its guest tests will fail" >&2
fi
for f in "$bin"/tools/*; do
	is_static "$f" && cp "$f" "$stage/et/tools/"
done

# Debug info is most of the binaries' size and the guest does not need it.
"$strip" --strip-debug "$stage"/et/epolltrace "$stage"/et/tools/* 2>/dev/null || true

(cd "$stage" && find . -print | LC_ALL=C sort | cpio -o -H newc --owner=0:0 --quiet) |
	gzip -1 >"$img.tmp"
mv "$img.tmp" "$img"
echo "$img"
