#!/usr/bin/env python3
"""Check the shape of an epolltrace --json trace.

usage: check_records.py TRACE.json [--pids PID,...] [--no-loss]

- every line is one JSON object with ts (number), pid, tid (int), comm
  (string) and event (string);
- the first record is {"event":"start"} with a known backend, a non-empty
  "attach" list and "pids" (holding the --pids given, if any);
- per thread, ts never goes backwards;
- a "lost" record, if any, has an integer count (0 with --no-loss) and
  comes after every call record.
"""
import json
import sys

BACKENDS = ("tracepoint", "fentry", "kprobe")


def main():
    args = sys.argv[1:]
    if not args:
        sys.exit(__doc__)
    path, pids, no_loss = args[0], [], "--no-loss" in args
    if "--pids" in args:
        pids = [int(p) for p in args[args.index("--pids") + 1].split(",")]
    errors = []
    recs = []
    with open(path) as f:
        for n, line in enumerate(f, 1):
            if not line.strip():
                continue
            try:
                r = json.loads(line)
            except ValueError as e:
                errors.append(f"line {n}: not JSON ({e}): {line[:120]!r}")
                continue
            if not isinstance(r, dict):
                errors.append(f"line {n}: not an object")
                continue
            for key, types in (("ts", (int, float)), ("pid", int), ("tid", int),
                               ("comm", str), ("event", str)):
                if not isinstance(r.get(key), types) or isinstance(r.get(key), bool):
                    errors.append(f"line {n}: {key} missing or of the wrong type: {line.strip()[:160]}")
            recs.append((n, r))
    if not recs:
        errors.append("empty trace")
    else:
        n, first = recs[0]
        if first.get("event") != "start":
            errors.append(f"first record is not the start record: {first}")
        else:
            if first.get("backend") not in BACKENDS:
                errors.append(f"start: unknown backend {first.get('backend')!r}")
            if not isinstance(first.get("attach"), list) or not first["attach"]:
                errors.append("start: no attach list")
            if not isinstance(first.get("pids"), list):
                errors.append("start: no pids list")
            elif any(p not in first["pids"] for p in pids):
                errors.append(f"start: pids {first['pids']} do not hold {pids}")
    last_ts = {}
    for n, r in recs:
        tid, ts = r.get("tid"), r.get("ts")
        if isinstance(ts, (int, float)) and tid in last_ts and ts < last_ts[tid]:
            errors.append(f"line {n}: ts {ts} before the previous record of tid {tid} ({last_ts[tid]})")
        last_ts[tid] = ts
    calls = [n for n, r in recs if r.get("event") in ("epoll_create", "epoll_ctl", "epoll_wait", "close")]
    for n, r in recs:
        if r.get("event") != "lost":
            continue
        if not isinstance(r.get("count"), int):
            errors.append(f"line {n}: lost without an integer count")
        elif no_loss and r["count"] != 0:
            errors.append(f"line {n}: {r['count']} records lost")
        if calls and n < calls[-1]:
            errors.append(f"line {n}: lost record before the end of the calls")
    for e in errors[:10]:
        print(e)
    if errors:
        sys.exit(1)
    print(f"ok: {len(recs)} records well formed")


main()
