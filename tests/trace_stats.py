#!/usr/bin/env python3
"""Count what a JSON trace holds, as shell assignments for a test to eval.

usage: trace_stats.py TRACE.json [PID]
prints: adds=N (successful EPOLL_CTL_ADD), et_adds=N (those with EPOLLET),
deliveries=N (events returned by epoll_wait calls, summed), waits=N
(epoll_wait calls), warnings=N, lost=N (the lost record's count),
started=0|1 (the start record is there).
With PID, only records of that process are counted (lost and start are
global).
"""
import json
import sys


def main():
    if len(sys.argv) not in (2, 3):
        sys.exit(__doc__)
    pid = int(sys.argv[2]) if len(sys.argv) == 3 else None
    n = dict(adds=0, et_adds=0, deliveries=0, waits=0, warnings=0, lost=0, started=0)
    with open(sys.argv[1]) as f:
        for line in f:
            if not line.startswith("{"):
                continue
            r = json.loads(line)
            ev = r.get("event")
            if ev == "start":
                n["started"] = 1
            elif ev == "lost":
                n["lost"] += r.get("count", 0)
            if pid is not None and r.get("pid") != pid:
                continue
            if ev == "epoll_ctl" and r.get("op") == "ADD" and r.get("ret") == 0:
                n["adds"] += 1
                if "EPOLLET" in (r.get("events") or []):
                    n["et_adds"] += 1
            elif ev == "epoll_wait":
                n["waits"] += 1
                n["deliveries"] += len(r.get("ready") or [])
            elif ev == "warning":
                n["warnings"] += 1
    print(" ".join(f"{k}={v}" for k, v in n.items()))


main()
