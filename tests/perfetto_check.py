#!/usr/bin/env python3
"""Checks a --perfetto file against the rules of the Trace Event Format
(the JSON the Perfetto UI and chrome://tracing open) and epolltrace's
layout of it.

usage: perfetto_check.py PICTURE.json [--ndjson TRACE.json]
                         [--warnings N] [--min-waits N] [--min-flows N]

The rules:
  - the file is one JSON object {"traceEvents": [...]} (displayTimeUnit,
    if there, "ms" or "ns");
  - every event has ph (one of X i s f M), name, integer pid and tid, a
    numeric ts (not M), X a dur >= 0, i a scope s of t, p or g, s and f
    an id, f "bp":"e";
  - per track (pid, tid) the X slices nest: none starts inside another
    and ends after it;
  - per track the instants come in time order (thread scope: per pid and
    tid; process scope: per pid; global: one track);
  - every flow end "f" has a flow start "s" before it in the file with
    the same id, name and cat, no later than it; each id starts once;
    the s lies on a ready instant (same track and ts) of an fd track,
    the f at or inside an epoll_wait slice of a thread track;
  - every pid has a process_name, every track with slices or instants a
    thread_name; fd tracks (tid >= 2^30) are named "epfd E fd F ..."
    and belong to one pid.
With --ndjson, the --json trace of the same run: as many epoll_wait
slices as epoll_wait records, ready instants as ready records,
delivered instants as delivered events mapped to an fd, warning
instants of the process as warning records.
Prints one line of counts; exits 1 with the problems found."""
import bisect
import json
import sys
from collections import defaultdict

FD_TID_BASE = 1 << 30
PHASES = {"X", "i", "s", "f", "M"}


def ns(v):
    """Microseconds (a JSON number) to integer nanoseconds."""
    return round(v * 1000)


def main(argv):
    args = argv[1:]
    if not args:
        print(__doc__)
        return 2
    path = args.pop(0)
    opts = {"--ndjson": None, "--warnings": None, "--min-waits": None, "--min-flows": None}
    while args:
        k = args.pop(0)
        if k not in opts or not args:
            print(f"perfetto_check: bad argument {k}")
            return 2
        opts[k] = args.pop(0)

    problems = []

    def bad(msg):
        if len(problems) < 40:
            problems.append(msg)
        elif len(problems) == 40:
            problems.append("... (more)")

    try:
        with open(path, "rb") as f:
            doc = json.loads(f.read().decode("utf-8"))
    except (OSError, ValueError) as e:
        print(f"FAIL: {path} is not JSON: {e}")
        return 1
    if not isinstance(doc, dict) or not isinstance(doc.get("traceEvents"), list):
        print(f"FAIL: {path} is not an object with a traceEvents list")
        return 1
    if doc.get("displayTimeUnit", "ms") not in ("ms", "ns"):
        bad(f"displayTimeUnit {doc.get('displayTimeUnit')!r}")
    events = doc["traceEvents"]

    slices = defaultdict(list)          # (pid, tid) -> [(start, end, cat, index)]
    last_instant = {}                   # track key -> ts
    instants_at = defaultdict(set)      # (pid, tid) -> {(ts, name)}
    process_names, thread_names = {}, {}
    used_tracks, used_pids = set(), set()
    fd_track_pid = {}
    flow_starts = {}                    # id -> (index, ts, name, cat, pid, tid)
    flow_ends = []                      # (index, id, ts, name, cat, pid, tid)
    count = defaultdict(int)

    for i, e in enumerate(events):
        where = f"event {i}"
        if not isinstance(e, dict):
            bad(f"{where}: not an object")
            continue
        ph = e.get("ph")
        if ph not in PHASES:
            bad(f"{where}: ph {ph!r}")
            continue
        if not isinstance(e.get("name"), str) or not e["name"]:
            bad(f"{where}: no name")
        pid, tid = e.get("pid"), e.get("tid")
        if type(pid) is not int or type(tid) is not int or pid < 0 or tid < 0:
            bad(f"{where}: pid/tid {pid!r}/{tid!r}")
            continue
        where = f"event {i} ({ph} {e.get('name')} {pid}/{tid})"
        if tid >= FD_TID_BASE:
            if fd_track_pid.setdefault(tid, pid) != pid:
                bad(f"{where}: fd track {tid} in two processes")
        if ph == "M":
            name = (e.get("args") or {}).get("name")
            if not isinstance(name, str) or not name:
                bad(f"{where}: metadata without args.name")
            elif e["name"] == "process_name":
                process_names[pid] = name
            elif e["name"] == "thread_name":
                thread_names[(pid, tid)] = name
            else:
                bad(f"{where}: unknown metadata")
            continue
        ts = e.get("ts")
        if type(ts) not in (int, float) or ts < 0:
            bad(f"{where}: ts {ts!r}")
            continue
        t = ns(ts)
        if "args" in e and not isinstance(e["args"], dict):
            bad(f"{where}: args is not an object")
        count[ph] += 1
        if ph == "X":
            dur = e.get("dur")
            if type(dur) not in (int, float) or dur < 0:
                bad(f"{where}: dur {dur!r}")
                continue
            slices[(pid, tid)].append((t, t + ns(dur), e.get("cat"), i))
            used_tracks.add((pid, tid))
            used_pids.add(pid)
            count["X:" + str(e.get("cat"))] += 1
        elif ph == "i":
            scope = e.get("s", "t")
            if scope not in ("t", "p", "g"):
                bad(f"{where}: scope {scope!r}")
                continue
            key = {"t": ("t", pid, tid), "p": ("p", pid), "g": ("g",)}[scope]
            if t < last_instant.get(key, t):
                bad(f"{where}: instant at {ts} after one at {last_instant[key] / 1000} on its track")
            last_instant[key] = max(t, last_instant.get(key, t))
            if scope == "t":
                instants_at[(pid, tid)].add((t, e["name"]))
                used_tracks.add((pid, tid))
            if scope != "g":
                used_pids.add(pid)
            count["i:" + e["name"].split(" ")[0]] += 1
            if scope == "p" and e["name"].startswith("WARNING "):
                count["warnings"] += 1
        elif ph in ("s", "f"):
            fid = e.get("id")
            if type(fid) not in (int, str):
                bad(f"{where}: flow without an id")
                continue
            if ph == "s":
                if fid in flow_starts:
                    bad(f"{where}: flow {fid} starts twice")
                flow_starts[fid] = (i, t, e["name"], e.get("cat"), pid, tid)
            else:
                if e.get("bp") != "e":
                    bad(f"{where}: flow end not bound to its enclosing slice (bp)")
                flow_ends.append((i, fid, t, e["name"], e.get("cat"), pid, tid))

    # Slices nest, per track.
    for track, lst in slices.items():
        lst.sort(key=lambda s: (s[0], -s[1]))
        stack = []
        for start, end, cat, i in lst:
            while stack and stack[-1][1] <= start:
                stack.pop()
            if stack and end > stack[-1][1]:
                bad(f"track {track}: slice (event {i}) [{start / 1000}, {end / 1000}] overlaps "
                    f"(event {stack[-1][2]}) [{stack[-1][0] / 1000}, {stack[-1][1] / 1000}] partly")
            stack.append((start, end, i))

    # Flows: started before, bound to a ready instant and a wait slice.
    # A thread's waits do not overlap: the last one starting at or before
    # t is the only one that may hold t.
    waits = {k: sorted((s, e) for s, e, cat, _ in v if cat == "epoll_wait") for k, v in slices.items()}
    wait_starts = {k: [s for s, _ in v] for k, v in waits.items()}

    def in_wait(track, t):
        at = bisect.bisect_right(wait_starts.get(track, []), t) - 1
        return at >= 0 and waits[track][at][0] <= t <= waits[track][at][1]

    for i, fid, t, name, cat, pid, tid in flow_ends:
        st = flow_starts.get(fid)
        if not st or st[0] > i:
            bad(f"event {i}: flow end {fid} has no start before it")
            continue
        si, sts, sname, scat, spid, stid = st
        if (sname, scat) != (name, cat):
            bad(f"event {i}: flow {fid} starts as {sname}/{scat}, ends as {name}/{cat}")
        if sts > t:
            bad(f"event {i}: flow {fid} ends at {t / 1000}, before its start at {sts / 1000}")
        if spid != pid:
            bad(f"event {i}: flow {fid} goes from process {spid} to {pid}")
        if stid < FD_TID_BASE or (sts, "ready") not in instants_at[(spid, stid)]:
            bad(f"event {si}: flow {fid} does not start on a ready instant of an fd track")
        if tid >= FD_TID_BASE or not in_wait((pid, tid), t):
            bad(f"event {i}: flow {fid} does not end at or inside an epoll_wait slice of a thread")
    count["flows"] = len(flow_ends)

    # Names.
    for pid in sorted(used_pids):
        if pid not in process_names:
            bad(f"process {pid} has no process_name")
    for track in sorted(used_tracks):
        name = thread_names.get(track)
        if not name:
            bad(f"track {track} has no thread_name")
        elif track[1] >= FD_TID_BASE and not name.startswith("epfd "):
            bad(f"fd track {track} is named {name!r}")

    # The --json trace of the same run.
    if opts["--ndjson"]:
        rec = defaultdict(int)
        with open(opts["--ndjson"]) as f:
            for line in f:
                r = json.loads(line)
                ev = r.get("event")
                rec[ev] += 1
                if ev == "epoll_wait":
                    rec["delivered"] += sum(1 for d in r.get("ready", []) if d.get("fd") is not None)
        for what, have, want in (("epoll_wait slices", count["X:epoll_wait"], rec["epoll_wait"]),
                                 ("ready instants", count["i:ready"], rec["ready"]),
                                 ("delivered instants", count["i:delivered"], rec["delivered"]),
                                 ("warning instants", count["warnings"], rec["warning"])):
            if have != want:
                bad(f"{have} {what}, but the JSON trace of the run has {want}")
    if opts["--warnings"] is not None and count["warnings"] != int(opts["--warnings"]):
        bad(f"{count['warnings']} warnings, expected {opts['--warnings']}")
    if opts["--min-waits"] is not None and count["X:epoll_wait"] < int(opts["--min-waits"]):
        bad(f"only {count['X:epoll_wait']} epoll_wait slices, expected {opts['--min-waits']} at least")
    if opts["--min-flows"] is not None and count["flows"] < int(opts["--min-flows"]):
        bad(f"only {count['flows']} flows, expected {opts['--min-flows']} at least")

    print(f"events={len(events)} waits={count['X:epoll_wait']} ctls={count['X:epoll_ctl']} "
          f"ready={count['i:ready']} delivered={count['i:delivered']} flows={count['flows']} "
          f"warnings={count['warnings']} fd_tracks={len(fd_track_pid)} processes={len(process_names)}")
    if problems:
        for p in problems:
            print("FAIL: " + p)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
