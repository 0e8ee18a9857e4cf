#!/usr/bin/env python3
"""Normalise epolltrace's text output for an exact comparison.

usage: text_norm.py TRACE.txt PID > NORMALISED

The first line must be the header "epolltrace: tracing pid PID; readiness
backend B (...)" with a known backend; it is checked here and left out (it
names the machine's backend).  Of the other lines:
- "~~ ready" lines are left out: which readiness a backend sees, and where
  it lands among the calls, depend on the backend and on timing; for the
  same reason so is the count of callbacks a wait's item folds
  (", +N ready already queued");
- the leading timestamp is dropped and a trailing " <S.UUUUUU>" duration
  becomes " <DUR>": no one can know them beforehand;
- the list of a close's " (was in A, B)" is sorted by fd number: its order
  is the tracer's hash order, not a fact;
- everything else (pids, fd numbers, fd descriptions with their inode
  numbers and ports, flags, data, results) is kept as is.
Exits 1, saying why, when the header or a line's timestamp is malformed.
"""
import re
import sys

HEADER = re.compile(r"^epolltrace: tracing pids? ([0-9,]+); readiness backend "
                    r"(tracepoint|fentry|kprobe) \(.+\)$")
LINE = re.compile(r"^[0-9]+\.[0-9]{6} (\[[0-9]+(/[0-9]+)?\] .*)$")
DURATION = re.compile(r" <[0-9]+\.[0-9]{6}>$")
FOLDED = re.compile(r", \+[0-9]+ ready already queued\}")
WAS_IN = re.compile(r" \(was in ([^()]*)\)(;[^()]*)?$")


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    lines = open(sys.argv[1]).read().split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    if not lines:
        sys.exit("empty trace")
    m = HEADER.match(lines[0])
    if not m:
        sys.exit(f"line 1 is not the header: {lines[0]!r}")
    if sys.argv[2] not in m.group(1).split(","):
        sys.exit(f"header names pid {m.group(1)}, not {sys.argv[2]}")
    for n, line in enumerate(lines[1:], 2):
        m = LINE.match(line)
        if not m:
            # Not a call line (a warning, say): kept whole, so it shows in the diff.
            print(line)
            continue
        body = m.group(1)
        if re.match(r"^\[[0-9/]+\] ~~ ", body):
            continue
        body = DURATION.sub(" <DUR>", body)
        body = FOLDED.sub("}", body)
        w = WAS_IN.search(body)
        if w:
            sets = sorted(w.group(1).split(", "), key=lambda s: int(re.match(r"-?[0-9]+", s).group(0)))
            body = body[:w.start()] + " (was in " + ", ".join(sets) + ")" + (w.group(2) or "")
        print(body)


main()
