#!/usr/bin/env python3
"""An asyncio HTTP/1.1 file server for tests/host/real_asyncio.sh (the
standard library's event loop: selectors.EpollSelector, level-triggered,
a reader removed and added again as a stream pauses and resumes).

usage: asyncio_fileserver.py PORT BACKEND_PORT FILE

GET /NAME on either port sends FILE, in 64 KiB writes each followed by
drain() (the writer waits for EPOLLOUT while the client is full).
GET /proxy/NAME on PORT fetches /NAME from BACKEND_PORT (this same
process) and copies the upstream's body on, 64 KiB at a time with
drain(): while the client is slow the upstream stream stops reading with
data queued (its transport pauses reading once its buffer passes the
limit) and starts again when the copy catches up.  One request per
connection ("Connection: close").  Exits 0 on SIGTERM.
"""
import asyncio
import os
import signal
import sys

CHUNK = 64 * 1024


async def read_request(reader):
    """The request's path; the headers are read and ignored."""
    line = await reader.readline()
    while (await reader.readline()) not in (b"\r\n", b""):
        pass
    parts = line.decode("latin-1").split()
    return parts[1] if len(parts) == 3 else None


async def send_file(writer, path):
    size = os.path.getsize(path)
    writer.write(b"HTTP/1.1 200 OK\r\nContent-Type: application/octet-stream\r\n"
                 b"Content-Length: %d\r\nConnection: close\r\n\r\n" % size)
    with open(path, "rb") as f:
        while chunk := f.read(CHUNK):
            writer.write(chunk)
            await writer.drain()


async def proxy(writer, backend_port, path):
    up_reader, up_writer = await asyncio.open_connection("127.0.0.1", backend_port)
    try:
        up_writer.write(b"GET %s HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"
                        % path.encode())
        await up_writer.drain()
        # The upstream's status line and headers are passed on as they are.
        while True:
            line = await up_reader.readline()
            writer.write(line)
            if line in (b"\r\n", b""):
                break
        while chunk := await up_reader.read(CHUNK):
            writer.write(chunk)
            await writer.drain()
    finally:
        up_writer.close()


def handler(file, backend_port):
    async def handle(reader, writer):
        try:
            path = await read_request(reader)
            if path and path.startswith("/proxy/") and backend_port:
                await proxy(writer, backend_port, path[len("/proxy"):])
            elif path:
                await send_file(writer, file)
        except (ConnectionError, OSError):
            pass    # a client gone mid-body
        finally:
            writer.close()
    return handle


async def main():
    port, backend_port, file = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
    stop = asyncio.Event()
    asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, stop.set)
    await asyncio.start_server(handler(file, 0), "127.0.0.1", backend_port)
    await asyncio.start_server(handler(file, backend_port), "127.0.0.1", port)
    await stop.wait()


if __name__ == "__main__":
    asyncio.run(main())
