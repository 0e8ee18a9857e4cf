#!/usr/bin/env python3
"""Expectations (tests/expect.py) for a trace of tools/ready_kinds.

usage: ready_expect.py FACTS PART [BACKEND]

FACTS is ready_kinds' stdout: its NAME=N lines give its pid and fds.  The
expectations mirror what ready_kinds does (see its top comment), in the
order it does it, for one PART:

  start BACKEND    the start record names BACKEND
  registrations    the three epoll_create1 and eight EPOLL_CTL_ADD, exact
                   (check with --exact epoll_create epoll_ctl)
  waits            its ten epoll_waits, what each returned, in order
                   (check with --exact epoll_wait)
  callback         readiness from ep_poll_callback (fentry, kprobe): each
                   step's callback, with its flags, comes after the
                   previous wait and before the wait that delivers it
                   (with --exact epoll_wait, "the next wait");  the
                   ONESHOT socket's second callback is disarmed and the
                   next wait returns nothing; the nested pipe's callback
                   in the inner set comes before the outer set's wait;
                   no readiness from another source, and none disarmed
                   but the ONESHOT socket's
  callback-outer   the other half of the nested step: the inner set's
                   callback in the outer set comes after the TCP_ET wait
                   and before the outer set's wait (the two callbacks
                   nest, so they may come in either order)
  tracepoint       the tracepoint backend on a kernel without
                   sock:sk_data_ready: the waits, and no readiness from
                   ep_poll_callback or sk_data_ready
  tracepoint-sk    the tracepoint backend with sock:sk_data_ready
                   attached: the waits, no readiness from
                   ep_poll_callback, and each socket's readiness from
                   sk_data_ready (queued) before the wait that returns it
  rdllist          each fd read off the ready list at epoll_wait (source
                   rdllist) before the wait that returns it
  rdllist-sk       with sock:sk_data_ready attached: the pipe and the
                   eventfd read off the ready list, the sockets told by
                   sk_data_ready, each before the wait that returns it
  auto             some readiness from ep_poll_callback
"""
import json
import sys

# The steps' fds that are sockets (sock:sk_data_ready tells their input).
SOCKETS = ("UDP", "LISTEN", "TCP_ONESHOT", "TCP_ET")

ARMED = {"source": "ep_poll_callback", "events": {"$has": ["EPOLLIN"]}, "queued": True,
         "coalesced": False, "disarmed": False, "mismatch": False}


def main():
    if len(sys.argv) not in (3, 4):
        sys.exit(__doc__)
    facts = {}
    for line in open(sys.argv[1]):
        name, eq, value = line.strip().partition("=")
        if eq and name.isupper() and value.isdigit():
            facts[name] = int(value)
    need = ("PID", "EPFD", "PIPE_R", "EVENTFD", "UDP", "LISTEN", "TCP_ONESHOT", "TCP_ET",
            "OUTER", "INNER", "NESTED_PIPE_R")
    missing = [n for n in need if n not in facts]
    if missing:
        sys.exit(f"ready_kinds did not say {', '.join(missing)}: it did not finish")
    f = facts
    part = sys.argv[2]
    backend = sys.argv[3] if len(sys.argv) == 4 else None
    out = []

    def rec(event, **kv):
        out.append({"pid": f["PID"], "event": event, **kv})

    def create(ret):
        rec("epoll_create", syscall="epoll_create1", flags=["EPOLL_CLOEXEC"], ret=ret)

    def add(ep, fd, *flags):
        rec("epoll_ctl", epfd=ep, op="ADD", fd=fd, events=list(flags), data=hex(fd), ret=0)

    def wait(ep, fd=None, latency=False, timeout=2000):
        item = {"fd": fd, "events": ["EPOLLIN"], "data": hex(fd if fd is not None else 0)}
        if latency:
            item["ready_us"] = {"$ge": 0}
        rec("epoll_wait", epfd=ep, maxevents=8, timeout_ms=timeout,
            ret=0 if fd is None else 1, ready=[] if fd is None else [item])

    def ready(ep, fd, **kv):
        rec("ready", epfd=ep, fd=fd, **kv)

    def absent(**kv):
        out.append({"pid": f["PID"], "$absent": True, "event": "ready", **kv})

    ep = f["EPFD"]
    steps = [("PIPE_R", {"woke": False}), ("PIPE_R", {"woke": True}), ("EVENTFD", {}),
             ("UDP", {}), ("LISTEN", {}), ("TCP_ONESHOT", {})]
    if part == "start":
        if not backend:
            sys.exit("start: which backend?")
        rec("start", backend=backend)
    elif part == "registrations":
        create(ep)
        add(ep, f["PIPE_R"], "EPOLLIN")
        add(ep, f["EVENTFD"], "EPOLLIN", "EPOLLET")
        add(ep, f["UDP"], "EPOLLIN")
        add(ep, f["LISTEN"], "EPOLLIN")
        add(ep, f["TCP_ONESHOT"], "EPOLLIN", "EPOLLONESHOT")
        add(ep, f["TCP_ET"], "EPOLLIN", "EPOLLET")
        create(f["OUTER"])
        create(f["INNER"])
        add(f["INNER"], f["NESTED_PIPE_R"], "EPOLLIN")
        add(f["OUTER"], f["INNER"], "EPOLLIN")
    elif part in ("waits", "tracepoint", "tracepoint-sk"):
        for name, _ in steps:
            if part == "tracepoint-sk" and name in SOCKETS:
                ready(ep, f[name], source="sk_data_ready", queued=True)
            wait(ep, f[name])
        wait(ep, None, timeout=0)
        if part == "tracepoint-sk":
            ready(ep, f["TCP_ET"], source="sk_data_ready", queued=True)
        wait(ep, f["TCP_ET"])
        wait(f["OUTER"], f["INNER"])
        wait(f["INNER"], f["NESTED_PIPE_R"])
        if part != "waits":
            absent(source="ep_poll_callback")
        if part == "tracepoint":
            absent(source="sk_data_ready")
    elif part == "callback":
        for name, extra in steps:
            ready(ep, f[name], **ARMED, **extra)
            wait(ep, f[name], latency=True)
        ready(ep, f["TCP_ONESHOT"], source="ep_poll_callback", disarmed=True, queued=False)
        wait(ep, None, timeout=0)
        ready(ep, f["TCP_ET"], **ARMED)
        wait(ep, f["TCP_ET"], latency=True)
        ready(f["INNER"], f["NESTED_PIPE_R"], **ARMED)
        wait(f["OUTER"], f["INNER"])
        wait(f["INNER"], f["NESTED_PIPE_R"])
        absent(source={"$ne": "ep_poll_callback"})
        absent(disarmed=True, fd={"$ne": f["TCP_ONESHOT"]})
        absent(disarmed=True, epfd={"$ne": ep})
    elif part == "callback-outer":
        wait(ep, f["TCP_ET"], latency=True)
        ready(f["OUTER"], f["INNER"], **ARMED)
        wait(f["OUTER"], f["INNER"])
    elif part in ("rdllist", "rdllist-sk"):
        for name in ("PIPE_R", "EVENTFD", "UDP", "LISTEN", "TCP_ONESHOT"):
            sk = part == "rdllist-sk" and name in SOCKETS
            ready(ep, f[name], source="sk_data_ready" if sk else "rdllist")
            wait(ep, f[name])
    elif part == "auto":
        rec("ready", source="ep_poll_callback")
    else:
        sys.exit(f"unknown part {part!r}\n{__doc__}")
    for r in out:
        print(json.dumps(r))


main()
