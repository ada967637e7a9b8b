"""Fault switches, stats and the sandbox-only routes: each does what it says, reproducibly."""

from __future__ import annotations

import asyncio
import time

import httpx
import pytest

from reconciler.sandbox import ResponseDroppedError, SandboxConfig, create_app
from tests.support.sandbox_server import MakeSandbox, RunningSandbox, frozen_clock

#: How httpx reports an answer cut after its headers, before any byte of its body.
CUT_AFTER_HEADERS = "peer closed connection without sending complete message body (received 0 bytes"


def statuses(sandbox: RunningSandbox, count: int) -> list[int]:
    with sandbox.client() as client:
        return [client.get("/api/v1/schedules").status_code for _ in range(count)]


def total_count(sandbox: RunningSandbox) -> int:
    with sandbox.client() as client:
        count: int = client.get("/api/v1/schedules").json()["metadata"]["total_count"]
    return count


def test_latency_delays_every_api_response(make_sandbox: MakeSandbox) -> None:
    """latency_ms holds each API response back by at least that long."""
    running = make_sandbox(latency_ms=120)
    with running.client() as client:
        started = time.perf_counter()
        client.get("/api/v1/schedules")
        elapsed = time.perf_counter() - started
    assert elapsed >= 0.12


def test_the_rate_limit_answers_429_with_retry_after(make_sandbox: MakeSandbox) -> None:
    """Beyond rate_limit_rps the API answers 429, an integer Retry-After and the error body."""
    running = make_sandbox(rate_limit_rps=1, clock=frozen_clock())
    with running.client() as client:
        first = client.get("/api/v1/schedules")
        second = client.get("/api/v1/schedules")
    assert first.status_code == 200
    assert second.status_code == 429
    assert second.headers["retry-after"] == "1"
    assert second.json() == {
        "status": 429,
        "errors": {"base": ["Rate limit exceeded. Retry in 1 seconds."]},
    }
    assert running.stats()["throttled"] == 1


def test_the_rate_limit_holds_rate_tokens_and_refills_with_time(
    make_sandbox: MakeSandbox,
) -> None:
    """A bucket of 20 rps lets 20 requests through, then 429s until time refills it."""
    running = make_sandbox(rate_limit_rps=20, clock=frozen_clock())
    assert statuses(running, 22) == [200] * 20 + [429] * 2
    running.advance_clock(0.05)  # one token's worth: exactly one more request
    assert statuses(running, 2) == [200, 429]
    running.advance_clock(10)  # refills to the bucket's size, never beyond
    assert statuses(running, 21) == [200] * 20 + [429]


def test_error_rate_answers_5xx_before_touching_data(make_sandbox: MakeSandbox) -> None:
    """error_rate=1 answers every API request with 500, 502 or 503 and writes nothing."""
    running = make_sandbox(error_rate=1.0)
    with running.client() as client:
        responses = [client.post("/api/v1/schedules", json={"name": "A"}) for _ in range(6)]
    assert {response.status_code for response in responses} <= {500, 502, 503}
    assert all(response.json()["errors"]["base"] for response in responses)
    running.set_faults(error_rate=0.0)
    assert total_count(running) == 0
    assert running.stats()["errors_injected"] == 6


def test_faults_are_reproducible_with_seed_rng(make_sandbox: MakeSandbox) -> None:
    """Two sandboxes with the same seed_rng meet the same faults on the same requests."""
    first = make_sandbox(error_rate=0.5, seed_rng=7)
    second = make_sandbox(error_rate=0.5, seed_rng=7)
    other = make_sandbox(error_rate=0.5, seed_rng=8)
    sequence = statuses(first, 30)
    assert sequence == statuses(second, 30)
    assert sequence != statuses(other, 30)
    assert {200, 500, 502, 503} >= set(sequence) > {200}


def test_a_dropped_write_is_committed_but_its_response_is_lost(
    make_sandbox: MakeSandbox,
) -> None:
    """drop_after_commit_rate=1 commits a write, then cuts the connection mid-response."""
    running = make_sandbox(drop_after_commit_rate=1.0)
    with running.client() as client, pytest.raises(httpx.RemoteProtocolError) as caught:
        client.post("/api/v1/schedules", json={"name": "A"})
    # The headers went out (the length is known), none of the body: the commit happened first.
    assert str(caught.value).startswith(CUT_AFTER_HEADERS)
    assert total_count(running) == 1
    assert running.stats()["dropped_after_commit"] == 1


def test_drops_spare_reads_and_refused_writes(make_sandbox: MakeSandbox) -> None:
    """Only committed writes are dropped: reads and 422s are answered."""
    running = make_sandbox(drop_after_commit_rate=1.0)
    with running.client() as client:
        read = client.get("/api/v1/schedules")
        refused = client.post("/api/v1/schedules", json={"name": ""})
    assert (read.status_code, refused.status_code) == (200, 422)
    assert running.stats()["dropped_after_commit"] == 0


def test_a_dropped_write_in_process_raises_a_transport_error() -> None:
    """In-process (httpx.ASGITransport) a dropped response reaches the caller as the same error."""
    app = create_app(SandboxConfig(drop_after_commit_rate=1.0))

    async def dropped() -> int:
        transport = httpx.ASGITransport(app=app)
        auth = ("sandbox-public", "sandbox-private")
        async with httpx.AsyncClient(transport=transport, base_url="http://t", auth=auth) as client:
            with pytest.raises(ResponseDroppedError) as caught:
                await client.post("/api/v1/schedules", json={"name": "A"})
            assert isinstance(caught.value, httpx.RemoteProtocolError)
            assert caught.value.request.method == "POST"
            assert str(caught.value) == (
                "sandbox: the write was committed, then its response was dropped"
            )
            response = await client.get("/api/v1/schedules")
        count: int = response.json()["metadata"]["total_count"]
        return count

    try:
        assert asyncio.run(dropped()) == 1
    finally:
        app.state.sandbox.close()


def test_faults_change_at_runtime(sandbox: RunningSandbox) -> None:
    """PUT /_sandbox/faults switches drop-after-commit on mid-test, and off again."""
    with sandbox.client() as client:
        assert client.post("/api/v1/schedules", json={"name": "A"}).status_code == 200
        sandbox.set_faults(drop_after_commit_rate=1.0)
        with pytest.raises(httpx.RemoteProtocolError) as caught:
            client.post("/api/v1/schedules", json={"name": "B"})
        assert str(caught.value).startswith(CUT_AFTER_HEADERS)
        sandbox.set_faults(drop_after_commit_rate=0.0)
        assert client.post("/api/v1/schedules", json={"name": "C"}).status_code == 200
    assert total_count(sandbox) == 3


def test_page_size_switches_change_at_runtime(make_sandbox: MakeSandbox) -> None:
    """per_page_max and ignore_per_page set through /_sandbox/faults apply to the next list."""
    running = make_sandbox(seed="30")
    with running.client() as client:
        running.set_faults(per_page_max=7)
        capped = client.get("/api/v1/schedules", params={"per_page": 50}).json()
        running.set_faults(ignore_per_page=True)
        ignored = client.get("/api/v1/schedules", params={"per_page": 5}).json()
    assert len(capped["schedules"]) == 7
    assert capped["metadata"]["total_pages"] == 5
    assert len(ignored["schedules"]) == 25


@pytest.mark.parametrize(
    "body",
    [{"error_rate": 2}, {"latency_ms": "fast"}, {"nope": 1}, {"rate_limit_rps": 0}, []],
    ids=repr,
)
def test_invalid_fault_switches_are_422(sandbox: RunningSandbox, body: object) -> None:
    """An unknown switch, a wrong type or an out-of-range value is refused and changes nothing."""
    with sandbox.client(auth=None) as client:
        response = client.put("/_sandbox/faults", json=body)
        current = client.get("/_sandbox/faults").json()
    assert response.status_code == 422
    assert current["error_rate"] == 0.0
    assert current["latency_ms"] == 0


def test_stats_count_requests_per_route(sandbox: RunningSandbox) -> None:
    """/_sandbox/stats counts API requests per method and route; .json joins its route."""
    (record,) = sandbox.seed_schedules([{"name": "A", "sortable_order": 1}])
    with sandbox.client() as client:
        client.get("/api/v1/schedules.json")
        client.get(f"/api/v1/schedules/{record['id']}")
    stats = sandbox.stats()
    assert stats["by_route"] == {
        "GET /api/v1/schedules": 1,
        "GET /api/v1/schedules/:id": 1,
        "POST /api/v1/schedules": 1,
        "PUT /api/v1/schedules/:id": 1,
    }
    assert stats["total"] == 4
    assert (stats["throttled"], stats["errors_injected"], stats["dropped_after_commit"]) == (
        0,
        0,
        0,
    )


def test_reset_zeroes_stats_and_optionally_deletes_data(sandbox: RunningSandbox) -> None:
    """POST /_sandbox/reset zeroes the stats; with data=true it also deletes every schedule."""
    sandbox.seed_schedules([{"name": "A"}])
    sandbox.reset()
    assert sandbox.stats()["total"] == 0
    assert total_count(sandbox) == 1
    sandbox.reset(data=True)
    assert total_count(sandbox) == 0


def test_sandbox_routes_need_no_auth_and_are_never_faulted(make_sandbox: MakeSandbox) -> None:
    """/_sandbox/* answer without credentials, uncounted, even when every API call fails."""
    running = make_sandbox(error_rate=1.0, rate_limit_rps=0.001)
    with running.client(auth=None) as client:
        responses = [client.get("/_sandbox/stats") for _ in range(3)]
    assert [response.status_code for response in responses] == [200] * 3
    assert responses[-1].json()["total"] == 0


def test_the_clock_only_moves_forward(sandbox: RunningSandbox) -> None:
    """POST /_sandbox/clock refuses a negative advance."""
    with sandbox.client(auth=None) as client:
        response = client.post("/_sandbox/clock", json={"advance_seconds": -5})
    assert response.status_code == 422
