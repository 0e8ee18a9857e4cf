#!/usr/bin/env python3
"""Check epolltrace --sets output against what workloads say it must show.

usage: sets_check.py SETS.json SETS.txt EXPECT...

SETS.json and SETS.txt are the output of `epolltrace --sets --json -p PIDS`
and `epolltrace --sets -p PIDS`, taken while the workloads were held at
their attach point.  Each EXPECT is a workload's stdout; its lines
"# sets {...}" name one registration each (tools/scenario.h):
  {"pid": P, "event": "set_item", "epfd": E, "fd": F, "verdict": V,
   "thread": T}
V is what --sets must mark the item with ("stuck", "oneshot_stuck",
"held_back") or null for nothing; T, for a stuck item, the thread it
must name as blocked in epoll_wait.  For each pid:
  - JSON: exactly the registrations listed, each a set_item record with
    that "verdict" (and no "verdict" key for null), a stuck one's
    "verdict_text" naming thread T;
  - text: under "epoll E<epoll> of pid P:" one line per registration,
    starting with its fd; "STUCK: " on a stuck item's line and no other
    ("STUCK: ONESHOT fired" for oneshot_stuck), naming thread T;
    "(held back: " on a held_back one.
Prints "ok: ..." or each difference; exits 1 on any.
"""
import json
import re
import sys

MARK = {"stuck": "STUCK: edge-triggered", "oneshot_stuck": "STUCK: ONESHOT fired",
        "held_back": "(held back: "}


def expectations(path):
    out = []
    with open(path) as f:
        for line in f:
            if line.startswith("# sets "):
                out.append(json.loads(line[len("# sets "):]))
    return out


def text_sections(path):
    """{(pid, epfd): [item lines]} of a text --sets output."""
    sections, cur = {}, None
    head = re.compile(r"^epoll (\d+)<epoll> of pid (\d+):$")
    with open(path) as f:
        for line in f:
            line = line.rstrip("\n")
            m = head.match(line)
            if m:
                cur = (int(m.group(2)), int(m.group(1)))
                sections[cur] = []
            elif line.startswith("  ") and cur:
                sections[cur].append(line)
            else:
                cur = None
    return sections


def main():
    if len(sys.argv) < 4:
        sys.exit(__doc__)
    recs = []
    with open(sys.argv[1]) as f:
        for n, line in enumerate(f, 1):
            if line.strip():
                try:
                    recs.append(json.loads(line))
                except ValueError as e:
                    sys.exit(f"{sys.argv[1]}:{n}: not JSON ({e})")
    sections = text_sections(sys.argv[2])
    bad = []
    n_items = 0
    for exp_path in sys.argv[3:]:
        want = expectations(exp_path)
        if not want:
            bad.append(f"{exp_path}: the workload printed no '# sets' line")
            continue
        pid = want[0]["pid"]
        got = {(r.get("epfd"), r.get("fd")): r for r in recs
               if r.get("event") == "set_item" and r.get("pid") == pid}
        listed = {(w["epfd"], w["fd"]) for w in want}
        for key in sorted(set(got) - listed):
            bad.append(f"pid {pid}: JSON: set_item epfd {key[0]} fd {key[1]} is no registration "
                       f"of the workload: {json.dumps(got[key])[:200]}")
        for w in want:
            key, v = (w["epfd"], w["fd"]), w.get("verdict")
            n_items += 1
            r = got.get(key)
            where = f"pid {pid} epfd {key[0]} fd {key[1]}"
            if r is None:
                bad.append(f"{where}: JSON: no set_item record")
            elif r.get("verdict") != v or (v is None and "verdict" in r):
                bad.append(f"{where}: JSON: verdict {r.get('verdict')!r}, {v!r} expected: "
                           f"{json.dumps(r)[:300]}")
            elif w.get("thread") and f"thread {w['thread']} " not in r.get("verdict_text", ""):
                bad.append(f"{where}: JSON: verdict_text does not name thread {w['thread']}: "
                           f"{r.get('verdict_text')!r}")
            lines = [l for l in sections.get((pid, key[0]), [])
                     if l.split() and l.split()[0] == str(key[1])]
            if len(lines) != 1:
                bad.append(f"{where}: text: {len(lines)} lines for the item, 1 expected")
                continue
            line = lines[0]
            for kind, mark in MARK.items():
                if (mark in line) != (v == kind):
                    bad.append(f"{where}: text: {'no ' if v == kind else ''}'{mark}' on its line, "
                               f"verdict {v!r} expected: {line.strip()[:300]}")
            if "STUCK" in line and v not in ("stuck", "oneshot_stuck"):
                bad.append(f"{where}: text: STUCK on a line that must not say it: {line.strip()[:300]}")
            if w.get("thread") and f"thread {w['thread']} " not in line:
                bad.append(f"{where}: text: the line does not name thread {w['thread']}: "
                           f"{line.strip()[:300]}")
        for (spid, epfd), lines in sections.items():
            if spid != pid:
                continue
            for l in lines:
                if (epfd, int(l.split()[0])) not in listed:
                    bad.append(f"pid {pid}: text: an item that is no registration of the workload: "
                               f"{l.strip()[:200]}")
    for b in bad:
        print(b)
    if bad:
        sys.exit(1)
    print(f"ok: --sets shows {n_items} registration(s) as expected, text and JSON")


if __name__ == "__main__":
    main()
