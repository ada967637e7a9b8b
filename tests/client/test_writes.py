"""Creating, updating and deleting schedules, and how refusals map to the error tree."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest

from reconciler.errors import (
    ApiValidationError,
    AuthError,
    NotFoundError,
    RateLimitedError,
)
from reconciler.normalize import FieldValue, ManagedField
from tests.client.helpers import POST, connect, route_count
from tests.support.sandbox_server import RunningSandbox

pytestmark = pytest.mark.anyio

PUT = "PUT /api/v1/schedules/:id"


async def test_create_is_one_post_then_one_put(sandbox: RunningSandbox) -> None:
    """A create with PUT-only fields is one POST then one PUT, and returns every field set."""
    fields: dict[ManagedField, FieldValue] = {
        "name": "Solar - East",
        "offer_id": None,
        "paused": True,
        "sortable_order": Decimal("10.5"),
        "lead_duplicate_timeframe": 30,
        "description": "made by a test",
    }
    async with connect(sandbox) as client:
        created = await client.create_schedule(fields)
        fetched = await client.get_schedule(created.id)
    assert created.fields == fields
    assert fetched.fields == fields
    assert route_count(sandbox, POST) == 1
    assert route_count(sandbox, PUT) == 1


async def test_create_without_put_only_fields_sends_no_put(sandbox: RunningSandbox) -> None:
    """A create with only POST fields is a single POST."""
    async with connect(sandbox) as client:
        created = await client.create_schedule({"name": "Wind", "paused": False, "offer_id": 7})
    assert created.fields["name"] == "Wind"
    assert (created.fields["paused"], created.fields["offer_id"]) == (False, 7)
    assert route_count(sandbox, POST) == 1
    assert route_count(sandbox, PUT) == 0


async def test_a_description_is_sent_with_the_post_and_set_by_a_put(
    sandbox: RunningSandbox,
) -> None:
    """description is a POST field (no PUT for it) and a PUT changes it, line breaks kept."""
    async with connect(sandbox) as client:
        created = await client.create_schedule({"name": "Noted", "description": "first"})
        assert route_count(sandbox, PUT) == 0
        updated = await client.update_schedule(created.id, {"description": "one\ntwo"})
        fetched = await client.get_schedule(created.id)
    assert created.fields["description"] == "first"
    assert updated.fields["description"] == "one\ntwo"
    assert fetched.fields["description"] == "one\ntwo"
    assert route_count(sandbox, POST) == 1


async def test_update_sends_exactly_the_fields_given(sandbox: RunningSandbox) -> None:
    """An update changes the fields given and leaves every other field as it was."""
    async with connect(sandbox) as client:
        created = await client.create_schedule(
            {"name": "Hydro", "paused": False, "sortable_order": Decimal(3)}
        )
        updated = await client.update_schedule(created.id, {"paused": True})
    assert updated.fields == {**created.fields, "paused": True}
    assert route_count(sandbox, PUT) == 2


async def test_delete_removes_the_schedule(sandbox: RunningSandbox) -> None:
    """After delete_schedule the id answers 404 (NotFoundError)."""
    async with connect(sandbox) as client:
        created = await client.create_schedule({"name": "Gone soon"})
        await client.delete_schedule(created.id)
        with pytest.raises(NotFoundError) as caught:
            await client.get_schedule(created.id)
    assert caught.value.status == 404
    assert caught.value.method == "GET"
    assert caught.value.path == f"/api/v1/schedules/{created.id}"


async def test_unknown_ids_are_not_found_and_not_retried(sandbox: RunningSandbox) -> None:
    """GET, PUT and DELETE of an unknown id each raise NotFoundError after one request."""
    async with connect(sandbox) as client:
        with pytest.raises(NotFoundError) as got:
            await client.get_schedule(999)
        with pytest.raises(NotFoundError) as updated:
            await client.update_schedule(999, {"paused": True})
        with pytest.raises(NotFoundError) as deleted:
            await client.delete_schedule(999)
        assert [str(e.value) for e in (got, updated, deleted)] == [
            f"{method} /api/v1/schedules/999 answered 404: not found "
            "(id: no schedule with this id or uuid)"
            for method in ("GET", "PUT", "DELETE")
        ]
        assert client.stats.requests == 3
        assert client.stats.retries == 0


async def test_a_rejected_value_is_a_validation_error_with_its_message(
    sandbox: RunningSandbox,
) -> None:
    """A 422 becomes ApiValidationError carrying the field's message; it is not retried."""
    async with connect(sandbox) as client:
        created = await client.create_schedule({"name": "Strict"})
        with pytest.raises(ApiValidationError) as caught:
            await client.update_schedule(created.id, {"sortable_order": "ten"})
    error = caught.value
    assert error.status == 422
    assert error.method == "PUT"
    assert error.field_errors == {"sortable_order": ("must be a decimal number",)}
    assert str(error) == (
        f"PUT /api/v1/schedules/{created.id} answered 422: sortable_order: must be a decimal number"
    )
    assert route_count(sandbox, PUT) == 1


async def test_wrong_keys_are_an_auth_error_naming_the_variables(
    sandbox: RunningSandbox,
) -> None:
    """A 401 becomes AuthError saying which variables and which URL to check; no retry."""
    async with connect(sandbox, private_key="not-the-key") as client:
        with pytest.raises(AuthError) as caught:
            await client.list_schedules()
    assert str(caught.value) == (
        "GET /api/v1/schedules answered 401: TrackDrive refused the credentials: check "
        f"TRACKDRIVE_PUBLIC_KEY / TRACKDRIVE_PRIVATE_KEY and the account URL {sandbox.base_url}"
    )
    assert caught.value.hint == "choose the account with --subdomain or --api-url"
    assert "not-the-key" not in str(caught.value)
    assert client.stats.requests == 1


async def test_new_schedule_returns_the_defaults(sandbox: RunningSandbox) -> None:
    """new_schedule returns the default record TrackDrive builds, without an id."""
    async with connect(sandbox) as client:
        defaults = await client.new_schedule()
    assert defaults["id"] is None
    assert defaults["paused"] is False


async def test_make_call_places_a_call_and_is_never_retried(sandbox: RunningSandbox) -> None:
    """make_call returns the call; a refusal (redial within 30 s) is raised after one request."""
    async with connect(sandbox) as client:
        schedule = await client.create_schedule({"name": "Dialer", "paused": False})
        call = await client.make_call(schedule_id=schedule.id, to="(555) 555-0123")
        with pytest.raises(RateLimitedError) as caught:
            await client.make_call(schedule_id=schedule.id, to="+15555550123")
    assert call["to_number"] == "+15555550123"
    assert caught.value.retry_after is not None
    [said] = caught.value.field_errors["to"]  # the redial guard, not the calls-per-second one
    assert re.fullmatch(r"was dialed less than 30 seconds ago; retry in \d+ seconds", said)
    assert route_count(sandbox, "POST /api/v1/schedules/make_call") == 2


async def test_a_create_needs_a_name(sandbox: RunningSandbox) -> None:
    """create_schedule without a name is refused before any request."""
    async with connect(sandbox) as client:
        with pytest.raises(ValueError, match=r"^a schedule is created with a name$"):
            await client.create_schedule({"paused": True})
        assert client.stats.requests == 0


async def test_the_client_counts_what_the_server_received(sandbox: RunningSandbox) -> None:
    """stats.requests and stats.by_method agree with the sandbox's own request counts."""
    async with connect(sandbox) as client:
        created = await client.create_schedule({"name": "Counted", "sortable_order": Decimal(2)})
        await client.update_schedule(created.id, {"paused": True})
        await client.delete_schedule(created.id)
    server: dict[str, int] = {}
    for route, count in sandbox.stats()["by_route"].items():
        method = route.split(" ", 1)[0]
        server[method] = server.get(method, 0) + count
    assert dict(client.stats.by_method) == server
    assert client.stats.requests == sum(server.values())
    assert client.stats.retries == 0
