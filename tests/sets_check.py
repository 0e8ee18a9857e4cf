#!/usr/bin/env python3
"""Check epolltrace --sets output against what workloads say it must show.

usage: sets_check.py [--stuck-may-miss] SETS.json SETS.txt EXPECT...

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
--stuck-may-miss (the VM tier): an item expected stuck may be shown
unmarked (the look is a snapshot, and under emulation the program may be
between two waits of its loop then); a mark where none is expected, or
another mark, still fails.
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
    may_miss = "--stuck-may-miss" in sys.argv
    if may_miss:
        sys.argv.remove("--stuck-may-miss")
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
    n_items = n_missed = 0
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
            # --stuck-may-miss: each of the two looks (JSON, text) may
            # have caught the program between waits, apart.
            want_json = want_text = w
            if may_miss and v in ("stuck", "oneshot_stuck") and r is not None and "verdict" not in r:
                want_json = {k: x for k, x in w.items() if k not in ("thread", "verdict")}
                n_missed += 1
            lines = [l for l in sections.get((pid, key[0]), [])
                     if l.split() and l.split()[0] == str(key[1])]
            if (may_miss and v in ("stuck", "oneshot_stuck") and len(lines) == 1 and
                    not any(m in lines[0] for m in MARK.values()) and "STUCK" not in lines[0]):
                want_text = {k: x for k, x in w.items() if k not in ("thread", "verdict")}
                n_missed += 1
            v = want_json.get("verdict")
            if r is None:
                bad.append(f"{where}: JSON: no set_item record")
            elif r.get("verdict") != v or (v is None and "verdict" in r):
                bad.append(f"{where}: JSON: verdict {r.get('verdict')!r}, {v!r} expected: "
                           f"{json.dumps(r)[:300]}")
            elif want_json.get("thread") and f"thread {w['thread']} " not in r.get("verdict_text", ""):
                bad.append(f"{where}: JSON: verdict_text does not name thread {w['thread']}: "
                           f"{r.get('verdict_text')!r}")
            v = want_text.get("verdict")
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
            if want_text.get("thread") and f"thread {w['thread']} " not in line:
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
    missed = f" ({n_missed} look(s) showed an expected stuck item unmarked: --stuck-may-miss)" if n_missed else ""
    print(f"ok: --sets shows {n_items} registration(s) as expected, text and JSON{missed}")


if __name__ == "__main__":
    main()
