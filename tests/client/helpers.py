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
    "RetryAfterPasses",
    "connect",
    "refused_port",
    "route_count",
    "share_virtual_time",
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


class RetryAfterPasses(httpx.AsyncBaseTransport):
    """A real HTTP transport that, on each 429, moves the sandbox's clock by its Retry-After.

    With a ``frozen_clock`` sandbox the rate limit refills only on the sandbox's clock: this
    makes "the client waited as told" true on the server's side at once, whatever the client
    really slept (tests cap Retry-After to milliseconds), so no test depends on how fast it ran.
    """

    def __init__(self, sandbox: RunningSandbox) -> None:
        self._inner = httpx.AsyncHTTPTransport(verify=False)
        self._clock = sandbox.clock
        self.seen_429 = 0

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        response = await self._inner.handle_async_request(request)
        if response.status_code == 429:
            self.seen_429 += 1
            self._clock.advance(float(response.headers["retry-after"]))
        return response

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


class _VirtualTime:
    """One clock for the client's rate limiter and the sandbox: it moves only when slept on."""

    def __init__(self, sandbox: RunningSandbox) -> None:
        self._sandbox_clock = sandbox.clock
        self.now = 0.0

    def clock(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.now += seconds
        self._sandbox_clock.advance(seconds)
        await asyncio.sleep(0)


def share_virtual_time(client: TrackDriveClient, sandbox: RunningSandbox) -> None:
    """Run ``client``'s rate limiter on a virtual clock that also moves ``sandbox``'s clock.

    With a ``frozen_clock`` sandbox, the server's bucket then refills exactly as fast as the
    client's limiter lets time pass, so "max_rps under the server's limit" is checked without
    any real waiting or race. (Reaches into the client until it takes a clock of its own.)
    """
    virtual = _VirtualTime(sandbox)
    limiter = client._limiter
    limiter._clock = virtual.clock
    limiter._sleep = virtual.sleep
