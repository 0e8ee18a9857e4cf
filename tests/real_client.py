#!/usr/bin/env python3
"""Clients for the real-program tests (tests/host/real_*.sh), loopback only.

usage:
  real_client.py msgs PORT [--conns N] [--rounds N] [--size N]
      N connections at once; in each round every connection sends one
      message of SIZE random bytes and waits for its echo (the rounds are
      in step: all connections send together).  Checks every echo, then
      prints
          sent conns=N msgs=N bytes=N digest=HEX
      in the format of the Go and tokio slow servers' "served" line
      (digest: SHA-256 of the sorted hex SHA-256s of the messages, one a
      line).
  real_client.py get PORT PATH FILE [--rcvbuf N] [--burst N] [--pause S]
                 [--abort-after N] [--name NAME]
      One HTTP/1.1 GET of PATH, a slow reader: a small receive buffer set
      before connect(), reads of at most 4 KiB, a pause of S seconds after
      every BURST bytes of body.  Without --abort-after the whole body must
      arrive and equal FILE; with it, the client reads N bytes, pauses once
      more and closes the connection with the rest unread (a reset); what it
      got must equal the start of FILE.  Prints
          NAME: got N of M bytes, sha256 ok[, aborted]
Exit status 0 when every check holds, 1 otherwise (the reason on stderr).
"""
import argparse
import hashlib
import os
import socket
import struct
import sys
import threading
import time

TIMEOUT = 20.0


def die(msg):
    print("real_client: " + msg, file=sys.stderr)
    sys.exit(1)


def recv_exact(s, n):
    buf = bytearray()
    while len(buf) < n:
        chunk = s.recv(n - len(buf))
        if not chunk:
            raise ConnectionError(f"EOF after {len(buf)} of {n} bytes")
        buf += chunk
    return bytes(buf)


def msgs(a):
    socks = [socket.create_connection(("127.0.0.1", a.port), TIMEOUT)
             for _ in range(a.conns)]
    sums, errors = [], []
    lock = threading.Lock()
    barrier = threading.Barrier(a.conns)

    def one(s):
        try:
            for _ in range(a.rounds):
                barrier.wait(TIMEOUT * 2)
                msg = os.urandom(a.size)
                s.sendall(msg)
                back = recv_exact(s, a.size)
                if back != msg:
                    raise ValueError("the echo differs from the message")
                with lock:
                    sums.append(hashlib.sha256(msg).hexdigest())
        except Exception as e:  # reported below, with the others
            with lock:
                errors.append(repr(e))
            barrier.abort()
        finally:
            s.close()

    threads = [threading.Thread(target=one, args=(s,)) for s in socks]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    if errors:
        die("msgs: " + "; ".join(sorted(set(errors))))
    digest = hashlib.sha256("\n".join(sorted(sums)).encode()).hexdigest()
    print(f"sent conns={a.conns} msgs={len(sums)} bytes={len(sums) * a.size} "
          f"digest={digest}")


def get(a):
    with open(a.file, "rb") as f:
        want = f.read()
    name = a.name or a.path
    s = socket.socket()
    s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, a.rcvbuf)
    s.settimeout(TIMEOUT)
    s.connect(("127.0.0.1", a.port))
    s.sendall(f"GET {a.path} HTTP/1.1\r\nHost: localhost\r\n"
              "Connection: close\r\n\r\n".encode())
    head = b""
    while b"\r\n\r\n" not in head:
        chunk = s.recv(4096)
        if not chunk:
            die(f"{name}: EOF in the response header: {head[:200]!r}")
        head += chunk
    head, body = head.split(b"\r\n\r\n", 1)
    lines = head.decode("latin-1").split("\r\n")
    if lines[0].split()[1:2] != ["200"]:
        die(f"{name}: status line {lines[0]!r}")
    length = None
    for line in lines[1:]:
        k, _, v = line.partition(":")
        if k.strip().lower() == "content-length":
            length = int(v)
    if length != len(want):
        die(f"{name}: Content-Length {length}, the file has {len(want)} bytes")
    goal = len(want) if a.abort_after is None else min(a.abort_after, len(want))
    got = bytearray(body)
    next_pause = a.burst
    while len(got) < goal:
        if len(got) >= next_pause:
            time.sleep(a.pause)
            next_pause += a.burst
        chunk = s.recv(min(4096, goal - len(got)))
        if not chunk:
            die(f"{name}: EOF after {len(got)} of {len(want)} bytes")
        got += chunk
    if a.abort_after is not None:
        time.sleep(a.pause)
        # Close with unread data: the kernel resets the connection.
        s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    s.close()
    if bytes(got) != want[:len(got)]:
        die(f"{name}: the {len(got)} bytes received differ from the file")
    print(f"{name}: got {len(got)} of {len(want)} bytes, sha256 "
          f"{hashlib.sha256(got).hexdigest()[:16]} ok"
          + (", aborted" if a.abort_after is not None else ""))


def main():
    p = argparse.ArgumentParser(usage=__doc__)
    sub = p.add_subparsers(dest="cmd", required=True)
    m = sub.add_parser("msgs")
    m.add_argument("port", type=int)
    m.add_argument("--conns", type=int, default=6)
    m.add_argument("--rounds", type=int, default=2)
    m.add_argument("--size", type=int, default=100)
    g = sub.add_parser("get")
    g.add_argument("port", type=int)
    g.add_argument("path")
    g.add_argument("file")
    g.add_argument("--rcvbuf", type=int, default=4096)
    g.add_argument("--burst", type=int, default=1 << 20)
    g.add_argument("--pause", type=float, default=1.2)
    g.add_argument("--abort-after", type=int)
    g.add_argument("--name")
    a = p.parse_args()
    try:
        {"msgs": msgs, "get": get}[a.cmd](a)
    except (OSError, ValueError) as e:
        die(f"{a.cmd}: {e!r}")


main()
