"""A request gate shared by every request of a run: bounded concurrency and an adaptive rate.

Implementation detail of the client. The gate is taken in this order: first a concurrency slot,
then a token, so the moment a token is spent is the moment the request leaves (a request never
holds a token while it queues for a slot, which would let a burst through when slots free up).

TrackDrive documents no rate limit, so the limiter finds one (AIMD, as TCP does): it starts
unlimited (or at ``max_rps``), and each 429 multiplies the rate by ``decrease`` while each
answer that was not a 429 adds back a little (``increase_rps`` per second of traffic). Only
``max_rps`` is a hard ceiling; the learnt rate always stays at or under it.
"""

from __future__ import annotations

import asyncio
import time
from collections import deque
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from typing import Final

__all__ = ["Limiter"]

# Answers counted to estimate the rate the server accepted, the first time it says 429.
_WINDOW_S: Final = 1.0


class Limiter:
    """At most ``concurrency`` requests in flight and, once a rate is set or learnt, that rate.

    The bucket holds ``burst`` tokens (default 1: evenly spaced requests, which keeps under a
    server's limit whatever its own bucket size). ``pause(seconds)`` stops every request from
    starting for that long, which is how one 429's Retry-After slows the whole run down instead
    of only the request that received it. ``throttled(sent_at)`` and ``answered()`` drive the
    learnt rate; ``adaptive=False`` keeps the rate at ``max_rps`` whatever happens.
    ``waited_s`` sums the time requests were held by the rate or a pause.
    """

    def __init__(
        self,
        *,
        concurrency: int,
        max_rps: float | None,
        burst: int = 1,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
        adaptive: bool = True,
        decrease: float = 0.8,
        increase_rps: float = 0.1,
        min_rps: float = 0.2,
    ) -> None:
        if concurrency < 1:
            raise ValueError(f"concurrency must be at least 1, got {concurrency}")
        if max_rps is not None and max_rps <= 0:
            raise ValueError(f"max_rps must be positive, got {max_rps}")
        if burst < 1:
            raise ValueError(f"burst must be at least 1, got {burst}")
        if not 0 < decrease < 1:
            raise ValueError(f"decrease must be between 0 and 1, got {decrease}")
        self.concurrency = concurrency
        self.max_rps = max_rps
        self.adaptive = adaptive
        #: The rate requests leave at now (None: no limit yet); at most ``max_rps``.
        self.rate: float | None = max_rps
        self._decrease = decrease
        self._increase_rps = increase_rps
        self._min_rps = min(min_rps, max_rps) if max_rps is not None else min_rps
        self._burst = float(burst)
        self._clock = clock
        self._sleep = sleep
        # Created lazily: an asyncio.Semaphore made outside a running loop is fine on 3.10+,
        # but creating nothing in the constructor keeps it free of any loop or I/O.
        self._slots: asyncio.Semaphore | None = None
        self._tokens = self._burst
        self._refilled_at: float | None = None
        self._paused_until = 0.0
        self._lowered_at = float("-inf")
        self._answers: deque[float] = deque()
        self.waited_s = 0.0

    @asynccontextmanager
    async def slot(self) -> AsyncIterator[float]:
        """Hold a concurrency slot and one token for one request; yields when it left."""
        if self._slots is None:
            self._slots = asyncio.Semaphore(self.concurrency)
        async with self._slots:
            # Only the rate limit and pauses count as waiting: queueing for a slot is the
            # concurrency bound doing its job, and summed over requests it would dwarf the run.
            started = self._clock()
            await self._wait_for_pause()
            delay = self._reserve_token()
            if delay > 0:
                await self._sleep(delay)
                # A 429 may have paused the run while this request waited for its token.
                await self._wait_for_pause()
            left = self._clock()
            self.waited_s += left - started
            yield left

    def pause(self, seconds: float) -> None:
        """Let no request start for ``seconds`` from now (extends, never shortens, a pause)."""
        if seconds > 0:
            self._paused_until = max(self._paused_until, self._clock() + seconds)

    def throttled(self, sent_at: float) -> None:
        """A request that left at ``sent_at`` got a 429: lower the rate, once per burst.

        Requests that left before the last decrease were sent at the old rate: their 429s
        say nothing new, so they do not lower it again.
        """
        if not self.adaptive or sent_at <= self._lowered_at:
            return
        now = self._clock()
        current = self.rate if self.rate is not None else self._accepted_rate(now)
        self.rate = max(self._min_rps, current * self._decrease)
        self._lowered_at = now

    def answered(self) -> None:
        """A request got an answer that was not a 429: raise the rate a little."""
        if not self.adaptive:
            return
        now = self._clock()
        if self.rate is None:
            # Remember recent answers, to start from what the server accepted at the first 429.
            self._answers.append(now)
            while self._answers and self._answers[0] < now - _WINDOW_S:
                self._answers.popleft()
            return
        # rate answers a second, each adding increase/rate: the rate grows increase_rps a second.
        raised = self.rate + self._increase_rps / self.rate
        self.rate = raised if self.max_rps is None else min(self.max_rps, raised)

    def _accepted_rate(self, now: float) -> float:
        recent = sum(1 for at in self._answers if at >= now - _WINDOW_S)
        return max(1.0, recent / _WINDOW_S)

    async def _wait_for_pause(self) -> None:
        # A loop, because another 429 may extend the pause while this request sleeps.
        while (remaining := self._paused_until - self._clock()) > 0:
            await self._sleep(remaining)

    def _reserve_token(self) -> float:
        """Take a token now, even if it is not there yet; return the seconds until it is."""
        rate = self.rate
        if rate is None:
            return 0.0
        now = self._clock()
        if self._refilled_at is not None:
            elapsed = now - self._refilled_at
            self._tokens = min(self._burst, self._tokens + elapsed * rate)
        self._refilled_at = now
        # A negative balance is the queue of requests already promised a later start, so
        # waiters leave in arrival order and no lock is needed (nothing awaits between reading
        # and updating the balance).
        self._tokens -= 1
        return -self._tokens / rate if self._tokens < 0 else 0.0
