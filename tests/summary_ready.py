#!/usr/bin/env python3
"""-c counts the readiness the stream shows.

usage: summary_ready.py STREAM.json SUMMARY.json NAME [FACTS]

STREAM.json and SUMMARY.json are traces (--json, and -c --json) of two
runs of one deterministic workload, NAME.  `ready` per (set, fd) in the
summary must equal the number of ready records per (set, fd) in the
stream.  FACTS, the workload's NAME=N lines (tools/hostile levels: epfd,
pipe, eventfd), adds what must have been counted: the pipe 3 times, the
eventfd once.  Prints a line per (set, fd).
"""
import collections
import json
import re
import sys


def main():
    if len(sys.argv) not in (4, 5):
        sys.exit(__doc__)
    stream = [json.loads(line) for line in open(sys.argv[1])]
    summary = [json.loads(line) for line in open(sys.argv[2])]
    name = sys.argv[3]
    backend = stream[0].get("backend")
    seen = collections.Counter((r["epfd"], r["fd"]) for r in stream if r["event"] == "ready")
    counted = {(s["epfd"], f["fd"]): f["ready"]
               for s in summary if s["event"] == "summary" for f in s["fds"]}
    errors = []
    if [r for r in stream + summary if r["event"] == "lost" and r["count"]]:
        errors.append("records were lost")
    keys = sorted(set(seen) | {k for k, v in counted.items() if v})
    for epfd, fd in keys:
        s, c = seen.get((epfd, fd), 0), counted.get((epfd, fd), 0)
        print(f"{name} ({backend}): epoll {epfd} fd {fd}: {s} ready records streaming, "
              f"ready={c} with -c" + ("" if s == c else "   <-- differs"))
        if s != c:
            errors.append(f"epoll {epfd} fd {fd}: {s} streaming, {c} with -c")
    if not keys:
        errors.append("no readiness at all")
    if len(sys.argv) == 5:
        facts = {k: int(v) for k, v in re.findall(r"^(\w+)=(\d+)$", open(sys.argv[4]).read(), re.M)}
        want = {(facts["epfd"], facts["pipe"]): 3, (facts["epfd"], facts["eventfd"]): 1}
        got = {k: seen.get(k, 0) for k in set(seen) | set(want)}
        if got != want:
            errors.append(f"wanted {want} ready records per (set, fd), got {got}")
    if errors:
        sys.exit(f"FAIL: {name}: " + "; ".join(errors))


if __name__ == "__main__":
    main()
