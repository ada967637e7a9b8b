"""Bounds on what the server controls: each hostile answer ends in one error naming its bound.

The hostile answers come from ``tests.client.hostile`` over real TCP. No test races the wall
clock: slow answers are slower than their bound by a factor of thousands, and the run's
deadline is measured on an injected clock.
"""

from __future__ import annotations

import socket
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest

from reconciler.cli import main
from reconciler.errors import (
    BoundExceededError,
    InconsistentListingError,
    RateLimitedError,
    TransportError,
    UnexpectedResponseError,
)
from reconciler.trackdrive import Account, Backoff, TrackDriveClient, build_http_client
from reconciler.trackdrive.bounds import Bounds
from reconciler.trackdrive.exchange import RetryNotice
from tests.client.helpers import connect
from tests.client.hostile import hostile_server
from tests.client.test_limiter import FakeTime
from tests.support.sandbox_server import MakeSandbox, frozen_clock

pytestmark = pytest.mark.anyio

STEADY = Backoff(initial=1.0, maximum=1.0, jitter=0.0, retry_after_cap=30.0)


@asynccontextmanager
async def client_at(
    base_url: str, *, timeout: float = 10.0, **options: Any
) -> AsyncIterator[TrackDriveClient]:
    """A client on ``base_url`` over real HTTP, with steady 1 s backoff unless told otherwise."""
    options.setdefault("backoff", STEADY)
    transport = httpx.AsyncHTTPTransport(verify=False)
    account = Account(base_url, "public", "private")
    async with build_http_client(account, timeout=timeout, transport=transport) as http:
        yield TrackDriveClient(http, **options)


async def test_a_trickled_body_trips_the_answer_timeout() -> None:
    """A body sent one byte at a time ends at --timeout, though every single read is quick."""
    with hostile_server("trickle") as (url, requests):
        async with client_at(url, timeout=0.5, retry_attempts=1) as client:
            with pytest.raises(BoundExceededError) as caught:
                await client.list_schedules()
    assert str(caught.value) == (
        "GET /api/v1/schedules: no complete answer within 0.5 s (the answer timeout); "
        "raise it with --timeout"
    )
    assert caught.value.bound == "--timeout"
    assert len(requests) == 1


async def test_a_billion_records_without_a_page_count_trip_the_page_cap() -> None:
    """total_count 10^9 with one record a page implies 10^9 pages: refused after page 1."""
    with hostile_server("billion_count") as (url, requests):
        async with client_at(url) as client:
            with pytest.raises(BoundExceededError) as caught:
                await client.list_schedules()
    assert str(caught.value) == (
        "GET /api/v1/schedules: the listing has 1000000000 pages, more than the page limit "
        "of 2000; raise it with --max-pages"
    )
    assert len(requests) == 1


async def test_pages_without_end_trip_the_page_cap() -> None:
    """A bare-array listing whose pages never run out stops at the page cap."""
    with hostile_server("endless") as (url, requests):
        async with client_at(url, bounds=Bounds(max_pages=5)) as client:
            with pytest.raises(BoundExceededError) as caught:
                await client.list_schedules()
    assert str(caught.value) == (
        "GET /api/v1/schedules: the listing goes on past page 5, more than the page limit "
        "of 5; raise it with --max-pages"
    )
    assert len(requests) == 5


async def test_a_huge_body_trips_the_body_limit() -> None:
    """A chunked body with no Content-Length is cut off once it passes the body limit."""
    bounds = Bounds(max_body_bytes=512 * 1024)
    with hostile_server("huge_body", huge_bytes=4 * 1024 * 1024) as (url, requests):
        async with client_at(url, bounds=bounds) as client:
            with pytest.raises(BoundExceededError) as caught:
                await client.list_schedules()
    assert str(caught.value) == (
        "GET /api/v1/schedules: the answer is larger than the body limit of 0.5 MB; "
        "raise it with --max-body-mb"
    )
    assert len(requests) == 1  # too large is not retried: it would be as large again


@pytest.mark.parametrize(
    ("bad_id", "shown"),
    [
        (-5, "has id -5: ids are whole numbers from 1 to 2^63 - 1"),
        (0, "has id 0: ids are whole numbers from 1 to 2^63 - 1"),
        (2**63, "has id 9223372036854775808: ids are whole numbers from 1 to 2^63 - 1"),
        ("12a", "has no usable id: '12a'"),
        ("٣", "has no usable id: '٣'"),
        (True, "has no usable id: True"),
    ],
)
async def test_a_record_with_a_bad_id_stops_the_listing(bad_id: object, shown: str) -> None:
    """An id that is not a whole number in 1 .. 2^63 - 1 fails the page it came on."""
    with hostile_server("bad_id", bad_id=bad_id) as (url, requests):
        async with client_at(url) as client:
            with pytest.raises(UnexpectedResponseError) as caught:
                await client.list_schedules()
    assert caught.value.message == (
        f"GET /api/v1/schedules answered 200: a schedule record {shown}"
    )
    assert len(requests) == 1


async def test_a_listing_inconsistent_after_its_rereads_is_refused_when_asked() -> None:
    """A count that never matches: three readings, then InconsistentListingError (apply)."""
    with hostile_server("inconsistent") as (url, requests):
        async with client_at(url) as client:
            with pytest.raises(InconsistentListingError) as caught:
                await client.list_schedules(consistent=True)
    assert caught.value.message == (
        "GET /api/v1/schedules: the account reported 5 schedules but 3 were read, on each of "
        "3 readings: refusing to act on a listing that may miss schedules"
    )
    assert len(requests) == 3


async def test_a_listing_inconsistent_after_its_rereads_is_used_by_plan() -> None:
    """Without ``consistent`` (plan), the last reading is used, after a warning."""
    with hostile_server("inconsistent") as (url, _):
        async with client_at(url) as client:
            schedules = await client.list_schedules()
    assert [s.id for s in schedules] == [1, 2, 3]


async def test_the_run_deadline_stops_retries_on_the_injected_clock(
    make_sandbox: MakeSandbox,
) -> None:
    """With a 10 s deadline and 4 s waits, the third failure ends the run instead of waiting."""
    sandbox = make_sandbox(error_rate=1.0)
    time = FakeTime()
    backoff = Backoff(initial=4.0, maximum=4.0, jitter=0.0)
    async with connect(
        sandbox,
        backoff=backoff,
        bounds=Bounds(deadline_s=10.0),
        clock=time.clock,
        sleep=time.sleep,
    ) as client:
        with pytest.raises(BoundExceededError) as caught:
            await client.get_schedule(1)
    assert str(caught.value) == (
        "GET /api/v1/schedules/1: the run's deadline of 10 s passed; raise it with --deadline"
    )
    assert time.slept == [4.0, 4.0]
    assert client.stats.requests == 3


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    return port


async def test_a_refused_connection_is_retried_twice_then_reported() -> None:
    """Nothing listening: two retries, each announced in one line, then a TransportError."""
    notices: list[RetryNotice] = []
    time = FakeTime()
    url = f"http://127.0.0.1:{_closed_port()}"
    async with client_at(
        url, on_retry=notices.append, clock=time.clock, sleep=time.sleep
    ) as client:
        with pytest.raises(TransportError) as caught:
            await client.list_schedules()
    assert [str(n) for n in notices] == [
        "retrying GET page 1 after a refused connection, waiting 1.0 s (2/8)",
        "retrying GET page 1 after a refused connection, waiting 1.0 s (3/8)",
    ]
    assert caught.value.message.startswith("GET /api/v1/schedules: no answer from TrackDrive")
    assert client.stats.requests == 3


async def test_a_name_that_does_not_resolve_is_not_retried() -> None:
    """A DNS failure is reported at once: no retry line, one attempt."""
    notices: list[RetryNotice] = []
    async with client_at("http://no-such-account.invalid", on_retry=notices.append) as client:
        with pytest.raises(TransportError) as caught:
            await client.list_schedules()
    assert notices == []
    # Between these two parts stands the resolver's own account, which differs by system.
    assert caught.value.message.startswith(
        "GET /api/v1/schedules: the host name does not resolve (ConnectError: "
    )
    assert caught.value.message.endswith("; not retried")
    assert caught.value.hint == "check the account URL (--subdomain / --api-url) and the DNS"
    assert client.stats.requests == 1


async def test_each_retry_is_announced_with_its_reason_and_wait(make_sandbox: MakeSandbox) -> None:
    """A 429 on a page gives one notice: what is retried, after what, how long, which try."""
    # One token, then a Retry-After of 1000 s; the sandbox's clock stands, so it stays 1000.
    sandbox = make_sandbox(rate_limit_rps=0.001, clock=frozen_clock())
    notices: list[RetryNotice] = []
    time = FakeTime()
    async with connect(
        sandbox,
        retry_attempts=2,
        backoff=STEADY,
        on_retry=notices.append,
        clock=time.clock,
        sleep=time.sleep,
    ) as client:
        await client.new_schedule()  # spends the bucket's only token
        with pytest.raises(RateLimitedError) as caught:
            await client.list_schedules()
    assert [str(n) for n in notices] == ["retrying GET page 1 after 429, waiting 30.0 s (2/2)"]
    assert str(caught.value) == (
        "GET /api/v1/schedules answered 429: rate limited "
        "(base: Rate limit exceeded. Retry in 1000 seconds., retry after 1000 s)"
    )


def test_a_tripped_bound_is_one_error_line_from_the_cli(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`reconciler plan` against a billion-page answer: exit 1, one error line naming the bound."""
    (tmp_path / "specs").mkdir()
    (tmp_path / "specs" / "main.yaml").write_text("schedules: []\n", encoding="utf-8")
    monkeypatch.setenv("TRACKDRIVE_PUBLIC_KEY", "public")
    monkeypatch.setenv("TRACKDRIVE_PRIVATE_KEY", "private")
    with hostile_server("billion_count") as (url, _):
        code = main(["plan", "--specs", str(tmp_path / "specs"), "--api-url", url])
    stderr = capsys.readouterr().err
    assert code == 1
    errors = [line for line in stderr.splitlines() if line.startswith(("error:", "tip:"))]
    assert errors == [
        "error: GET /api/v1/schedules: the listing has 1000000000 pages, more than the page "
        "limit of 2000; raise it with --max-pages"
    ]
    assert "Traceback" not in stderr
