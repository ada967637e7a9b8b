"""Answers the sandbox never gives, through httpx.MockTransport: odd shapes and odd failures.

The sandbox follows the documented API; these tests cover what a real account might do
differently (the [I] points in assumptions.py) and failures that need exact timing.
"""

from __future__ import annotations

import json
import logging
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import Any

import httpx
import pytest

from reconciler.errors import (
    ApiValidationError,
    AuthError,
    NameConflictError,
    RateLimitedError,
    TransportError,
    UnexpectedResponseError,
)
from reconciler.trackdrive import Account, TrackDriveClient, build_http_client
from tests.client.helpers import FAST

pytestmark = pytest.mark.anyio

Handler = Callable[[httpx.Request], httpx.Response]
BASE = "https://acme.trackdrive.com"


@asynccontextmanager
async def mocked(handler: Handler, **options: Any) -> AsyncIterator[TrackDriveClient]:
    """A client whose every request is answered by ``handler``."""
    account = Account(BASE, "pub", "priv")
    options.setdefault("backoff", FAST)
    transport = httpx.MockTransport(handler)
    async with build_http_client(account, transport=transport) as http:
        yield TrackDriveClient(http, **options)


def records(first_id: int, count: int, **fields: Any) -> list[dict[str, Any]]:
    """``count`` schedule records with consecutive ids and names "S <id>"."""
    return [{"id": i, "name": f"S {i}", **fields} for i in range(first_id, first_id + count)]


def page_number(request: httpx.Request) -> int:
    return int(request.url.params.get("page", "1"))


def answer(body: Any, status: int = 200, **headers: str) -> httpx.Response:
    return httpx.Response(status, content=json.dumps(body).encode(), headers=headers)


def envelope(record: dict[str, Any]) -> dict[str, Any]:
    return {"status": 200, "errors": {}, "schedule": record, "metadata": {"root": "schedule"}}


async def test_a_bare_array_is_paged_until_an_empty_page() -> None:
    """Without metadata, pages are read one by one until one comes back empty."""
    pages = {1: records(1, 25), 2: records(26, 25), 3: records(51, 10)}

    def handler(request: httpx.Request) -> httpx.Response:
        return answer(pages.get(page_number(request), []))

    async with mocked(handler) as client:
        schedules = await client.list_schedules()
    assert [s.id for s in schedules] == list(range(1, 61))
    assert client.stats.requests == 4


async def test_a_server_ignoring_page_does_not_loop_forever() -> None:
    """A bare array answering page 1 to every page stops after the repeated page."""
    async with mocked(lambda request: answer(records(1, 25))) as client:
        schedules = await client.list_schedules()
    assert len(schedules) == 25
    assert client.stats.requests == 2


async def test_total_count_alone_sets_the_page_count() -> None:
    """With total_count but no total_pages, pages = ceil(total_count / page 1's size)."""
    pages = {1: records(1, 25), 2: records(26, 25), 3: records(51, 10)}

    def handler(request: httpx.Request) -> httpx.Response:
        page = pages.get(page_number(request), [])
        return answer({"schedules": page, "metadata": {"total_count": 60}})

    async with mocked(handler) as client:
        schedules = await client.list_schedules()
    assert len(schedules) == 60
    assert client.stats.requests == 3


async def test_rows_shifted_by_a_write_are_deduplicated_and_reread(
    caplog: pytest.LogCaptureFixture,
) -> None:
    """A record seen on two pages counts once; a short count re-reads the whole list."""
    readings = 0

    def handler(request: httpx.Request) -> httpx.Response:
        nonlocal readings
        number = page_number(request)
        readings += number == 1
        if number == 1:
            page = records(1, 25)
        elif readings == 1:
            page = records(25, 25)  # id 25 again: a row moved, and id 50 was missed
        else:
            page = records(26, 25)
        return answer({"schedules": page, "metadata": {"total_count": 50, "total_pages": 2}})

    caplog.set_level(logging.WARNING, logger="reconciler.trackdrive")
    async with mocked(handler) as client:
        schedules = await client.list_schedules()
    assert [s.id for s in schedules] == list(range(1, 51))
    assert client.stats.requests == 4
    assert "changed while they were read" in caplog.text


async def test_a_hidden_field_stays_unknown() -> None:
    """A field missing from a record (hidden from the token) is absent, not empty."""
    body = {"schedules": [{"id": 1, "name": "Solar"}], "metadata": {"total_pages": 1}}
    async with mocked(lambda request: answer(body)) as client:
        (schedule,) = await client.list_schedules()
    assert dict(schedule.fields) == {"name": "Solar"}


async def test_a_record_without_an_id_is_an_unexpected_response() -> None:
    """A listed record without an id is UnexpectedResponseError on the listing's request."""
    body = {"schedules": [{"name": "no id"}], "metadata": {"total_pages": 1}}
    async with mocked(lambda request: answer(body)) as client:
        with pytest.raises(UnexpectedResponseError) as caught:
            await client.list_schedules()
    assert str(caught.value) == (
        "GET /api/v1/schedules answered 200: a schedule record has no usable id: None"
    )


async def test_an_error_status_inside_a_200_envelope_is_an_error() -> None:
    """HTTP 200 with `"status": 422` and errors is raised as ApiValidationError."""
    body = {"status": 422, "errors": {"sortable_order": ["must be a decimal number"]}}
    async with mocked(lambda request: answer(body)) as client:
        with pytest.raises(ApiValidationError) as caught:
            await client.update_schedule(5, {"paused": True})
    assert caught.value.field_errors == {"sortable_order": ("must be a decimal number",)}


async def test_a_plain_text_401_is_an_auth_error() -> None:
    """A 401 with a plain-text body is AuthError naming both key variables."""
    async with mocked(lambda request: httpx.Response(401, text="HTTP Basic: Access denied.")) as c:
        with pytest.raises(AuthError) as caught:
            await c.get_schedule(1)
    assert str(caught.value) == (
        "GET /api/v1/schedules/1 answered 401: TrackDrive refused the credentials: check "
        "TRACKDRIVE_PUBLIC_KEY / TRACKDRIVE_PRIVATE_KEY and the account URL "
        "https://acme.trackdrive.com"
    )


async def test_a_403_about_a_parameter_is_a_refusal_not_an_auth_error() -> None:
    """A 403 whose errors name a parameter (do-not-call `to`) is ApiValidationError."""
    body = {"status": 403, "errors": {"to": ["is suppressed"]}}
    async with mocked(lambda request: answer(body, 403)) as client:
        with pytest.raises(ApiValidationError) as caught:
            await client.make_call(schedule_id=1, to="+15555550123")
    assert caught.value.field_errors == {"to": ("is suppressed",)}
    assert str(caught.value) == "POST /api/v1/schedules/make_call answered 403: to: is suppressed"


@pytest.mark.parametrize(
    ("field", "message"),
    [
        ("to", "was dialed less than 30 seconds ago; retry in 12 seconds"),
        ("base", "the account's limit of 5 calls per second is reached"),
    ],
)
async def test_a_make_call_429_keeps_the_guard_that_refused(field: str, message: str) -> None:
    """A 429 from make_call keeps the API's field and message, and its Retry-After, in the error."""
    body = {"status": 429, "errors": {field: [message]}}
    async with mocked(lambda request: answer(body, 429, **{"Retry-After": "12"})) as client:
        with pytest.raises(RateLimitedError) as caught:
            await client.make_call(schedule_id=1, to="+15555550123")
    assert caught.value.field_errors == {field: (message,)}
    assert caught.value.retry_after == 12.0
    assert str(caught.value) == (
        f"POST /api/v1/schedules/make_call answered 429: "
        f"rate limited ({field}: {message}, retry after 12 s)"
    )


async def test_a_403_about_the_request_is_an_auth_error() -> None:
    """A 403 without a parameter in its errors is AuthError (permission, IP allow-list)."""
    body = {"status": 403, "errors": {"base": ["IP not allowed"]}}
    async with mocked(lambda request: answer(body, 403)) as client:
        with pytest.raises(AuthError) as caught:
            await client.list_schedules()
    assert str(caught.value) == (
        "GET /api/v1/schedules answered 403: TrackDrive refused the request (permission or IP "
        "allow-list) (base: IP not allowed): check TRACKDRIVE_PUBLIC_KEY / "
        "TRACKDRIVE_PRIVATE_KEY and the account URL https://acme.trackdrive.com"
    )


@pytest.mark.parametrize(
    ("response", "message", "hint"),
    [
        (
            httpx.Response(302, headers={"Location": "/login"}),
            "GET /api/v1/schedules/1 answered 302: unexpected status 302",
            "a redirect usually means a wrong account URL (--subdomain / --api-url)",
        ),
        (
            httpx.Response(200, text="<html>Sign in</html>"),
            "GET /api/v1/schedules/1 answered 200: the answer is not JSON "
            "(Expecting value: line 1 column 1 (char 0))",
            "check the account URL (--subdomain / --api-url)",
        ),
    ],
)
async def test_a_login_page_is_an_unexpected_response(
    response: httpx.Response, message: str, hint: str
) -> None:
    """A redirect or an HTML page (a wrong account URL) is UnexpectedResponseError with a tip."""
    async with mocked(lambda request: response) as client:
        with pytest.raises(UnexpectedResponseError) as caught:
            await client.get_schedule(1)
    assert str(caught.value) == message
    assert caught.value.hint == hint


class FakeAccount:
    """A tiny account for create tests: a list endpoint and a POST that may misbehave."""

    def __init__(self, post_outcomes: list[str], *, lookups_fail: bool = False) -> None:
        self.schedules: list[dict[str, Any]] = []
        self.post_outcomes = post_outcomes
        self.lookups_fail = lookups_fail
        self.posts = 0

    def __call__(self, request: httpx.Request) -> httpx.Response:
        if request.method == "GET":
            if self.lookups_fail and self.posts:
                return answer({"status": 503, "errors": {}}, 503)
            text = request.url.params.get("fulltext")
            found = [s for s in self.schedules if text is None or text in s["name"]]
            return answer({"schedules": found, "metadata": {"total_pages": 1}})
        self.posts += 1
        outcome = self.post_outcomes.pop(0) if self.post_outcomes else "ok"
        if outcome == "429":
            return answer({"status": 429, "errors": {}}, 429, **{"Retry-After": "1"})
        if outcome == "timeout-before-commit":
            raise httpx.ReadTimeout("timed out", request=request)
        if outcome == "garbage-before-commit":
            return httpx.Response(200, text="<html>oops</html>")
        record = {"id": 100 + len(self.schedules), **json.loads(request.content)}
        self.schedules.append(record)
        if outcome == "timeout-after-commit":
            raise httpx.ReadTimeout("timed out", request=request)
        if outcome == "garbage":
            return httpx.Response(200, text="<html>oops</html>")
        return answer(envelope(record))


async def test_an_unknown_outcome_found_committed_is_adopted() -> None:
    """A POST that timed out after committing is found by name, adopted, never re-sent."""
    account = FakeAccount(["timeout-after-commit"])
    async with mocked(account) as client:
        created = await client.create_schedule({"name": "Solar"})
    assert created.id == 100
    assert account.posts == 1
    assert len(account.schedules) == 1


async def test_an_unanswered_post_not_found_is_not_sent_again() -> None:
    """A POST that got no answer and is not found by name may still commit: never resent."""
    account = FakeAccount(["timeout-before-commit"])
    async with mocked(account) as client:
        with pytest.raises(TransportError) as caught:
            await client.create_schedule({"name": "Solar"})
    assert caught.value.hint == (
        "the POST for 'Solar' got no answer and no schedule by that name exists yet; it may "
        "still be created, so it was not sent again: plan again in a minute, and apply "
        "creates it only if it is still missing"
    )
    assert account.posts == 1
    assert account.schedules == []


async def test_a_create_whose_name_exists_is_a_conflict_and_never_sent() -> None:
    """A schedule already named so (another writer's) makes the create a conflict: no POST."""
    account = FakeAccount(["timeout-before-commit"])
    account.schedules.append({"id": 7, "name": "Solar"})
    async with mocked(account) as client:
        with pytest.raises(NameConflictError) as caught:
            await client.create_schedule({"name": "Solar"})
    assert caught.value.message == (
        'conflict: a schedule named "Solar" appeared on the account after the plan (id 7); '
        "not created"
    )
    assert caught.value.ids == (7,)
    assert account.posts == 0


async def test_a_429_on_post_is_waited_out_and_sent_again() -> None:
    """A 429 on POST means nothing was created: it is sent again after the wait."""
    account = FakeAccount(["429"])
    async with mocked(account) as client:
        created = await client.create_schedule({"name": "Solar"})
    assert created.id == 100
    assert account.posts == 2
    assert client.stats.throttled == 1


async def test_an_unreadable_answer_to_a_post_is_resolved_by_name() -> None:
    """A 2xx POST answer that cannot be read is looked up and the record found is adopted."""
    account = FakeAccount(["garbage"])
    account.schedules.append({"id": 1, "name": "Other"})
    async with mocked(account) as client:
        created = await client.create_schedule({"name": "Solar"})
    assert created.id == 101
    assert account.posts == 1


async def test_an_unreadable_answer_to_a_post_is_never_resent() -> None:
    """A 2xx POST answer that cannot be read, and no record found, is an error: one POST."""
    account = FakeAccount(["garbage-before-commit"])
    async with mocked(account) as client:
        with pytest.raises(UnexpectedResponseError) as caught:
            await client.create_schedule({"name": "Solar"})
    assert str(caught.value) == (
        "POST /api/v1/schedules answered 200: the answer is not JSON "
        "(Expecting value: line 1 column 1 (char 0))"
    )
    assert account.posts == 1


async def test_a_failed_lookup_after_a_lost_post_says_what_to_check() -> None:
    """When the name cannot be looked up, the error says the schedule may exist; one POST."""
    account = FakeAccount(["timeout-after-commit"], lookups_fail=True)
    async with mocked(account, retry_attempts=2) as client:
        with pytest.raises(TransportError) as caught:
            await client.create_schedule({"name": "Solar"})
    assert account.posts == 1
    assert str(caught.value) == (
        "POST /api/v1/schedules: no answer from TrackDrive (ReadTimeout: timed out)"
    )
    assert caught.value.hint == (
        "a schedule named 'Solar' may have been created; the lookup failed (GET "
        "/api/v1/schedules answered 503: TrackDrive failed); check the account before running "
        "again"
    )


async def test_fulltext_that_ignores_names_falls_back_to_the_full_list() -> None:
    """If fulltext finds nothing, find_by_name still finds the name in the full list."""

    def handler(request: httpx.Request) -> httpx.Response:
        found = [] if "fulltext" in request.url.params else records(1, 3)
        return answer({"schedules": found, "metadata": {"total_pages": 1}})

    async with mocked(handler) as client:
        found = await client.find_by_name("S 2")
    assert [s.id for s in found] == [2]
    assert client.stats.requests == 2


async def test_constructing_a_client_sends_nothing() -> None:
    """No request leaves before a method is called."""

    def handler(request: httpx.Request) -> httpx.Response:
        raise AssertionError(f"unexpected request {request.method} {request.url}")

    async with mocked(handler, concurrency=2, max_rps=1.0) as client:
        assert client.stats.requests == 0
        assert "acme.trackdrive.com" in repr(client)


@pytest.mark.parametrize(
    ("header", "low", "high"),
    [
        ("7", 7.0, 7.0),
        ("Wed, 21 Oct 2015 07:28:00 GMT", 0.0, 0.0),  # a date in the past: retry now
        ("Fri, 01 Jan 2100 00:00:00 GMT", 1e9, 3e9),
        ("soon", None, None),
    ],
)
async def test_retry_after_is_read_as_seconds_or_a_date(
    header: str, low: float | None, high: float | None
) -> None:
    """Retry-After in seconds or as an HTTP date reaches RateLimitedError; junk is ignored."""
    response = answer({"status": 429, "errors": {}}, 429, **{"Retry-After": header})
    async with mocked(lambda request: response, retry_attempts=1) as client:
        with pytest.raises(RateLimitedError) as caught:
            await client.get_schedule(1)
    retry_after = caught.value.retry_after
    if low is None or high is None:
        assert retry_after is None
    else:
        assert retry_after is not None
        assert low <= retry_after <= high
