"""Listing and finding schedules against the sandbox over 127.0.0.1."""

from __future__ import annotations

import math
from decimal import Decimal
from typing import Any

import pytest

from tests.client.helpers import LIST, PeakCounter, connect, route_count
from tests.support.sandbox_server import MakeSandbox, RunningSandbox

pytestmark = pytest.mark.anyio


@pytest.mark.parametrize(
    ("count", "ignore_per_page", "page_size"),
    [
        (0, True, 25),
        (1, True, 25),
        (25, True, 25),
        (26, True, 25),
        (1000, True, 25),
        (1000, False, 100),
    ],
)
async def test_a_listing_costs_one_request_per_page(
    make_sandbox: MakeSandbox, count: int, ignore_per_page: bool, page_size: int
) -> None:
    """N schedules are read in ceil(N / page size) GETs, each schedule exactly once."""
    sandbox = make_sandbox(seed=str(count), ignore_per_page=ignore_per_page)
    async with connect(sandbox) as client:
        schedules = await client.list_schedules()
    assert len(schedules) == count
    assert len({s.id for s in schedules}) == count
    expected_requests = max(1, math.ceil(count / page_size))
    assert route_count(sandbox, LIST) == expected_requests
    assert client.stats.requests == expected_requests


async def test_the_answers_page_size_decides_not_the_request(make_sandbox: MakeSandbox) -> None:
    """A server capping per_page below what was asked still gets every record, page by page."""
    sandbox = make_sandbox(seed="100", per_page_max=30)
    async with connect(sandbox, per_page=100) as client:
        schedules = await client.list_schedules()
    assert len({s.id for s in schedules}) == 100
    assert route_count(sandbox, LIST) == 4


async def test_per_page_can_be_left_out(make_sandbox: MakeSandbox) -> None:
    """Without per_page the server's default page size (25) is used and read from metadata."""
    sandbox = make_sandbox(seed="60")
    async with connect(sandbox, per_page=None) as client:
        schedules = await client.list_schedules()
    assert len(schedules) == 60
    assert route_count(sandbox, LIST) == 3


async def test_the_merge_is_deterministic(make_sandbox: MakeSandbox) -> None:
    """Concurrent page fetches merge in page order: every listing gives the same sequence."""
    sandbox = make_sandbox(seed="300", ignore_per_page=True)
    async with connect(sandbox, concurrency=8) as concurrent:
        first = [s.id for s in await concurrent.list_schedules()]
        second = [s.id for s in await concurrent.list_schedules()]
    async with connect(sandbox, concurrency=1) as sequential:
        one_by_one = [s.id for s in await sequential.list_schedules()]
    assert first == second == one_by_one
    assert len(first) == 300


@pytest.mark.parametrize("concurrency", [1, 4, 8])
async def test_pages_are_fetched_concurrently_within_the_bound(
    make_sandbox: MakeSandbox, concurrency: int
) -> None:
    """Pages after the first are fetched in parallel, never more at once than `concurrency`."""
    sandbox = make_sandbox(seed="250", ignore_per_page=True, latency_ms=20)
    counter = PeakCounter()
    async with connect(sandbox, concurrency=concurrency, transport=counter) as client:
        schedules = await client.list_schedules()
    assert len(schedules) == 250
    assert route_count(sandbox, LIST) == 10
    assert counter.peak == concurrency


async def test_records_keep_decimals_exact_and_never_floats(make_sandbox: MakeSandbox) -> None:
    """Raw records hold no float anywhere; sortable_order is a string or a Decimal."""
    sandbox = make_sandbox(seed="40")
    async with connect(sandbox) as client:
        records = await client.list_records()

    def floats(value: Any) -> list[Any]:
        if isinstance(value, float):
            return [value]
        if isinstance(value, dict):
            return [f for v in value.values() for f in floats(v)]
        if isinstance(value, list):
            return [f for v in value for f in floats(v)]
        return []

    assert floats(records) == []
    orders = [r["sortable_order"] for r in records if r.get("sortable_order") is not None]
    assert orders
    assert all(isinstance(o, str | Decimal) for o in orders)


async def test_find_by_name_matches_the_exact_name_only(sandbox: RunningSandbox) -> None:
    """find_by_name returns exactly the schedules with that name, not near matches."""
    sandbox.seed_schedules(
        [{"name": "Solar"}, {"name": "Solar - East"}, {"name": "solar"}, {"name": "Solar"}]
    )
    async with connect(sandbox) as client:
        found = await client.find_by_name("Solar")
        missing = await client.find_by_name("Wind")
    assert sorted(s.name for s in found) == ["Solar", "Solar"]
    assert len({s.id for s in found}) == 2
    assert missing == []


async def test_find_by_name_trusts_fulltext_once_it_found_a_name(sandbox: RunningSandbox) -> None:
    """After fulltext found a name once, a miss costs one search, not a full listing."""
    sandbox.seed_schedules([{"name": f"Schedule {i}"} for i in range(30)])
    async with connect(sandbox) as client:
        assert len(await client.find_by_name("Schedule 7")) == 1
        sandbox.reset()
        assert await client.find_by_name("Nope") == []
    assert route_count(sandbox, LIST) == 1
