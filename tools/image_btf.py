#!/usr/bin/env python3
"""Extract a kernel's BTF (its .BTF section) from its boot image.

usage: image_btf.py IMAGE OUT.btf

IMAGE is a kernel as Debian ships it in /boot: an arm64 Image (plain, as
Debian's arm64 vmlinuz is, or gzip-compressed) or a vmlinux ELF.  The
.BTF section is copied into the image as it is; it is found by its header
(magic 0xeB9F, version 1, a 24-byte header whose type section starts at 0
and whose string section follows it), and written out raw, as bpftool
reads it: `bpftool btf dump file OUT.btf format c` gives vmlinux.h.
Exits 1 when no such header is in the image.
"""
import gzip
import struct
import sys

MAGIC = b"\x9f\xeb\x01"  # 0xeB9F little-endian, then version 1


def find_btf(data):
    """The first plausible BTF blob: (offset, length), or None."""
    at = data.find(MAGIC)
    while at >= 0:
        if at + 24 <= len(data):
            hdr_len, type_off, type_len, str_off, str_len = struct.unpack_from("<IIIII", data, at + 4)
            size = hdr_len + str_off + str_len
            if (hdr_len == 24 and type_off == 0 and str_off == type_len and type_len > 0
                    and str_len > 0 and at + size <= len(data)
                    # the string section starts with the empty string
                    and data[at + hdr_len + str_off] == 0):
                return at, size
        at = data.find(MAGIC, at + 1)
    return None


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    data = open(sys.argv[1], "rb").read()
    if data[:2] == b"\x1f\x8b":
        data = gzip.decompress(data)
    found = find_btf(data)
    if not found:
        print(f"image_btf: no BTF in {sys.argv[1]}", file=sys.stderr)
        sys.exit(1)
    at, size = found
    with open(sys.argv[2], "wb") as f:
        f.write(data[at:at + size])


main()
