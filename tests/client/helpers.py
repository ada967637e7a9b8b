"""Helpers of the client tests: a client wired to a running sandbox, and its counts."""

from __future__ import annotations

import asyncio
import socket
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager
from typing import Any, Final

import httpx

from reconciler.trackdrive import Account, Backoff, TrackDriveClient, build_http_client
from tests.support.sandbox_server import RunningSandbox

__all__ = [
    "FAST",
    "LIST",
    "POST",
    "PeakCounter",
    "VirtualTime",
    "connect",
    "refused_port",
    "route_count",
]

# Real backoff machinery, with waits of milliseconds so no test sleeps for long.
FAST: Final = Backoff(initial=0.001, maximum=0.005, jitter=0.001, retry_after_cap=0.01)

LIST: Final = "GET /api/v1/schedules"
POST: Final = "POST /api/v1/schedules"


@asynccontextmanager
async def connect(
    sandbox: RunningSandbox,
    *,
    public_key: str | None = None,
    private_key: str | None = None,
    timeout: float = 5.0,
    transport: httpx.AsyncBaseTransport | None = None,
    **options: Any,
) -> AsyncIterator[TrackDriveClient]:
    """A TrackDriveClient on ``sandbox`` over real HTTP (FAST backoff unless told otherwise)."""
    account = Account(
        sandbox.base_url,
        public_key or sandbox.config.public_key,
        private_key or sandbox.config.private_key,
    )
    options.setdefault("backoff", FAST)
    # Plain HTTP: verify=False only skips building a CA store the connection never uses.
    transport = transport or httpx.AsyncHTTPTransport(verify=False)
    async with build_http_client(account, timeout=timeout, transport=transport) as http:
        yield TrackDriveClient(http, **options)


def route_count(sandbox: RunningSandbox, route: str) -> int:
    """How many requests the sandbox received on ``route`` ("GET /api/v1/schedules")."""
    by_route: dict[str, int] = sandbox.stats()["by_route"]
    return by_route.get(route, 0)


class PeakCounter(httpx.AsyncBaseTransport):
    """A real HTTP transport that also records the most requests it ever had in flight."""

    def __init__(self) -> None:
        self._inner = httpx.AsyncHTTPTransport(verify=False)
        self._in_flight = 0
        self.peak = 0

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        self._in_flight += 1
        self.peak = max(self.peak, self._in_flight)
        try:
            return await self._inner.handle_async_request(request)
        finally:
            self._in_flight -= 1

    async def aclose(self) -> None:
        await self._inner.aclose()


@contextmanager
def refused_port() -> Iterator[int]:
    """A 127.0.0.1 port that refuses connections for as long as the block runs.

    The socket stays bound (but never listens), so no other process can take the port meanwhile:
    a connection to it is refused, every time.
    """
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        yield port


class VirtualTime:
    """One clock for a client's every wait and the sandbox's rate limit; it moves when slept on.

    Pass ``clock=vt.clock, sleep=vt.sleep`` to the client and give the sandbox a
    ``frozen_clock()``: each wait the client makes (max_rps spacing, Retry-After, backoff)
    then takes no real time and moves the server's clock by exactly as much, so the server's
    bucket refills as if the client had really waited. No test depends on the machine's speed.
    """

    def __init__(self, sandbox: RunningSandbox | None = None) -> None:
        self._sandbox_clock = sandbox.clock if sandbox is not None else None
        self.now = 0.0
        self.sleeps: list[float] = []

    def clock(self) -> float:
        """The virtual time, in seconds."""
        return self.now

    async def sleep(self, seconds: float) -> None:
        """Move the virtual time (and the sandbox's clock) by ``seconds``, then yield."""
        self.sleeps.append(seconds)
        self.now += seconds
        if self._sandbox_clock is not None:
            self._sandbox_clock.advance(seconds)
        await asyncio.sleep(0)
