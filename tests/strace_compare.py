#!/usr/bin/env python3
"""Compare epolltrace's JSON trace with strace's view of another run of the
same workload.

usage: strace_compare.py STRACE.out TRACE.json

STRACE.out comes from `strace -f -o FILE -e trace=epoll_create,epoll_create1,
epoll_ctl,epoll_wait,epoll_pwait,epoll_pwait2 -- WORKLOAD`.  Both runs are
reduced, per process, to the sequence of epoll calls with their decoded
arguments (op, fds, events mask, data, maxevents, timeout), return value,
errno and returned events.  Processes are paired by order of first
appearance (pids differ between the runs).  Any difference fails.
"""
import json
import re
import sys
from collections import OrderedDict

CALLS = ("epoll_create", "epoll_create1", "epoll_ctl", "epoll_wait", "epoll_pwait", "epoll_pwait2")
LINE = re.compile(r"^(\d+)\s+(.*)$")
CALL = re.compile(r"^(\w+)\((.*)\)\s+=\s+(-?\d+|\?)(?:\s+(E[A-Z0-9]+))?")


def split_args(s):
    """Split at the commas that are not inside (), [] or {}."""
    out, depth, cur = [], 0, ""
    for ch in s:
        if ch in "([{":
            depth += 1
        elif ch in ")]}":
            depth -= 1
        if ch == "," and depth == 0:
            out.append(cur.strip())
            cur = ""
        else:
            cur += ch
    if cur.strip():
        out.append(cur.strip())
    return out


def st_flags(s):
    s = s.strip()
    if s == "0":
        return frozenset()
    return frozenset(hex(int(f, 16)) if f.startswith("0x") else f for f in s.split("|"))


def st_event(s):
    """{events=EPOLLIN|EPOLLET, data={u32=.., u64=N}} -> (events, data)."""
    m = re.match(r"\{events=([^,]*), data=(.*)\}$", s)
    if not m:
        return None
    d = m.group(2)
    u64 = re.search(r"u64=(\d+)", d)
    data = int(u64.group(1)) if u64 else int(d, 0)
    return (st_flags(m.group(1)), data)


def st_events_array(s):
    if not s.startswith("["):
        return None		# a pointer: the call failed
    inner = s[1:-1].strip()
    return tuple(st_event(e) for e in split_args(inner)) if inner else ()


def st_timeout(s):
    if s == "NULL":
        return -1
    m = re.match(r"\{tv_sec=(\d+), tv_nsec=(\d+)\}", s)
    if m:
        return int(m.group(1)) * 1000 + int(m.group(2)) // 1000000
    return None		# unreadable pointer


def st_op(s):
    for name in ("ADD", "MOD", "DEL"):
        if s == "EPOLL_CTL_" + name:
            return name
    return int(s.split()[0], 0)


def from_strace(path):
    procs = OrderedDict()
    pending = {}
    with open(path) as f:
        for raw in f:
            m = LINE.match(raw.rstrip("\n"))
            if not m:
                continue
            pid, text = int(m.group(1)), m.group(2)
            if text.endswith("<unfinished ...>"):
                pending[pid] = text[: -len("<unfinished ...>")].rstrip()
                continue
            r = re.match(r"^<\.\.\. \w+ resumed>\s?(.*)$", text)
            if r:
                text = pending.pop(pid, "") + r.group(1)
            c = CALL.match(text)
            if not c or c.group(1) not in CALLS:
                continue
            name, args, ret, err = c.group(1), split_args(c.group(2)), c.group(3), c.group(4)
            ret = int(ret) if ret != "?" else None
            if ret is not None and ret < 0:
                ret = -1
            procs.setdefault(pid, []).append(st_call(name, args, ret, err))
    return list(procs.values())


def st_call(name, a, ret, err):
    if name == "epoll_create":
        return (name, int(a[0]), ret, err)
    if name == "epoll_create1":
        return (name, st_flags(a[0]), ret, err)
    if name == "epoll_ctl":
        ev = st_event(a[3]) if a[3] != "NULL" else None
        return (name, int(a[0]), st_op(a[1]), int(a[2]), ev, ret, err)
    timeout = int(a[3]) if name != "epoll_pwait2" else st_timeout(a[3])
    ready = st_events_array(a[1]) if ret is not None and ret >= 0 else None
    return (name, int(a[0]), int(a[2]), timeout, ready, ret, err)


def js_call(r):
    ret, err = r.get("ret"), r.get("error")
    if ret is not None and ret < 0:
        ret = -1
    ev = r["event"]
    if ev == "epoll_create":
        if r["syscall"] == "epoll_create":
            return ("epoll_create", r.get("size"), ret, err)
        return ("epoll_create1", frozenset(r.get("flags") or ()), ret, err)
    if ev == "epoll_ctl":
        e = None
        if r.get("events") is not None:
            e = (frozenset(hex(int(x, 16)) if x.startswith("0x") else x for x in r["events"]),
                 int(r["data"], 16))
        return ("epoll_ctl", r["epfd"], r["op"], r["fd"], e, ret, err)
    ready = None
    if ret is not None and ret >= 0:
        ready = tuple((frozenset(i["events"]), int(i["data"], 16)) for i in r.get("ready", []))
    timeout = r.get("timeout_ms")
    return (r["syscall"], r["epfd"], r["maxevents"], timeout, ready, ret, err)


def from_json(path):
    procs = OrderedDict()
    with open(path) as f:
        for line in f:
            line = line.strip()
            if not line.startswith("{"):
                continue
            r = json.loads(line)
            if r.get("event") not in ("epoll_create", "epoll_ctl", "epoll_wait"):
                continue
            procs.setdefault(r["tid"], []).append(js_call(r))
    return list(procs.values())


def show(call):
    return repr(tuple(sorted(x) if isinstance(x, frozenset) else x for x in call))


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    st, et = from_strace(sys.argv[1]), from_json(sys.argv[2])
    bad = 0
    if len(st) != len(et):
        print(f"strace saw {len(st)} threads/processes calling epoll, epolltrace {len(et)}")
        bad += 1
    for n, (a, b) in enumerate(zip(st, et)):
        for i in range(max(len(a), len(b))):
            x = a[i] if i < len(a) else None
            y = b[i] if i < len(b) else None
            # epoll_pwait2 with an unreadable timeout pointer: strace shows
            # the address, epolltrace whatever it chose; do not compare it.
            if x and y and x[0] == "epoll_pwait2" and x[3] is None:
                y = y[:3] + (None,) + y[4:]
            if x != y:
                bad += 1
                print(f"process #{n} call #{i}:\n  strace:     {show(x) if x else '(none)'}\n"
                      f"  epolltrace: {show(y) if y else '(none)'}")
                break
    if bad:
        sys.exit(1)
    print(f"ok: {sum(map(len, st))} calls in {len(st)} processes agree with strace")


main()
