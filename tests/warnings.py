#!/usr/bin/env python3
"""Check the verdicts in a JSON trace against a workload's expectations.

usage: warnings.py TRACE.json EXPECT.ndjson [--no-read] [--loose-evidence] [--pid PID]
       warnings.py TRACE.json --none [--pid PID]

The verdicts are the records with "event" "warning" or "retracted", and
"note" records of the kinds the verdict model says once per process
(own_readiness, runtime).  The expected ones are those records in EXPECT
(--none: there must be no warning and no retraction at all).  --pid PID:
only the trace's verdicts of process PID count (a trace of several
workloads).  Warnings and retractions must pair up one to one; notes are
held to the expectations only when EXPECT names at least one (a program
may keep its own readiness without being warned about).  A trace record
matches an expected one when it has the same "event" and equal values for
every key the expectation names, except "tid" (which thread reports a
stall is the tracer's choice) and keys that start with "_":
  "_left": N   the amount left behind must be stated: N appears as a
               number in the message, or is the value of one of the
               warning's numeric facts.
  "_states": N the same test, for any number the warning must state
               (a limit, say).
  "_says": S   the message contains the text S.
  "_by_ms": N  the verdict was given at most N ms after the start record
               (its ts, which counts from the start, times 1000).
  "_read": N   the program took N of what the socket held at its last
               edge: the warning's since_edge.read is N.  Only a trace
               whose start record says edges carry the socket's queue
               (backend fentry or kprobe, or raw_tp:sk_data_ready) can
               tell; on any other the check fails, saying so, unless
               --no-read is given (the caller knows its backend cannot
               tell): then those warnings are matched without _read and
               a "note: _read not checked" line says how many.
  "_socket_edges": true   the verdict needs a socket's edges (a read
               told by the edge that follows it): on a trace that cannot
               see them (backend tracepoint without raw_tp:sk_data_ready,
               Linux before 6.4) it may be there or not.
--loose-evidence: "evidence", "_by_ms" and "_read" are not held to (the
VM tier: under emulation what a look at the attach finds, and when, and
how many units a trigger had queued when the program woke, depend on
where the program was in its loop); which verdicts, on which fd, of
which kind and with what left behind still must match.
A value that is an object matches an object holding at least its keys,
each matching in turn (the warning's "evidence"), and {"$ge": N} (also
$gt, $le, $lt, $ne, combined) a number in that range; {"$or": [A, B]}
a value that matches A or B.
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
SOCKET_EDGES_SEEN = False


def sees_socket_edges(start):
    """Does the trace of this start record see a socket's edges (its
    readiness callbacks, or sock:sk_data_ready, Linux 6.4+)?"""
    return (start.get("backend") in ("fentry", "kprobe") or
            "raw_tp:sk_data_ready" in start.get("attach", []))

COMPARE = {
    "$ge": lambda w, g: g >= w,
    "$gt": lambda w, g: g > w,
    "$le": lambda w, g: g <= w,
    "$lt": lambda w, g: g < w,
}


def is_number(v):
    return isinstance(v, (int, float)) and not isinstance(v, bool)


def value_matches(want, got):
    """An expected value against a traced one (see above)."""
    if isinstance(want, dict) and want and all(k.startswith("$") for k in want):
        for k, v in want.items():
            if k == "$ne":
                if value_matches(v, got):
                    return False
            elif k == "$or":
                if not any(value_matches(alt, got) for alt in v):
                    return False
            elif k in COMPARE:
                if not (is_number(got) and COMPARE[k](v, got)):
                    return False
            else:
                sys.exit(f"unknown operator {k}")
        return True
    if isinstance(want, dict):
        return isinstance(got, dict) and all(
            k in got and value_matches(v, got[k]) for k, v in want.items())
    if isinstance(want, bool) or isinstance(got, bool):
        return type(want) is type(got) and want == got
    return want == got


def matches(want, got):
    for k, v in want.items():
        if k == "tid":
            continue
        if k == "_read":
            if EDGE_QUEUES_SEEN and (got.get("since_edge") or {}).get("read") != v:
                return False
            continue
        if k == "_socket_edges":
            continue
        if k in ("_left", "_states"):
            if not states_amount(got, v):
                return False
        elif k == "_says":
            if v not in got.get("message", ""):
                return False
        elif k == "_by_ms":
            if not is_number(got.get("ts")) or got["ts"] * 1000 > v:
                return False
        elif k.startswith("_"):
            sys.exit(f"unknown expectation key {k}")
        elif isinstance(v, dict):
            if k not in got or not value_matches(v, got[k]):
                return False
        elif got.get(k, object()) != v:
            return False
    return True


def show(w):
    return json.dumps(w, sort_keys=True)


def main(argv=None):
    args = sys.argv[1:] if argv is None else list(argv)
    no_read = "--no-read" in args
    loose = "--loose-evidence" in args
    args = [a for a in args if a not in ("--no-read", "--loose-evidence")]
    pid = None
    if "--pid" in args:
        i = args.index("--pid")
        pid = int(args[i + 1])
        del args[i:i + 2]
    if len(args) != 2:
        sys.exit(__doc__)
    global EDGE_QUEUES_SEEN, SOCKET_EDGES_SEEN
    records = load(args[0])
    starts = [r for r in records if r.get("event") == "start"]
    SOCKET_EDGES_SEEN = any(sees_socket_edges(r) for r in starts)
    # -q, -e '!ready': an edge is shipped only once its item is suspect,
    # so what the socket held at the edge before is not known.
    EDGE_QUEUES_SEEN = any(sees_socket_edges(r) and
                           "readiness for verdicts only" not in r.get("attach", [])
                           for r in starts)
    expected = [] if args[1] == "--none" else load(args[1])
    events = {"warning", "retracted"}
    if any(r.get("event") == "note" for r in expected):
        events.add("note")
    trace = [r for r in records if r.get("event") in events and
             (r["event"] != "note" or r.get("kind") in NOTE_KINDS) and
             (pid is None or r.get("pid") == pid)]
    wanted = [r for r in expected if r.get("event") in events]
    if loose:
        wanted = [{k: v for k, v in w.items() if k not in ("evidence", "_by_ms", "_read")}
                  for w in wanted]
    bad = 0
    n_read = sum(1 for w in wanted if "_read" in w)
    if n_read and not EDGE_QUEUES_SEEN:
        backend = ", ".join(str(r.get("backend")) for r in starts) or "no start record"
        why = (f"_read not checked for {n_read} expected warning(s): the trace's backend "
               f"({backend}, without raw_tp:sk_data_ready) does not carry the socket's queue at an edge")
        if no_read:
            print(f"note: {why} (--no-read)")
        else:
            bad += 1
            print(f"cannot check: {why}; give --no-read where the backend is known not to tell")
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
            if want.get("_socket_edges") and not SOCKET_EDGES_SEEN:
                print(f"note: not seen, and this trace cannot see socket edges:", show(want))
                continue
            bad += 1
            print(f"missing {want.get('event')}:", show(want))
    for got in unclaimed:
        bad += 1
        print(f"unexpected {got.get('event')}:", show(got))
    if bad:
        if trace:
            print(f"the trace has {len(trace)} verdict(s), {len(wanted)} expected")
        sys.exit(1)
    print(f"ok: {len(wanted)} verdict(s), as expected")


if __name__ == "__main__":
    main()
