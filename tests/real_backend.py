#!/usr/bin/env python3
"""A slow HTTP backend for the real-program tests (tests/host/real_*.sh),
loopback only, not traced: it stands for an upstream that takes uploads
slowly.

usage: real_backend.py PORT [--rcvbuf N] [--burst N] [--pause S]

Serves each connection in a thread.  A request with a body (Content-Length)
has its body read through a small receive buffer (set on the listening
socket, so accepted sockets start with it), in reads of at most 4 KiB, with
a pause of S seconds after every BURST bytes; the reply is 200 with the
body "sha256 HEX N\\n" (the body's digest and length), so the client can
check that every byte it sent arrived.  Runs until killed.
"""
import argparse
import hashlib
import socket
import threading
import time


def serve(c, a):
    c.settimeout(30)
    f = c.makefile("rb")
    try:
        while True:
            line = f.readline()
            if not line:
                return
            length = 0
            while True:
                h = f.readline()
                if h in (b"\r\n", b"\n", b""):
                    break
                k, _, v = h.decode("latin-1").partition(":")
                if k.strip().lower() == "content-length":
                    length = int(v)
            digest, got, next_pause = hashlib.sha256(), 0, a.burst
            while got < length:
                if got >= next_pause:
                    time.sleep(a.pause)
                    next_pause += a.burst
                chunk = f.read1(min(4096, length - got))
                if not chunk:
                    return
                digest.update(chunk)
                got += len(chunk)
            body = f"sha256 {digest.hexdigest()} {got}\n".encode()
            c.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: %d\r\n\r\n%s" % (len(body), body))
    except OSError:
        pass
    finally:
        c.close()


def main():
    p = argparse.ArgumentParser(usage=__doc__)
    p.add_argument("port", type=int)
    p.add_argument("--rcvbuf", type=int, default=4096)
    p.add_argument("--burst", type=int, default=256 << 10)
    p.add_argument("--pause", type=float, default=1.2)
    a = p.parse_args()
    s = socket.socket()
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, a.rcvbuf)
    s.bind(("127.0.0.1", a.port))
    s.listen(64)
    while True:
        c, _ = s.accept()
        threading.Thread(target=serve, args=(c, a), daemon=True).start()


main()
