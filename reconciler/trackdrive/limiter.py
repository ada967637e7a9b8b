"""A request gate shared by every request of a run: bounded concurrency and a token bucket.

Implementation detail of the client. The gate is taken in this order: first a concurrency slot,
then a token, so the moment a token is spent is the moment the request leaves (a request never
holds a token while it queues for a slot, which would let a burst through when slots free up).
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager

__all__ = ["Limiter"]


class Limiter:
    """At most ``concurrency`` requests in flight and, with ``max_rps``, at most that many a second.

    The bucket holds ``burst`` tokens (default 1: evenly spaced requests, which keeps under a
    server's limit whatever its own bucket size). ``pause(seconds)`` stops every request from
    starting for that long, which is how one 429's Retry-After slows the whole run down instead
    of only the request that received it. ``waited_s`` sums the time requests were held by
    the rate limit or a pause.
    """

    def __init__(
        self,
        *,
        concurrency: int,
        max_rps: float | None,
        burst: int = 1,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        if concurrency < 1:
            raise ValueError(f"concurrency must be at least 1, got {concurrency}")
        if max_rps is not None and max_rps <= 0:
            raise ValueError(f"max_rps must be positive, got {max_rps}")
        if burst < 1:
            raise ValueError(f"burst must be at least 1, got {burst}")
        self.concurrency = concurrency
        self.max_rps = max_rps
        self._burst = float(burst)
        self._clock = clock
        self._sleep = sleep
        # Created lazily: an asyncio.Semaphore made outside a running loop is fine on 3.10+,
        # but creating nothing in the constructor keeps it free of any loop or I/O.
        self._slots: asyncio.Semaphore | None = None
        self._tokens = self._burst
        self._refilled_at: float | None = None
        self._paused_until = 0.0
        self.waited_s = 0.0

    @asynccontextmanager
    async def slot(self) -> AsyncIterator[None]:
        """Hold a concurrency slot and one token for the duration of one request."""
        if self._slots is None:
            self._slots = asyncio.Semaphore(self.concurrency)
        async with self._slots:
            # Only the rate limit and pauses count as waiting: queueing for a slot is the
            # concurrency bound doing its job, and summed over requests it would dwarf the run.
            started = self._clock()
            await self._wait_for_pause()
            await self._take_token()
            self.waited_s += self._clock() - started
            yield

    def pause(self, seconds: float) -> None:
        """Let no request start for ``seconds`` from now (extends, never shortens, a pause)."""
        if seconds > 0:
            self._paused_until = max(self._paused_until, self._clock() + seconds)

    async def _wait_for_pause(self) -> None:
        # A loop, because another 429 may extend the pause while this request sleeps.
        while (remaining := self._paused_until - self._clock()) > 0:
            await self._sleep(remaining)

    async def _take_token(self) -> None:
        if self.max_rps is None:
            return
        now = self._clock()
        if self._refilled_at is not None:
            elapsed = now - self._refilled_at
            self._tokens = min(self._burst, self._tokens + elapsed * self.max_rps)
        self._refilled_at = now
        # Reserve the token now, even if it is not there yet: a negative balance is the queue
        # of requests already promised a later start, so waiters leave in arrival order and
        # no lock is needed (nothing awaits between reading and updating the balance).
        self._tokens -= 1
        if self._tokens < 0:
            await self._sleep(-self._tokens / self.max_rps)
