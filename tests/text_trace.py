#!/usr/bin/env python3
"""Read a text-mode trace (epolltrace -o FILE, no --json).

usage: text_trace.py stats TRACE.txt
       text_trace.py names TRACE.txt [--listen ADDR:PORT]... [--peer ADDR:PORT]...

stats prints shell assignments, as tests/trace_stats.py does for JSON:
adds=N (successful EPOLL_CTL_ADD lines), et_adds=N (those with EPOLLET),
deliveries=N (events returned by epoll_wait lines, summed), waits=N,
ready=N (~~ ready lines), warnings=N ("epolltrace: WARNING" lines).

names checks that the trace names TCP sockets by their real addresses.  A
name is the text in fd annotations such as 5<TCP:127.0.0.1:80->127.0.0.1:5123>.
  - A connected name (LOCAL->REMOTE) must have no 0 port and no 0.0.0.0 or
    [::] address on either side.
  - A name without a peer (TCP:ADDR:PORT) is allowed for a listening
    address given with --listen, and on the EPOLL_CTL_ADD line that
    registers the fd (a program may register a socket before connect());
    anywhere else -- a delivery, a readiness line, a MOD, a close -- it is a
    socket that was connected by then, named as if it were not.
  - Every --listen address must be the local side of at least one connected
    name (an accepted socket was seen, named), and every --peer address the
    remote side of one (a socket the program connected was seen, named).
Exit status 1, with the offending lines, when a check fails.
"""
import re
import sys
from collections import Counter

EP = r"(?:\[[0-9A-Fa-f:.]*\]|[0-9.]+):\d+"
TCP_NAME = re.compile(r"(\d+)<(TCP(?:v6)?):(" + EP + r")(?:->(" + EP + r"))?>")
LINE = re.compile(r"^\s*\d+\.\d+ \[\d+(?:/\d+)?\] (.*)$")
ADD_FD = re.compile(r"EPOLL_CTL_ADD, (\d+)<")


def port(ep):
    return int(ep.rsplit(":", 1)[1])


def host(ep):
    return ep.rsplit(":", 1)[0]


def bad_endpoint(ep):
    return port(ep) == 0 or host(ep) in ("0.0.0.0", "[::]")


def stats(path):
    n = Counter(adds=0, et_adds=0, deliveries=0, waits=0, ready=0, warnings=0)
    with open(path, errors="replace") as f:
        for line in f:
            if line.startswith("epolltrace: WARNING"):
                n["warnings"] += 1
                continue
            m = LINE.match(line)
            if not m:
                continue
            body = m.group(1)
            if body.startswith("~~ ready"):
                n["ready"] += 1
            elif body.startswith("epoll_ctl(") and "EPOLL_CTL_ADD" in body \
                    and re.search(r"\) = 0 <", body):
                n["adds"] += 1
                if "EPOLLET" in body:
                    n["et_adds"] += 1
            elif re.match(r"epoll_p?wait2?\(", body):
                n["waits"] += 1
                r = re.search(r"\) = (\d+) <", body)
                if r:
                    n["deliveries"] += int(r.group(1))
    print(" ".join(f"{k}={v}" for k, v in n.items()))


def names(path, listen, peers):
    bad = []
    seen_local, seen_remote = set(), set()
    total = 0
    with open(path, errors="replace") as f:
        for lineno, line in enumerate(f, 1):
            m = LINE.match(line)
            if not m:
                continue
            body = m.group(1)
            add = ADD_FD.search(body) if body.startswith("epoll_ctl(") else None
            for t in TCP_NAME.finditer(body):
                total += 1
                fd, proto, local, remote = t.groups()
                name = t.group(0)
                if remote:
                    if bad_endpoint(local) or bad_endpoint(remote):
                        bad.append((lineno, name, "a connected socket with a 0 address or port", line))
                    seen_local.add(local)
                    seen_remote.add(remote)
                elif local in listen:
                    pass
                elif add and add.start(1) == t.start(1):
                    pass  # its own registration, maybe before connect()
                else:
                    bad.append((lineno, name, "named without its peer after its registration", line))
    ok = True
    if bad:
        ok = False
        kinds = Counter(name[name.index("<"):] for _, name, _, _ in bad)
        print(f"{len(bad)} fd annotation(s) of {total} name a TCP socket without its real "
              f"addresses; by name: " + ", ".join(f"{k} x{v}" for k, v in kinds.most_common(5)))
        for lineno, name, why, line in bad[:4]:
            print(f"  line {lineno}: {why}: {line.rstrip()[:300]}")
    for ep in listen:
        if ep not in seen_local:
            ok = False
            print(f"no accepted socket named with the local address {ep}")
    for ep in peers:
        if ep not in seen_remote:
            ok = False
            print(f"no socket named as connected to {ep}")
    if not total:
        ok = False
        print("no TCP socket named at all")
    if ok:
        print(f"names ok: {total} TCP fd annotations, {len(seen_remote)} distinct peers")
    sys.exit(0 if ok else 1)


def main():
    a = sys.argv[1:]
    if len(a) == 2 and a[0] == "stats":
        return stats(a[1])
    if len(a) >= 2 and a[0] == "names" and len(a) % 2 == 0:
        listen, peers = set(), set()
        for opt, val in zip(a[2::2], a[3::2]):
            if opt == "--listen":
                listen.add(val)
            elif opt == "--peer":
                peers.add(val)
            else:
                sys.exit(__doc__)
        return names(a[1], listen, peers)
    sys.exit(__doc__)


main()
