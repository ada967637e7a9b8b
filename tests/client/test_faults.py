"""Surviving the sandbox's fault switches: 429 bursts, 5xx, lost responses, no answer at all."""

from __future__ import annotations

import asyncio
from decimal import Decimal

import pytest
import stamina

from reconciler.errors import BoundExceededError, RateLimitedError, ServerError, TransportError
from reconciler.trackdrive import Account, Backoff, TrackDriveClient, build_http_client
from tests.client.helpers import (
    FAST,
    LIST,
    POST,
    VirtualTime,
    connect,
    refused_port,
    route_count,
)
from tests.support.sandbox_server import MakeSandbox, RunningSandbox, frozen_clock

pytestmark = pytest.mark.anyio

PUT = "PUT /api/v1/schedules/:id"
DELETE = "DELETE /api/v1/schedules/:id"


async def test_a_429_burst_is_waited_out_as_retry_after_says(make_sandbox: MakeSandbox) -> None:
    """429s during a listing are retried after Retry-After (1 s here) and the listing completes."""
    sandbox = make_sandbox(seed="250", ignore_per_page=True, rate_limit_rps=5, clock=frozen_clock())
    honouring = Backoff(initial=0.01, maximum=0.05, jitter=0.01, retry_after_cap=2.0)
    time = VirtualTime(sandbox)
    async with connect(sandbox, backoff=honouring, clock=time.clock, sleep=time.sleep) as client:
        schedules = await client.list_schedules()
    stats = client.stats
    server = sandbox.stats()
    assert len(schedules) == 250
    # 10 pages against a bucket of 5 that refills only as the client's waits move time on.
    assert server["throttled"] == stats.throttled > 0
    assert stats.retries == stats.throttled
    assert route_count(sandbox, LIST) == 10 + stats.throttled
    assert 1.0 in time.sleeps  # the Retry-After: 1 the sandbox sent, slept as said
    assert stats.wait_s >= 1.0


async def test_max_rps_keeps_the_client_under_the_server_limit(make_sandbox: MakeSandbox) -> None:
    """With max_rps below the server's limit, a burst of pages never meets a 429."""
    sandbox = make_sandbox(seed="75", ignore_per_page=True, rate_limit_rps=2, clock=frozen_clock())
    time = VirtualTime(sandbox)
    async with connect(sandbox, max_rps=1.8, clock=time.clock, sleep=time.sleep) as client:
        schedules = await client.list_schedules()
    assert len(schedules) == 75
    assert sandbox.stats()["throttled"] == 0
    assert client.stats.throttled == 0
    # Pages 2 and 3 start 1/1.8 s and 2/1.8 s after page 1, on the shared virtual clock.
    assert client.stats.wait_s == pytest.approx(3 / 1.8)


async def test_without_max_rps_the_same_burst_meets_429s(make_sandbox: MakeSandbox) -> None:
    """The burst above, without max_rps, is throttled: the previous test is not vacuous."""
    sandbox = make_sandbox(seed="75", ignore_per_page=True, rate_limit_rps=2, clock=frozen_clock())
    time = VirtualTime(sandbox)
    # The production backoff: on the virtual clock its Retry-After waits cost nothing.
    async with connect(sandbox, backoff=Backoff(), clock=time.clock, sleep=time.sleep) as client:
        schedules = await client.list_schedules()
    assert len(schedules) == 75
    assert sandbox.stats()["throttled"] == client.stats.throttled > 0


async def test_endless_429s_become_rate_limited_error(make_sandbox: MakeSandbox) -> None:
    """A 429 on every attempt ends in RateLimitedError with the last Retry-After and a hint."""
    sandbox = make_sandbox(rate_limit_rps=0.001, clock=frozen_clock())
    time = VirtualTime()  # the client's capped waits pass at once; the server's clock stands
    async with connect(sandbox, retry_attempts=3, clock=time.clock, sleep=time.sleep) as client:
        await client.new_schedule()  # spends the bucket's only token
        with pytest.raises(RateLimitedError) as caught:
            await client.get_schedule(1)
    assert caught.value.status == 429
    assert caught.value.path == "/api/v1/schedules/1"
    assert caught.value.retry_after == 1000.0  # a whole token at 0.001 rps
    assert caught.value.hint == "lower --max-rps or --concurrency and run again"
    assert client.stats.throttled == 3


async def test_random_5xx_are_retried_until_every_request_succeeds(
    make_sandbox: MakeSandbox,
) -> None:
    """With 20% injected 5xx, a 12-page listing and a create/update/delete all succeed."""
    sandbox = make_sandbox(seed="300", ignore_per_page=True, error_rate=0.2, seed_rng=3)
    async with connect(sandbox, retry_attempts=10) as client:
        schedules = await client.list_schedules()
        created = await client.create_schedule({"name": "Flaky", "sortable_order": Decimal(1)})
        await client.update_schedule(created.id, {"paused": True})
        await client.delete_schedule(created.id)
    server = sandbox.stats()
    assert len(schedules) == 300
    assert server["errors_injected"] > 0
    assert client.stats.retries == server["errors_injected"]
    sandbox.set_faults(error_rate=0.0)
    async with connect(sandbox) as check:
        assert await check.find_by_name("Flaky") == []


async def test_lasting_5xx_becomes_server_error(make_sandbox: MakeSandbox) -> None:
    """A 5xx on every attempt ends in ServerError after exactly retry_attempts requests."""
    sandbox = make_sandbox(error_rate=1.0, seed_rng=7)
    async with connect(sandbox, retry_attempts=4) as client:
        with pytest.raises(ServerError) as caught:
            await client.get_schedule(1)
    assert str(caught.value) == (
        "GET /api/v1/schedules/1 answered 503: TrackDrive failed "
        "(base: Injected by the sandbox (error_rate).)"
    )
    assert caught.value.hint == "try again later"
    assert client.stats.requests == 4
    assert client.stats.retries == 3


async def test_stamina_test_mode_retries_without_waiting(make_sandbox: MakeSandbox) -> None:
    """Under stamina.set_testing, even the default backoff does not wait between retries."""
    sandbox = make_sandbox(error_rate=1.0, seed_rng=7)
    time = VirtualTime()
    with stamina.set_testing(True, attempts=3, cap=True):
        async with connect(
            sandbox, backoff=Backoff(), clock=time.clock, sleep=time.sleep
        ) as client:
            with pytest.raises(ServerError) as caught:
                await client.get_schedule(1)
    assert str(caught.value) == (
        "GET /api/v1/schedules/1 answered 502: TrackDrive failed "
        "(base: Injected by the sandbox (error_rate).)"
    )
    assert client.stats.requests == 3
    assert time.sleeps == []  # the default backoff would sleep 0.5 s, then 1 s or more
    assert Backoff().delay(1, None) >= 0.5  # ... outside test mode


async def test_a_create_whose_response_is_lost_is_adopted(make_sandbox: MakeSandbox) -> None:
    """A POST committed but unanswered is found by name and adopted: one POST, one schedule."""
    sandbox = make_sandbox(drop_after_commit_rate=1.0)
    async with connect(sandbox) as client:
        created = await client.create_schedule({"name": "Adopted", "paused": True})
    sandbox.set_faults(drop_after_commit_rate=0.0)
    async with connect(sandbox) as check:
        found = await check.find_by_name("Adopted")
    assert [s.id for s in found] == [created.id]
    assert created.fields["paused"] is True
    assert route_count(sandbox, POST) == 1
    assert sandbox.stats()["dropped_after_commit"] == 1


async def test_a_delete_whose_response_is_lost_counts_as_done(sandbox: RunningSandbox) -> None:
    """A DELETE committed but unanswered, retried into a 404, is done: no error."""
    async with connect(sandbox) as client:
        created = await client.create_schedule({"name": "Deleted twice"})
        sandbox.set_faults(drop_after_commit_rate=1.0)
        await client.delete_schedule(created.id)
    assert route_count(sandbox, DELETE) == 2
    sandbox.set_faults(drop_after_commit_rate=0.0)
    async with connect(sandbox) as check:
        assert await check.find_by_name("Deleted twice") == []


async def test_a_put_whose_response_is_always_lost_is_retried_then_fails(
    sandbox: RunningSandbox,
) -> None:
    """A PUT is idempotent: sent again on a lost answer, then a TransportError; it applied."""
    async with connect(sandbox, retry_attempts=3) as client:
        created = await client.create_schedule({"name": "Idempotent", "paused": False})
        sandbox.set_faults(drop_after_commit_rate=1.0)
        with pytest.raises(TransportError) as caught:
            await client.update_schedule(created.id, {"paused": True})
        sandbox.set_faults(drop_after_commit_rate=0.0)
        assert (await client.get_schedule(created.id)).fields["paused"] is True
    # The rest of the message is httpx's account of the cut (bytes received and expected).
    assert str(caught.value).startswith(
        f"PUT /api/v1/schedules/{created.id}: no answer from TrackDrive (RemoteProtocolError: "
    )
    assert caught.value.hint == "check the network and the account URL (--subdomain / --api-url)"
    assert route_count(sandbox, PUT) == 3


async def test_creates_under_every_fault_never_duplicate(make_sandbox: MakeSandbox) -> None:
    """Concurrent creates under 5xx and lost answers each yield exactly one live schedule."""
    sandbox = make_sandbox(seed="30", error_rate=0.1, drop_after_commit_rate=0.3, seed_rng=11)
    names = [f"Chaos {i:02}" for i in range(12)]
    async with connect(sandbox, retry_attempts=10) as client:
        created = await asyncio.gather(
            *(
                client.create_schedule({"name": n, "paused": True, "sortable_order": Decimal(i)})
                for i, n in enumerate(names)
            )
        )
    server = sandbox.stats()
    sandbox.set_faults(error_rate=0.0, drop_after_commit_rate=0.0)
    async with connect(sandbox) as check:
        live = await check.list_schedules()
    chaos = sorted((s for s in live if s.name.startswith("Chaos")), key=lambda s: s.name)
    assert [s.name for s in chaos] == names
    assert {s.id for s in chaos} == {c.id for c in created}
    assert [s.fields["sortable_order"] for s in chaos] == [Decimal(i) for i in range(12)]
    assert server["dropped_after_commit"] > 0
    assert server["errors_injected"] > 0


async def test_no_server_is_a_transport_error_after_retries() -> None:
    """A refused connection is retried, then raised as TransportError naming the request."""
    with refused_port() as port:
        account = Account(f"http://127.0.0.1:{port}", "pub", "priv")
        async with build_http_client(account, timeout=2.0) as http:
            client = TrackDriveClient(http, retry_attempts=3, backoff=FAST)
            with pytest.raises(TransportError) as caught:
                await client.list_schedules()
    assert str(caught.value) == (
        "GET /api/v1/schedules: no answer from TrackDrive "
        "(ConnectError: All connection attempts failed)"
    )
    assert caught.value.hint == "check the network and the account URL (--subdomain / --api-url)"
    assert client.stats.requests == 3


async def test_a_slow_server_trips_the_answer_timeout(make_sandbox: MakeSandbox) -> None:
    """No answer within --timeout on every attempt is a BoundExceededError naming --timeout."""
    sandbox = make_sandbox(latency_ms=3000)
    async with connect(sandbox, timeout=0.05, retry_attempts=2) as client:
        with pytest.raises(BoundExceededError) as caught:
            await client.get_schedule(1)
    assert str(caught.value) == (
        "GET /api/v1/schedules/1: no complete answer within 0.05 s (the answer timeout); "
        "raise it with --timeout"
    )
    assert caught.value.bound == "--timeout"
    assert client.stats.requests == 2
