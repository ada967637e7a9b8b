"""The shared gate: a token bucket and a concurrency bound, on a fake clock."""

from __future__ import annotations

import asyncio
import re

import pytest

from reconciler.errors import RateLimitedError
from reconciler.trackdrive import Backoff
from reconciler.trackdrive.limiter import Limiter
from tests.client.helpers import connect
from tests.support.sandbox_server import MakeSandbox, frozen_clock

pytestmark = pytest.mark.anyio


class FakeTime:
    """A clock that advances only when something sleeps on it."""

    def __init__(self) -> None:
        self.now = 0.0
        self.slept: list[float] = []

    def clock(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds
        await asyncio.sleep(0)


async def test_requests_are_spaced_by_max_rps() -> None:
    """With max_rps=4 and burst 1, request i starts at i/4 seconds."""
    time = FakeTime()
    limiter = Limiter(concurrency=1, max_rps=4, clock=time.clock, sleep=time.sleep)
    starts = []
    for _ in range(5):
        async with limiter.slot():
            starts.append(time.now)
    assert starts == [0.0, 0.25, 0.5, 0.75, 1.0]


async def test_without_max_rps_nothing_waits() -> None:
    """No rate limit means no waiting at all."""
    time = FakeTime()
    limiter = Limiter(concurrency=2, max_rps=None, clock=time.clock, sleep=time.sleep)
    for _ in range(10):
        async with limiter.slot():
            pass
    assert (time.now, limiter.waited_s) == (0.0, 0.0)


async def test_concurrency_bounds_requests_in_flight() -> None:
    """No more than `concurrency` requests hold a slot at once."""
    limiter = Limiter(concurrency=3, max_rps=None)
    in_flight = 0
    peak = 0

    async def request() -> None:
        nonlocal in_flight, peak
        async with limiter.slot():
            in_flight += 1
            peak = max(peak, in_flight)
            await asyncio.sleep(0.001)
            in_flight -= 1

    await asyncio.gather(*(request() for _ in range(20)))
    assert peak == 3


async def test_pause_holds_every_request() -> None:
    """After pause(2), the next request starts 2 seconds later and the wait is counted."""
    time = FakeTime()
    limiter = Limiter(concurrency=4, max_rps=None, clock=time.clock, sleep=time.sleep)
    limiter.pause(2.0)
    limiter.pause(1.0)  # a shorter pause never shortens the longer one
    async with limiter.slot():
        assert time.now == 2.0
    assert limiter.waited_s == 2.0


@pytest.mark.parametrize(
    ("concurrency", "max_rps", "burst", "message"),
    [
        (0, None, 1, "concurrency must be at least 1, got 0"),
        (1, 0.0, 1, "max_rps must be positive, got 0.0"),
        (1, None, 0, "burst must be at least 1, got 0"),
    ],
)
async def test_nonsense_settings_are_refused(
    concurrency: int, max_rps: float | None, burst: int, message: str
) -> None:
    """Zero concurrency, a non-positive rate or an empty bucket is a ValueError naming it."""
    with pytest.raises(ValueError, match=f"^{re.escape(message)}$"):
        Limiter(concurrency=concurrency, max_rps=max_rps, burst=burst)


async def test_the_client_waits_on_the_injected_clock(make_sandbox: MakeSandbox) -> None:
    """A client given clock and sleep spends every Retry-After wait on them, not on real time."""
    # One token, then a Retry-After of 1000 s; the sandbox's clock stands, so it stays 1000.
    sandbox = make_sandbox(rate_limit_rps=0.001, clock=frozen_clock())
    time = FakeTime()
    capped = Backoff(initial=1.0, maximum=1.0, jitter=0.0, retry_after_cap=30.0)
    async with connect(
        sandbox, retry_attempts=3, backoff=capped, clock=time.clock, sleep=time.sleep
    ) as client:
        await client.new_schedule()  # spends the bucket's only token
        with pytest.raises(RateLimitedError) as caught:
            await client.get_schedule(1)
    assert str(caught.value) == (
        "GET /api/v1/schedules/1 answered 429: rate limited "
        "(base: Rate limit exceeded. Retry in 1000 seconds., retry after 1000 s)"
    )
    assert time.slept == [30.0, 30.0]  # Retry-After capped at 30 s, before attempts 2 and 3


async def test_a_429_lowers_the_rate_to_a_fraction_of_what_the_server_accepted() -> None:
    """Unlimited at first; a 429 after 5 answers in the last second sets the rate to 5 x 0.8."""
    time = FakeTime()
    limiter = Limiter(concurrency=8, max_rps=None, clock=time.clock, sleep=time.sleep)
    for _ in range(5):
        async with limiter.slot():
            limiter.answered()
    async with limiter.slot() as left:
        pass
    limiter.throttled(left)
    assert limiter.rate == 4.0


async def test_429s_of_one_burst_lower_the_rate_once() -> None:
    """Requests that left before the last decrease do not lower the rate again."""
    time = FakeTime()
    limiter = Limiter(concurrency=8, max_rps=10.0, clock=time.clock, sleep=time.sleep)
    limiter.throttled(0.0)
    limiter.throttled(0.0)  # same burst: it left no later than the decrease at t=0
    assert limiter.rate == 8.0
    time.now = 1.0
    limiter.throttled(0.5)  # left after the decrease: the lower rate is still too high
    assert limiter.rate == 6.4


async def test_answers_raise_the_rate_additively_up_to_max_rps() -> None:
    """Each answer adds increase/rate, so a second of answers adds increase; max_rps caps it."""
    time = FakeTime()
    limiter = Limiter(
        concurrency=1, max_rps=4.5, increase_rps=0.5, clock=time.clock, sleep=time.sleep
    )
    limiter.throttled(0.0)  # 4.5 x 0.8 = 3.6
    assert limiter.rate == pytest.approx(3.6)
    for _ in range(4):
        limiter.answered()
    assert limiter.rate == pytest.approx(4.127, abs=0.001)  # 3.739, 3.873, 4.002, 4.127
    for _ in range(10):
        limiter.answered()
    assert limiter.rate == 4.5


async def test_a_fixed_rate_does_not_adapt() -> None:
    """With adaptive=False, 429s and answers leave max_rps as it is."""
    limiter = Limiter(concurrency=1, max_rps=3.0, adaptive=False)
    limiter.throttled(0.0)
    limiter.answered()
    assert limiter.rate == 3.0


async def test_a_pause_set_while_waiting_for_a_token_holds_the_request() -> None:
    """A request queued for its token also waits out a pause that began meanwhile."""
    time = FakeTime()
    limiter = Limiter(concurrency=2, max_rps=1.0, clock=time.clock, sleep=time.sleep)
    async with limiter.slot():
        pass  # spends the token: the next one is due at t=1
    limiter.pause(5.0)  # from t=0: a 429 elsewhere

    async with limiter.slot() as left:
        assert left == 5.0
