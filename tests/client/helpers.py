"""Helpers of the client tests: a client wired to a running sandbox, and its counts."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any, Final

import httpx

from reconciler.trackdrive import Account, Backoff, TrackDriveClient, build_http_client
from tests.support.sandbox_server import RunningSandbox

__all__ = ["FAST", "LIST", "POST", "PeakCounter", "connect", "route_count"]

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
