#!/usr/bin/env python3
"""Check the verdicts in a JSON trace against a workload's expectations.

usage: warnings.py TRACE.json EXPECT.ndjson
       warnings.py TRACE.json --none

The verdicts are the records with "event" "warning" or "retracted", and
"note" records of the kinds the verdict model says once per process
(own_readiness, runtime).  The expected ones are those records in EXPECT
(--none: there must be no warning and no retraction at all).  Warnings
and retractions must pair up one to one; notes are held to the
expectations only when EXPECT names at least one (a program may keep its
own readiness without being warned about).  A trace record matches an
expected one when it has the same "event" and equal values for every key
the expectation names, except "tid" (which thread reports a stall is the
tracer's choice) and keys that start with "_":
  "_left": N   the amount left behind must be stated: N appears as a
               number in the message, or is the value of one of the
               warning's numeric facts.
  "_read": N   the program took N of what the socket held at its last
               edge: the warning's since_edge.read is N, where the
               trace's start record says edges carry the socket's queue
               (backend fentry or kprobe, or raw_tp:sk_data_ready).
A trace verdict no expectation claims fails the check (a false alarm), and
so does an expectation no trace verdict meets (a missed diagnosis).  Every
trace verdict must also carry a non-empty "message".
"""
import json
import re
import sys

IDENTITY = {"ts", "pid", "tid", "epfd", "fd", "id", "warning"}
NOTE_KINDS = {"own_readiness", "runtime"}


def load(path):
    out = []
    with open(path) as f:
        for n, line in enumerate(f, 1):
            line = line.strip()
            if not line.startswith("{"):
                continue
            try:
                out.append(json.loads(line))
            except ValueError as e:
                sys.exit(f"{path}:{n}: bad JSON: {e}: {line[:200]}")
    return out


def states_amount(got, amount):
    msg = got.get("message", "")
    if re.search(r"(?<![\w.])%d(?![\w.])" % amount, msg):
        return True
    return any(v == amount for k, v in got.items()
               if k not in IDENTITY and isinstance(v, int)
               and not isinstance(v, bool))


EDGE_QUEUES_SEEN = False


def matches(want, got):
    for k, v in want.items():
        if k == "tid":
            continue
        if k == "_read":
            if EDGE_QUEUES_SEEN and (got.get("since_edge") or {}).get("read") != v:
                return False
            continue
        if k == "_left":
            if not states_amount(got, v):
                return False
        elif k.startswith("_"):
            sys.exit(f"unknown expectation key {k}")
        elif got.get(k, object()) != v:
            return False
    return True


def show(w):
    return json.dumps(w, sort_keys=True)


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    global EDGE_QUEUES_SEEN
    records = load(sys.argv[1])
    EDGE_QUEUES_SEEN = any(r.get("backend") in ("fentry", "kprobe") or
                           "raw_tp:sk_data_ready" in r.get("attach", [])
                           for r in records if r.get("event") == "start")
    expected = [] if sys.argv[2] == "--none" else load(sys.argv[2])
    events = {"warning", "retracted"}
    if any(r.get("event") == "note" for r in expected):
        events.add("note")
    trace = [r for r in records if r.get("event") in events and
             (r["event"] != "note" or r.get("kind") in NOTE_KINDS)]
    wanted = [r for r in expected if r.get("event") in events]
    bad = 0
    for w in trace:
        if not isinstance(w.get("message"), str) or not w["message"].strip():
            bad += 1
            print("verdict without a message:", show(w))
    # Most specific expectations first, so a loose one cannot take the
    # trace warning a precise one needs.
    unclaimed = list(trace)
    for want in sorted(wanted, key=lambda w: -len(w)):
        for i, got in enumerate(unclaimed):
            if matches(want, got):
                del unclaimed[i]
                break
        else:
            bad += 1
            print("missing warning:", show(want))
    for got in unclaimed:
        bad += 1
        print("unexpected warning:", show(got))
    if bad:
        if trace:
            print(f"the trace has {len(trace)} verdict(s), {len(wanted)} expected")
        sys.exit(1)
    print(f"ok: {len(wanted)} verdict(s), as expected")


main()
