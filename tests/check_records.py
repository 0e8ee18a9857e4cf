#!/usr/bin/env python3
"""Check the shape of an epolltrace --json trace.

usage: check_records.py TRACE.json [--pids PID,...] [--no-loss]

- every line is one JSON object with ts (number), pid, tid (int), comm
  (string) and event (string);
- the first record is {"event":"start"} with a known backend, a non-empty
  "attach" list and "pids" (holding the --pids given, if any);
- per thread, the calls (epoll_create, epoll_ctl, epoll_wait, close) come
  in order and do not overlap: a call's ts (its entry) is not before the
  previous call's ts + duration_us (but for a wait entered before the
  attach, "before_attach", whose entry may precede the trace).  Other records are stamped when they
  happen: a warning found while the thread sleeps in epoll_wait comes
  before that wait's record and after its entry;
- a "lost" record, if any, has an integer count (0 with --no-loss) and
  comes after every call record; with nothing lost, no record says it is
  "incomplete" (a part of its results lost);
- call records have the keys and types of the JSON scheme (man page):
  duration_us, data as unpadded lowercase hex, "error" exactly when ret < 0,
  a "ready" list as long as ret (an epoll_wait's ret is null when a signal
  killed the thread as it returned).
"""
import json
import re
import sys

BACKENDS = ("tracepoint", "fentry", "kprobe")
HEX = re.compile(r"^0x(0|[1-9a-f][0-9a-f]*)$")
INT, NUM, STR, BOOL, LIST = int, (int, float), str, bool, list


def typed(v, t):
    if t is INT or t is NUM:
        return isinstance(v, t) and not isinstance(v, bool)
    return isinstance(v, t)


def flags_ok(v):
    return isinstance(v, list) and all(isinstance(f, str) and (f.startswith("EPOLL") or HEX.match(f)) for f in v)


def scheme(r):
    """What is wrong with a call record's keys, as a list of strings."""
    ev, bad = r.get("event"), []
    need = {"epoll_create": {"syscall": STR, "flags": LIST, "ret": INT, "duration_us": NUM},
            "epoll_ctl": {"epfd": INT, "fd": INT, "ret": INT, "duration_us": NUM},
            "epoll_wait": {"syscall": STR, "epfd": INT, "maxevents": INT, "timeout_ms": INT,
                           "ret": INT, "duration_us": NUM},
            "close": {"fd": INT, "ret": INT, "epfds": LIST, "is_epoll": BOOL}}.get(ev)
    if need is None:
        return bad
    for k, t in need.items():
        if not typed(r.get(k), t):
            bad.append(f"{k} missing or not {getattr(t, '__name__', 'a number')}")
    ret = r.get("ret")
    if ev == "epoll_wait" and "ret" in r and ret is None:
        bad = [b for b in bad if not b.startswith("ret ")]	# killed: it never returned
    if typed(ret, INT) and (ret < 0) != ("error" in r):
        bad.append("error given when ret >= 0 or missing when ret < 0")
    if "error" in r and not re.match(r"^E[A-Z0-9]+$", str(r["error"])):
        bad.append(f"error {r['error']!r} is not an errno name")
    if typed(r.get("duration_us"), NUM) and r["duration_us"] < 0:
        bad.append("negative duration_us")
    if ev == "epoll_create":
        if r.get("syscall") not in ("epoll_create", "epoll_create1"):
            bad.append(f"syscall {r.get('syscall')!r}")
        if r.get("syscall") == "epoll_create" and not typed(r.get("size"), INT):
            bad.append("epoll_create without size")
    if ev == "epoll_ctl":
        if r.get("op") not in ("ADD", "MOD", "DEL") and not typed(r.get("op"), INT):
            bad.append(f"op {r.get('op')!r}")
        if (r.get("events") is None) != (r.get("data") is None):
            bad.append("events and data not both null or both set")
        if r.get("events") is not None and not flags_ok(r["events"]):
            bad.append(f"events {r['events']!r}")
        if r.get("data") is not None and not HEX.match(str(r["data"])):
            bad.append(f"data {r['data']!r} is not unpadded lowercase hex")
    if ev == "epoll_wait":
        if r.get("syscall") not in ("epoll_wait", "epoll_pwait", "epoll_pwait2"):
            bad.append(f"syscall {r.get('syscall')!r}")
        if typed(ret, INT) and ret >= 0:
            ready = r.get("ready")
            if not isinstance(ready, list) or len(ready) != ret:
                bad.append(f"ready is not a list of ret={ret} items")
            else:
                for item in ready:
                    if not (isinstance(item, dict) and (item.get("fd") is None or typed(item.get("fd"), INT))
                            and "fd" in item and flags_ok(item.get("events"))
                            and HEX.match(str(item.get("data")))):
                        bad.append(f"ready item {item!r}")
    if ev == "close" and not all(typed(e, INT) for e in r.get("epfds") or []):
        bad.append("epfds not a list of ints")
    return bad


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
    CALLS = ("epoll_create", "epoll_ctl", "epoll_wait", "close")
    last_call = {}  # tid -> (line, ts, end)
    for n, r in recs:
        tid, ts = r.get("tid"), r.get("ts")
        if r.get("event") not in CALLS or not typed(ts, NUM):
            continue
        dur = r.get("duration_us") if typed(r.get("duration_us"), NUM) else 0
        if tid in last_call:
            pn, pts, pend = last_call[tid]
            # ts has 1 us of precision, duration_us 1 ns: 2 us of slack.
            if ts < pts:
                errors.append(f"line {n}: call at ts {ts} before the previous call of tid {tid} (line {pn}, ts {pts})")
            elif ts < pend - 2e-6:
                errors.append(f"line {n}: call at ts {ts} while the previous call of tid {tid} "
                              f"(line {pn}) ran until {pend:.6f}")
        # A wait entered before the attach may have begun before the
        # trace (its ts is then 0): its end is not ts + duration.
        if r.get("before_attach"):
            last_call.pop(tid, None)
            continue
        last_call[tid] = (n, ts, ts + dur / 1e6)
    for n, r in recs:
        for b in scheme(r):
            errors.append(f"line {n} ({r.get('event')}): {b}")
    # A wait is incomplete only when a part of it was lost: with nothing
    # lost, none may say so.
    lost_total = sum(r.get("count", 0) for _, r in recs if r.get("event") == "lost")
    if lost_total == 0:
        for n, r in recs:
            if r.get("incomplete"):
                errors.append(f"line {n}: an incomplete {r.get('event')} although nothing was lost")
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
