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
                 [--abort-after N] [--name NAME] [--count N] [--lines PREFIX]
      HTTP/1.1 GETs of PATH (COUNT of them, default 1, on one keep-alive
      connection, the last with "Connection: close"), a slow reader: a
      small receive buffer set before connect(), reads of at most 4 KiB, a
      pause of S seconds after every BURST bytes (0: never).  Bodies framed
      by Content-Length or chunked.  Without --abort-after every body must
      arrive whole and equal FILE; with it, the client reads N bytes of the
      last body, pauses once more and closes the connection with the rest
      unread (a reset); what it got must equal the start of FILE.  With
      --lines, a body is not FILE itself: its lines that start with PREFIX
      must be FILE's lines, all of them, in order (a generated page that
      embeds known content).  Prints
          NAME: got N of M bytes, sha256 HASH ok[, aborted]
      (or, for several responses or --lines, their count and bytes).
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


class Paced:
    """Reads a socket in chunks of at most 4 KiB, pausing PAUSE seconds
    after every BURST bytes (0: never)."""

    def __init__(self, s, burst=0, pause=0.0):
        self.s, self.burst, self.pause = s, burst, pause
        self.buf = b""
        self.total = 0
        self.next_pause = burst

    def fill(self, what):
        if self.burst and self.total >= self.next_pause:
            time.sleep(self.pause)
            self.next_pause += self.burst
        chunk = self.s.recv(4096)
        if not chunk:
            raise ConnectionError(f"EOF in {what}")
        self.total += len(chunk)
        self.buf += chunk

    def line(self, what):
        while b"\r\n" not in self.buf:
            self.fill(what)
        line, self.buf = self.buf.split(b"\r\n", 1)
        return line

    def take(self, n, what):
        while len(self.buf) < n:
            self.fill(what)
        out, self.buf = self.buf[:n], self.buf[n:]
        return out


def http_response(r, name, limit=None):
    """One HTTP/1.1 response from Paced r: (status, headers, body).  The
    body is framed by Content-Length or chunked; with LIMIT, reading stops
    after LIMIT body bytes (the rest is left unread)."""
    status = r.line(f"{name}: the status line").decode("latin-1")
    headers = {}
    while True:
        line = r.line(f"{name}: the response header").decode("latin-1")
        if not line:
            break
        k, _, v = line.partition(":")
        headers[k.strip().lower()] = v.strip()
    body = bytearray()

    def want(n):
        return n if limit is None else max(0, min(n, limit - len(body)))
    if headers.get("transfer-encoding", "").lower() == "chunked":
        while limit is None or len(body) < limit:
            size = int(r.line(f"{name}: a chunk size").split(b";")[0], 16)
            if size == 0:
                r.line(f"{name}: the last chunk")  # no trailers expected
                break
            n = want(size)
            body += r.take(n, f"{name}: a chunk (after {len(body)} body bytes)")
            if n < size:
                break
            if r.take(2, f"{name}: a chunk's end") != b"\r\n":
                raise ValueError(f"{name}: a chunk does not end with CRLF")
    elif "content-length" in headers:
        n = int(headers["content-length"])
        body += r.take(want(n), f"{name}: the body (Content-Length {n})")
    else:
        raise ValueError(f"{name}: a response with neither Content-Length nor chunks: {status!r}")
    return status, headers, bytes(body)


def get(a):
    with open(a.file, "rb") as f:
        want = f.read()
    if a.lines:
        want_lines = want.splitlines()
    name = a.name or a.path
    s = socket.socket()
    s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, a.rcvbuf)
    s.settimeout(TIMEOUT)
    s.connect(("127.0.0.1", a.port))
    r = Paced(s, a.burst, a.pause)
    got_total = 0
    for i in range(a.count):
        last = i == a.count - 1
        s.sendall(f"GET {a.path} HTTP/1.1\r\nHost: localhost\r\n"
                  f"Connection: {'close' if last else 'keep-alive'}\r\n\r\n".encode())
        limit = a.abort_after if last else None
        status, headers, body = http_response(r, f"{name} #{i + 1}", limit)
        if status.split()[1:2] != ["200"]:
            die(f"{name}: status line {status!r}")
        if a.lines:
            got_lines = [ln for ln in body.splitlines() if ln.startswith(a.lines.encode())]
            if limit is not None:
                # Cut short: whole lines up to the last newline, a prefix.
                got_lines = [ln for ln in body[:body.rfind(b"\n") + 1].splitlines()
                             if ln.startswith(a.lines.encode())]
                if got_lines != want_lines[:len(got_lines)]:
                    die(f"{name} #{i + 1}: the {len(got_lines)} '{a.lines}' lines received "
                        f"are not the first ones of {os.path.basename(a.file)}")
            elif got_lines != want_lines:
                missing = len(set(want_lines) - set(got_lines))
                die(f"{name} #{i + 1}: {len(got_lines)} lines start with {a.lines!r}, "
                    f"{len(want_lines)} expected ({missing} of them missing or different)")
            if limit is None and not body.endswith(b"\n"):
                die(f"{name} #{i + 1}: the body ends in the middle of a line")
        else:
            if "content-length" in headers and int(headers["content-length"]) != len(want):
                die(f"{name}: Content-Length {headers['content-length']}, "
                    f"the file has {len(want)} bytes")
            if limit is None and body != want:
                die(f"{name} #{i + 1}: got {len(body)} bytes, the file has {len(want)}"
                    + (", they differ" if len(body) == len(want) else ""))
            if body != want[:len(body)]:
                die(f"{name}: the {len(body)} bytes received differ from the file")
        got_total += len(body)
    if a.abort_after is not None:
        time.sleep(a.pause)
        # Close with unread data: the kernel resets the connection.
        s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    s.close()
    if a.lines and a.abort_after is not None:
        print(f"{name}: {a.count} response(s), {got_total} bytes, the last cut short with "
              f"the first {len(got_lines)} of the {len(want_lines)} '{a.lines}' lines ok, aborted")
    elif a.lines:
        print(f"{name}: {a.count} response(s), {got_total} bytes, each with the "
              f"{len(want_lines)} '{a.lines}' lines of {os.path.basename(a.file)}, "
              f"sha256 {hashlib.sha256(want).hexdigest()[:16]} ok")
    elif a.count > 1:
        print(f"{name}: {a.count} responses, {got_total} bytes, each the file, sha256 "
              f"{hashlib.sha256(want).hexdigest()[:16]} ok"
              + (", aborted" if a.abort_after is not None else ""))
    else:
        print(f"{name}: got {got_total} of {len(want)} bytes, sha256 "
              f"{hashlib.sha256(want[:got_total]).hexdigest()[:16]} ok"
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
    g.add_argument("--count", type=int, default=1)
    g.add_argument("--lines")
    a = p.parse_args()
    try:
        {"msgs": msgs, "get": get}[a.cmd](a)
    except (OSError, ValueError) as e:
        die(f"{a.cmd}: {e!r}")


main()
