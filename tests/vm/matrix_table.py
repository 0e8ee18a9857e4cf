#!/usr/bin/env python3
"""README's kernel x backend table, made from the last VM tier run.

usage: matrix_table.py [VMDIR]   (default build/vm)

Reads VMDIR/matrix.tsv (tests/vm/run: one line per kernel and guest test)
and the guest's records (VMDIR/records/KERNEL-ARCH/: guest.facts, the
start record of a trace per backend, the skip reasons) and prints a
Markdown table: per kernel and architecture, per backend, whether it
loaded, what it attached, and the tests passed, failed and skipped; then
the guest's time.  Paste it into README.md ("Kernels and architectures").
"""
import csv
import glob
import json
import os
import sys

BACKENDS = ("fentry", "kprobe", "tracepoint")


def facts(path):
    out = {}
    try:
        for line in open(path):
            k, eq, v = line.strip().partition("=")
            if eq:
                out[k] = v
    except OSError:
        pass
    return out


def start_records(recdir):
    """The start record of every trace of this guest."""
    for trace in sorted(glob.glob(os.path.join(recdir, "*", "*.json"))):
        try:
            with open(trace) as f:
                first = json.loads(f.readline())
        except (OSError, ValueError):
            continue
        if first.get("event") == "start":
            yield first


def start_record(recdir, backend):
    """The start record of a trace the backend made in this guest."""
    return next((s for s in start_records(recdir) if s.get("backend") == backend), None)


def readiness(start, backend):
    """Where the backend's readiness came from in this guest."""
    attach = start.get("attach", []) if start else []
    if backend in ("fentry", "kprobe"):
        return "ep_poll_callback"
    if "raw_tp:sk_data_ready" in attach:
        return "sk_data_ready + ready list"
    return "ready list only (no sock:sk_data_ready)"


def syscall_hooks(recdir):
    """The kinds of syscall hook the guest's traces used: "fentry 7,
    tracepoint 7" (fentry for commands where it loads, tracepoints for
    attaching)."""
    seen = {}
    for first in start_records(recdir):
        for a in first.get("attach", []):
            kind, _, rest = a.partition(":syscalls (")
            if rest and kind in ("fentry", "tracepoint"):
                seen.setdefault(kind, rest.split()[0])
    return ", ".join(f"{k} {seen[k]}" for k in ("fentry", "tracepoint") if k in seen)


def debian_version(fx):
    """"5.10.223" from uname -v's "... Debian 5.10.223-1 (2024-08-10)"."""
    words = fx.get("version", "").split()
    for i, w in enumerate(words[:-1]):
        if w == "Debian":
            return words[i + 1].split("-")[0]
    return ""


def main():
    vmdir = sys.argv[1] if len(sys.argv) > 1 else "build/vm"
    rows = list(csv.DictReader(open(os.path.join(vmdir, "matrix.tsv")), delimiter="\t"))
    kernels = []
    for r in rows:
        k = (r["kernel"], r["arch"])
        if k not in kernels:
            kernels.append(k)
    print("| kernel | arch | " + " | ".join(BACKENDS) + " | other tests | syscall hooks (syscalls) | guest |")
    print("|---|---|" + "---|" * len(BACKENDS) + "---|---|---:|")
    for name, arch in kernels:
        kid = f"{name}-{arch}"
        recdir = os.path.join(vmdir, "records", kid)
        fx = facts(os.path.join(recdir, "guest.facts"))
        version = debian_version(fx)
        kernel = f"{version or name} ({fx['release']})" if "release" in fx else name
        cells = []
        for b in BACKENDS + ("common",):
            mine = [r for r in rows if (r["kernel"], r["arch"]) == (name, arch) and r["backend"] == b]
            n = {res: sum(1 for r in mine if r["result"] == res) for res in ("PASS", "FAIL", "SKIP")}
            counts = f"{n['PASS']} passed" + (f", {n['FAIL']} failed" if n["FAIL"] else "")
            if n["SKIP"] and not (mine and n["SKIP"] == len(mine) and b != "common"):
                counts += f", {n['SKIP']} skipped"
            if b == "common":
                cells.append(counts)
            elif mine and n["SKIP"] == len(mine):
                why = mine[0]["note"].strip().split("does not load on this kernel: ", 1)[-1]
                cells.append(f"does not load: {why}")
            else:
                cells.append(f"{counts}; {readiness(start_record(recdir, b), b)}")
        took = ""
        try:
            took = open(os.path.join(vmdir, kid, "took")).read().strip() + " s"
        except OSError:
            pass
        print(f"| {kernel} | {arch} | " + " | ".join(cells) +
              f" | {syscall_hooks(recdir)} | {took} |")


main()
