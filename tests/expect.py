#!/usr/bin/env python3
"""Check a JSON trace against a workload's expectations.

usage: expect.py TRACE.json EXPECT.ndjson [--exact EVENT ...]

Each expected record must appear in the trace after the previous expected
record of the same thread, with equal values for every key it names:
- an object matches when each key it names matches (other keys are free);
- a list of objects matches element by element, in order;
- a list of plain values (flag names, epoll fds) matches as a multiset,
  since the order of a set's members is presentation;
- {"$ge": N} (also $gt, $le, $lt) matches a number in that range;
  {"$ne": V} any value but V; {"$has": [A, B]} a list holding A and B
  (and maybe more); {"$lacks": [A]} a list without A.  Operators combine:
  {"$has": ["EPOLLIN"], "$lacks": ["EPOLLET"]}.  "$any_of": [A, B] in an
  object: the record matches its other keys and at least one of A, B
  (each an object of keys to match).
An expected record without "tid" may come from any thread of its pid.
An expected record with "$absent": true is a pattern no record of its
pid (and tid, if named) may match, anywhere in the trace.
An expected record with "$optional": true may or may not be in the trace
(a call a workload made about when epolltrace attached): it is not looked
for in order, it only allows --exact one more record it matches.
--exact EVENT: for each expected pid, the trace holds exactly as many
records of that event type as the expectations list (those not
"$optional"), plus at most one for each "$optional" one, which must match
it.
"""
import json
import sys

def is_number(v):
    return isinstance(v, (int, float)) and not isinstance(v, bool)


def in_list(got, v):
    return any(matches(v, g) for g in got)


# Operator -> test of (wanted operand, traced value).
COMPARE = {
    "$ge": lambda w, g: is_number(g) and g >= w,
    "$gt": lambda w, g: is_number(g) and g > w,
    "$le": lambda w, g: is_number(g) and g <= w,
    "$lt": lambda w, g: is_number(g) and g < w,
    "$ne": lambda w, g: not matches(w, g),
    "$has": lambda w, g: isinstance(g, list) and all(in_list(g, v) for v in w),
    "$lacks": lambda w, g: isinstance(g, list) and not any(in_list(g, v) for v in w),
}


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


def matches(want, got):
    if isinstance(want, dict) and "$any_of" in want:
        rest = {k: v for k, v in want.items() if k != "$any_of"}
        return matches(rest, got) and any(matches(alt, got) for alt in want["$any_of"])
    if isinstance(want, dict) and want and all(k in COMPARE for k in want):
        return all(COMPARE[k](v, got) for k, v in want.items())
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


def main(argv=None):
    args = sys.argv[1:] if argv is None else list(argv)
    exact = []
    if "--exact" in args:
        i = args.index("--exact")
        exact = args[i + 1:]
        args = args[:i]
    if len(args) != 2:
        sys.exit(__doc__)
    trace, expected = load(args[0]), load(args[1])
    absent = [{k: v for k, v in w.items() if k != "$absent"} for w in expected if w.get("$absent")]
    optional = [{k: v for k, v in w.items() if k != "$optional"} for w in expected
                if w.get("$optional") and not w.get("$absent")]
    expected = [w for w in expected if not w.get("$absent") and not w.get("$optional")]
    if not expected:
        sys.exit("no expectations: the workload printed nothing")
    pos = {}
    bad = 0
    claimed = set()  # trace indexes the expectations matched
    for want in expected:
        thread = (want.get("pid"), want.get("tid"))
        start = pos.get(thread, 0)
        for i in range(start, len(trace)):
            if same_thread(want, trace[i]) and matches(want, trace[i]):
                pos[thread] = i + 1
                claimed.add(i)
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
            maybe = [w for w in optional if w.get("event") == ev and w.get("pid") == pid]
            got = [(i, r) for i, r in enumerate(trace) if r.get("event") == ev and r.get("pid") == pid]
            # Records no sure expectation matched: each must be one of the
            # optional ones (a workload's calls around the attach).
            extra = [r for i, r in got if i not in claimed]
            unclaimed = []
            for r in extra:
                for j, w in enumerate(maybe):
                    if same_thread(w, r) and matches(w, r):
                        del maybe[j]
                        break
                else:
                    unclaimed.append(r)
            if len(got) < n_want or unclaimed:
                bad += 1
                n_opt = sum(1 for w in optional if w.get("event") == ev and w.get("pid") == pid)
                print(f"count of {ev} for pid {pid}: expected {n_want}"
                      + (f" (and up to {n_opt} optional)" if n_opt else "") + f", traced {len(got)}")
                for r in unclaimed:
                    print("   extra:", json.dumps(r))
    for pattern in absent:
        found = [r for r in trace if same_thread(pattern, r) and matches(pattern, r)]
        if found:
            bad += 1
            print(f"{len(found)} record(s) match what must be absent: {json.dumps(pattern)}")
            for r in found[:3]:
                print("   such as:", json.dumps(r))
    if bad:
        sys.exit(1)
    print(f"ok: {len(expected)} expected records found"
          + (f", none of {len(absent)} absent patterns" if absent else ""))


if __name__ == "__main__":
    main()
