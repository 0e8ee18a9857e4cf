#!/usr/bin/env python3
"""Check a JSON trace against a workload's expectations.

usage: expect.py TRACE.json EXPECT.ndjson [--exact EVENT ...]

Each expected record must appear in the trace after the previous expected
record of the same thread, with equal values for every key it names:
- an object matches when each key it names matches (other keys are free);
- a list of objects matches element by element, in order;
- a list of plain values (flag names, epoll fds) matches as a multiset,
  since the order of a set's members is presentation;
- {"$ge": N} (also $gt, $le, $lt) matches a number in that range.
An expected record without "tid" may come from any thread of its pid.
--exact EVENT: for each expected pid, the trace holds exactly as many
records of that event type as the expectations list.
"""
import json
import operator
import sys

COMPARE = {"$ge": operator.ge, "$gt": operator.gt, "$le": operator.le, "$lt": operator.lt}


def load(path):
    out = []
    with open(path) as f:
        for n, line in enumerate(f, 1):
            line = line.strip()
            if not line or not line.startswith("{"):
                continue
            try:
                out.append(json.loads(line))
            except ValueError as e:
                sys.exit(f"{path}:{n}: bad JSON: {e}: {line[:200]}")
    return out


def is_number(v):
    return isinstance(v, (int, float)) and not isinstance(v, bool)


def matches(want, got):
    if isinstance(want, dict) and want and all(k in COMPARE for k in want):
        return is_number(got) and all(COMPARE[k](got, v) for k, v in want.items())
    if isinstance(want, dict):
        return isinstance(got, dict) and all(
            k in got and matches(v, got[k]) for k, v in want.items())
    if isinstance(want, list):
        if not isinstance(got, list) or len(want) != len(got):
            return False
        if any(isinstance(w, (dict, list)) for w in want):
            return all(matches(w, g) for w, g in zip(want, got))
        key = lambda v: json.dumps(v, sort_keys=True)
        return sorted(map(key, want)) == sorted(map(key, got))
    if is_number(want) and is_number(got):
        return want == got
    return type(want) is type(got) and want == got


def same_thread(want, rec):
    if rec.get("pid") != want.get("pid"):
        return False
    return "tid" not in want or rec.get("tid") == want["tid"]


def main():
    args = sys.argv[1:]
    exact = []
    if "--exact" in args:
        i = args.index("--exact")
        exact = args[i + 1:]
        args = args[:i]
    if len(args) != 2:
        sys.exit(__doc__)
    trace, expected = load(args[0]), load(args[1])
    if not expected:
        sys.exit("no expectations: the workload printed nothing")
    pos = {}
    bad = 0
    for want in expected:
        thread = (want.get("pid"), want.get("tid"))
        start = pos.get(thread, 0)
        for i in range(start, len(trace)):
            if same_thread(want, trace[i]) and matches(want, trace[i]):
                pos[thread] = i + 1
                break
        else:
            bad += 1
            print("missing:", json.dumps(want))
            near = [r for r in trace[start:] if r.get("event") == want.get("event")
                    and same_thread(want, r)][:3]
            for r in near:
                print("   near:", json.dumps(r))
            if bad >= 5:
                break
    pids = sorted({w.get("pid") for w in expected})
    for ev in exact:
        for pid in pids:
            n_want = sum(1 for w in expected if w.get("event") == ev and w.get("pid") == pid)
            got = [r for r in trace if r.get("event") == ev and r.get("pid") == pid]
            if len(got) != n_want:
                bad += 1
                print(f"count of {ev} for pid {pid}: expected {n_want}, traced {len(got)}")
                wanted = [w for w in expected if w.get("event") == ev and w.get("pid") == pid]
                for r in got:
                    if not any(matches(w, r) for w in wanted):
                        print("   extra:", json.dumps(r))
    if bad:
        sys.exit(1)
    print(f"ok: {len(expected)} expected records found")


main()
