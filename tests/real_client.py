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
  real_client.py put PORT PATH FILE [--name NAME] [--expect-digest]
      One HTTP/1.1 PUT of FILE to PATH, sent at once; the reply must be 201
      or 204, or with --expect-digest 200 with the body that
      tests/real_backend.py answers: "sha256 HEX N" of FILE.  Prints what
      was sent and how long the reply took.
  real_client.py mc PORT [--big N] [--big-size N] [--quick N] [--rounds N]
                [--gap S] [--max-size N] [--rcvbuf N] [--burst N] [--pause S]
                [--abort-after N]
      A memcached (ASCII protocol) workload.  Sets BIG values of BIG_SIZE
      random bytes, then at once:
        - slow: one get of all of them (a small receive buffer, a pause of
          S seconds after every BURST bytes), every value checked;
        - gone: the same, reads ABORT_AFTER bytes, pauses, resets;
        - QUICK connections, ROUNDS rounds each GAP seconds apart: 10
          pipelined sets of random values (100 bytes to MAX_SIZE), one get
          of all 10 (checked), and 50 pipelined gets of a small value in
          one write (more than memcached serves per event, -R).
      Then memcached's own stats must count every set, every hit, no miss,
      and every byte the clients sent (bytes_read).  Prints what each
      client got and memcached's counts.
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
    if status.split()[1:2] in (["204"], ["304"]):
        pass  # no body
    elif headers.get("transfer-encoding", "").lower() == "chunked":
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


class Counted:
    """A socket that counts the bytes sent through it."""
    sent = 0
    lock = threading.Lock()

    @classmethod
    def sendall(cls, s, data):
        s.sendall(data)
        with cls.lock:
            cls.sent += len(data)


def mc_connect(port, rcvbuf=None):
    s = socket.socket()
    if rcvbuf:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, rcvbuf)
    s.settimeout(TIMEOUT)
    s.connect(("127.0.0.1", port))
    return s


def mc_values(r, keys, store, name, limit=None):
    """Read a get response for KEYS from Paced r, each value checked against
    STORE; with LIMIT, stop once LIMIT bytes were read.  Returns the value
    bytes checked."""
    checked = 0
    for k in keys:
        head = r.line(f"{name}: VALUE {k}").decode()
        parts = head.split()
        if parts[:2] != ["VALUE", k]:
            raise ValueError(f"{name}: {head[:80]!r}, VALUE {k} expected")
        n = int(parts[3])
        if n != len(store[k]):
            raise ValueError(f"{name}: {k} has {n} bytes, {len(store[k])} were stored")
        consumed = r.total - len(r.buf)
        if limit is not None and consumed + n > limit:
            part = r.take(max(0, limit - consumed), name)
            if part != store[k][:len(part)]:
                raise ValueError(f"{name}: the first {len(part)} bytes of {k} differ")
            return checked + len(part)
        if r.take(n, name) != store[k] or r.take(2, name) != b"\r\n":
            raise ValueError(f"{name}: the value of {k} differs from the one stored")
        checked += n
    if r.line(f"{name}: END") != b"END":
        raise ValueError(f"{name}: no END after {len(keys)} values")
    return checked


def mc_set(s, r, items, name):
    """Pipelined sets of ITEMS (key -> value) in one write, then their replies."""
    Counted.sendall(s, b"".join(b"set %s 0 0 %d\r\n%s\r\n" % (k.encode(), len(v), v)
                                for k, v in items.items()))
    for k in items:
        line = r.line(f"{name}: set {k}")
        if line != b"STORED":
            raise ValueError(f"{name}: set {k}: {line[:80]!r}")


def mc(a):
    big = {f"big:{i}": os.urandom(a.big_size) for i in range(a.big)}
    s = mc_connect(a.port)
    mc_set(s, Paced(s), big, "setup")
    s.close()
    n = dict(sets=len(big), hits=0, value_bytes=0)
    lock = threading.Lock()
    errors, said = [], []

    def count(**kw):
        with lock:
            for k, v in kw.items():
                n[k] += v

    def slow(name, abort_after=None):
        s = mc_connect(a.port, a.rcvbuf)
        r = Paced(s, a.burst, a.pause)
        keys = list(big)
        Counted.sendall(s, ("get " + " ".join(keys) + "\r\n").encode())
        count(hits=len(keys))
        got = mc_values(r, keys, big, name, abort_after)
        if abort_after is not None:
            time.sleep(a.pause)
            s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        s.close()
        with lock:
            said.append(f"{name}: {got} bytes of {len(keys)} values of {a.big_size} ok"
                        + (f", aborted after {r.total} bytes" if abort_after is not None else ""))

    def quick(t):
        s = mc_connect(a.port)
        r = Paced(s)
        small = {f"s:{t}": os.urandom(32)}
        mc_set(s, r, small, f"quick{t}")
        count(sets=1)
        for rnd in range(a.rounds):
            items = {f"q:{t}:{rnd}:{j}": os.urandom(100 + (j * 4999 + t * 131 + rnd) % a.max_size)
                     for j in range(10)}
            mc_set(s, r, items, f"quick{t}")
            Counted.sendall(s, ("get " + " ".join(items) + "\r\n").encode())
            got = mc_values(r, list(items), items, f"quick{t}")
            # 50 gets in one write: more than memcached serves per event.
            Counted.sendall(s, f"get s:{t}\r\n".encode() * 50)
            for _ in range(50):
                mc_values(r, list(small), small, f"quick{t}")
            count(sets=10, hits=60, value_bytes=got)
            time.sleep(a.gap)
        s.close()

    def run(f, *args, **kw):
        try:
            f(*args, **kw)
        except Exception as e:  # reported below, with the others
            with lock:
                errors.append(f"{f.__name__}{args}: {e!r}")

    threads = [threading.Thread(target=run, args=(slow, "slow")),
               threading.Thread(target=run, args=(slow, "gone"),
                                kwargs=dict(abort_after=a.abort_after))]
    threads += [threading.Thread(target=run, args=(quick, t)) for t in range(a.quick)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    if errors:
        die("mc: " + "; ".join(sorted(set(errors))))
    for line in sorted(said):
        print(line)
    print(f"quick: {a.quick} connections x {a.rounds} rounds, {n['value_bytes']} value bytes "
          f"read back ok")
    # What memcached itself counted: every command and every byte sent.
    time.sleep(0.3)
    s = mc_connect(a.port)
    r = Paced(s)
    Counted.sendall(s, b"stats\r\n")
    st = {}
    while True:
        line = r.line("stats").decode()
        if line == "END":
            break
        _, k, v = line.split(" ", 2)
        st[k] = v
    s.close()
    want = dict(cmd_set=n["sets"], get_hits=n["hits"], get_misses=0, bytes_read=Counted.sent)
    got = {k: int(st.get(k, -1)) for k in want}
    print("memcached stats: " + " ".join(f"{k}={v}" for k, v in got.items()))
    if got != want:
        die("memcached counted " + " ".join(f"{k}={v}" for k, v in got.items())
            + ", the clients sent " + " ".join(f"{k}={v}" for k, v in want.items()))


def put(a):
    with open(a.file, "rb") as f:
        body = f.read()
    name = a.name or a.path
    s = socket.socket()
    s.settimeout(TIMEOUT)
    s.connect(("127.0.0.1", a.port))
    start = time.monotonic()
    s.sendall(f"PUT {a.path} HTTP/1.1\r\nHost: localhost\r\nContent-Length: {len(body)}\r\n"
              "Connection: close\r\n\r\n".encode() + body)
    status, _, reply = http_response(Paced(s), name)
    s.close()
    if a.expect_digest:
        want = f"sha256 {hashlib.sha256(body).hexdigest()} {len(body)}"
        if status.split()[1:2] != ["200"] or reply.decode(errors="replace").strip() != want:
            die(f"{name}: {status!r} {reply[:100]!r}: the upstream did not get the body "
                f"(wanted {want!r})")
    elif status.split()[1:2] not in (["201"], ["204"]):
        die(f"{name}: status line {status!r}")
    print(f"{name}: sent {len(body)} bytes, sha256 {hashlib.sha256(body).hexdigest()[:16]}, "
          f"{status.split(None, 1)[1]} after {time.monotonic() - start:.1f} s")


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
    c = sub.add_parser("mc")
    c.add_argument("port", type=int)
    c.add_argument("--big", type=int, default=4)
    c.add_argument("--big-size", type=int, default=512 << 10)
    c.add_argument("--quick", type=int, default=12)
    c.add_argument("--rounds", type=int, default=8)
    c.add_argument("--gap", type=float, default=0.3)
    c.add_argument("--max-size", type=int, default=48 << 10)
    c.add_argument("--rcvbuf", type=int, default=4096)
    c.add_argument("--burst", type=int, default=1 << 20)
    c.add_argument("--pause", type=float, default=1.2)
    c.add_argument("--abort-after", type=int, default=3 << 19)
    u = sub.add_parser("put")
    u.add_argument("port", type=int)
    u.add_argument("path")
    u.add_argument("file")
    u.add_argument("--name")
    u.add_argument("--expect-digest", action="store_true")
    a = p.parse_args()
    try:
        {"msgs": msgs, "get": get, "mc": mc, "put": put}[a.cmd](a)
    except (OSError, ValueError) as e:
        die(f"{a.cmd}: {e!r}")


main()
