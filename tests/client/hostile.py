"""A small misbehaving HTTP server on a raw socket: one mode per hostile answer.

Each mode answers every request the same bad way, which the sandbox (a well-behaved server)
cannot do: a body trickled one byte at a time, a page count of a billion, pages without end,
a body larger than any page, ids that are no ids, a count that never matches its records.
It runs its own event loop in a thread, so the client under test talks to it over real TCP.
"""

from __future__ import annotations

import asyncio
import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, Literal
from urllib.parse import parse_qs, urlsplit

__all__ = ["Mode", "hostile_server"]

Mode = Literal["trickle", "billion_count", "endless", "huge_body", "bad_id", "inconsistent"]

# How long the trickle mode waits between two bytes: with a body of 100,000 bytes, about
# three hours, so any client bound that trips does so long before the body could end.
_TRICKLE_GAP_S = 0.1
_TRICKLE_BODY = 100_000


def _record(schedule_id: object, name: str) -> dict[str, Any]:
    return {"id": schedule_id, "name": name, "offer_id": None, "paused": False}


def _page_body(mode: Mode, page: int, bad_id: object) -> bytes:
    if mode == "billion_count":
        body: Any = {"schedules": [_record(page, f"s{page}")], "metadata": {"total_count": 10**9}}
    elif mode == "endless":
        body = [_record(page, f"s{page}")]  # a bare array: pages are read until one is empty
    elif mode == "bad_id":
        body = {
            "schedules": [_record(1, "fine"), _record(bad_id, "bad")],
            "metadata": {"total_count": 2, "total_pages": 1},
        }
    elif mode == "inconsistent":
        body = {
            "schedules": [_record(1, "a"), _record(2, "b"), _record(3, "c")],
            "metadata": {"total_count": 5, "total_pages": 1},
        }
    else:
        body = {"schedules": [], "metadata": {"total_count": 0, "total_pages": 0}}
    return json.dumps(body).encode()


class _Server:
    def __init__(self, mode: Mode, bad_id: object, huge_bytes: int) -> None:
        self.mode = mode
        self.bad_id = bad_id
        self.huge_bytes = huge_bytes
        self.requests: list[str] = []

    async def handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while True:
                head = await reader.readuntil(b"\r\n\r\n")
                target = head.split(b" ", 2)[1].decode()
                length = 0
                for line in head.split(b"\r\n"):
                    if line.lower().startswith(b"content-length:"):
                        length = int(line.split(b":", 1)[1])
                if length:
                    await reader.readexactly(length)
                self.requests.append(target)
                await self._answer(target, writer)
        except (asyncio.IncompleteReadError, ConnectionError):
            pass
        finally:
            writer.close()

    async def _answer(self, target: str, writer: asyncio.StreamWriter) -> None:
        query = parse_qs(urlsplit(target).query)
        page = int(query.get("page", ["1"])[0])
        if self.mode == "trickle":
            writer.write(
                b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                + f"Content-Length: {_TRICKLE_BODY}\r\n\r\n".encode()
            )
            for _ in range(_TRICKLE_BODY):
                writer.write(b" ")
                await writer.drain()
                await asyncio.sleep(_TRICKLE_GAP_S)
            return
        if self.mode == "huge_body":
            # Chunked, with no Content-Length: only counting the bytes read can stop it.
            writer.write(
                b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                b"Transfer-Encoding: chunked\r\n\r\n"
            )
            chunk = b" " * 1024
            for _ in range(self.huge_bytes // len(chunk)):
                writer.write(f"{len(chunk):x}\r\n".encode() + chunk + b"\r\n")
                await writer.drain()
            writer.write(b"0\r\n\r\n")
            await writer.drain()
            return
        body = _page_body(self.mode, page, self.bad_id)
        writer.write(
            b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
            + f"Content-Length: {len(body)}\r\n\r\n".encode()
            + body
        )
        await writer.drain()


@contextmanager
def hostile_server(
    mode: Mode, *, bad_id: object = -5, huge_bytes: int = 1024 * 1024
) -> Iterator[tuple[str, list[str]]]:
    """A server in ``mode`` on a free 127.0.0.1 port: (its base URL, the targets it was sent)."""
    server = _Server(mode, bad_id, huge_bytes)
    loop = asyncio.new_event_loop()
    started = threading.Event()
    holder: dict[str, Any] = {}

    async def serve() -> None:
        listener = await asyncio.start_server(server.handle, "127.0.0.1", 0)
        holder["port"] = listener.sockets[0].getsockname()[1]
        holder["listener"] = listener
        started.set()

    def run() -> None:
        asyncio.set_event_loop(loop)
        loop.run_until_complete(serve())
        loop.run_forever()

    thread = threading.Thread(target=run, name=f"hostile-{mode}", daemon=True)
    thread.start()
    if not started.wait(timeout=30):
        raise RuntimeError("the hostile server did not start")
    try:
        yield f"http://127.0.0.1:{holder['port']}", server.requests
    finally:

        async def stop() -> None:
            holder["listener"].close()
            for task in asyncio.all_tasks():
                if task is not asyncio.current_task():
                    task.cancel()

        asyncio.run_coroutine_threadsafe(stop(), loop).result(timeout=30)
        loop.call_soon_threadsafe(loop.stop)
        thread.join(timeout=30)
        loop.close()
