#!/bin/bash
# Build the VM tier's initramfs (newc cpio, gzip): busybox with its applet
# links, the static tracer and workloads under /et, the guest tests, their
# library, tests/diag.list and tests/attach.list, and tests/vm/init as /init.  Prints the
# image's path.
# usage: mkinitrd.sh ROOT VMDIR
set -e
root=$1 vmdir=$2
stage=$vmdir/rootfs
img=$vmdir/initrd.cpio.gz

# is_static FILE: an ELF executable with no program interpreter.
is_static() {
	[ -f "$1" ] && [ -x "$1" ] &&
		[ "$(head -c 4 "$1" | od -An -c | tr -d ' ')" = '177ELF' ] &&
		! readelf -l "$1" 2>/dev/null | grep -q 'program interpreter'
}

rm -rf "$stage"
mkdir -p "$stage"/{bin,sbin,usr/bin,usr/sbin,proc,sys,dev,tmp,run,et/tools,et/guest,et/lib}
busybox=$(command -v busybox)
is_static "$busybox" || { echo "vm: $busybox is not static (install busybox-static)" >&2; exit 1; }
cp "$busybox" "$stage/bin/busybox"
for applet in $("$busybox" --list-full); do
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

if is_static "$root/build/epolltrace"; then
	cp "$root/build/epolltrace" "$stage/et/epolltrace"
else
	echo "vm: no static build/epolltrace; its guest tests will fail" >&2
fi
for f in "$root"/build/tools/*; do
	is_static "$f" && cp "$f" "$stage/et/tools/"
done

# Debug info is most of the binaries' size and the guest does not need it.
strip --strip-debug "$stage"/et/epolltrace "$stage"/et/tools/* 2>/dev/null || true

(cd "$stage" && find . -print | LC_ALL=C sort | cpio -o -H newc --owner=0:0 --quiet) |
	gzip -1 >"$img.tmp"
mv "$img.tmp" "$img"
echo "$img"
