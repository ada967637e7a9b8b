"""Contract checks of every [I] point in reconciler/trackdrive/assumptions.py.

Each check runs against the sandbox (always, CI included) and, with ``pytest --live`` and the
TRACKDRIVE_* variables, against the real account (see conftest.py). All checks read, except
``test_a_throwaway_schedule_round_trip``, which creates one paused schedule named
``reconciler-contract-<random>`` and deletes it again (also when a check fails). A failure
names the assumption that does not hold: correct it in assumptions.py.
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from decimal import Decimal
from typing import Any

import httpx
import pytest

from reconciler.errors import ApiValidationError, AuthError, NotFoundError
from reconciler.trackdrive import Account, TrackDriveClient, assumptions, build_http_client
from reconciler.trackdrive.wire import decode_json

pytestmark = pytest.mark.anyio

SCHEDULES = assumptions.SCHEDULES_PATH
# An id no account reaches (TrackDrive ids are about 8 digits).
NO_SUCH_ID = 999_999_999_999


async def _get(http: httpx.AsyncClient, path: str, **params: str | int) -> tuple[int, Any]:
    response = await http.get(path, params=params)
    return response.status_code, decode_json(response.content) if response.content else None


async def test_a_list_answer_has_the_assumed_root_key_and_metadata(
    live_http: httpx.AsyncClient,
) -> None:
    """LIST_ROOT_KEYS / TOTAL_*_KEY: GET /schedules answers {"schedules": [...], "metadata"}."""
    status, body = await _get(live_http, SCHEDULES, page=1)
    assert status == 200
    assert isinstance(body, dict)
    assert isinstance(body.get(assumptions.LIST_ROOT_KEYS[0]), list), sorted(body)
    metadata = body[assumptions.LIST_METADATA_KEY]
    assert assumptions.TOTAL_PAGES_KEY in metadata, metadata
    assert assumptions.TOTAL_COUNT_KEY in metadata, metadata


async def test_the_page_size_is_the_default_or_per_page(live_http: httpx.AsyncClient) -> None:
    """PER_PAGE_PARAM: page 1 holds 25 (per_page ignored) or PER_PAGE_REQUESTED records."""
    status, body = await _get(live_http, SCHEDULES, page=1, per_page=assumptions.PER_PAGE_REQUESTED)
    assert status == 200
    total = int(body["metadata"]["total_count"])
    size = len(body["schedules"])
    assert size in {min(total, 25), min(total, assumptions.PER_PAGE_REQUESTED)}, size


async def test_a_page_past_the_end_is_empty(live_http: httpx.AsyncClient) -> None:
    """Paging: the page after total_pages answers 200 with no records."""
    _, first = await _get(live_http, SCHEDULES, page=1)
    after = int(first["metadata"]["total_pages"]) + 1
    status, body = await _get(live_http, SCHEDULES, page=after)
    assert status == 200
    assert body["schedules"] == []


async def test_an_undocumented_filter_is_ignored_not_refused(live_http: httpx.AsyncClient) -> None:
    """An unknown param (created_at_min, not the documented created_at_from) filters nothing.

    So a misspelt filter would silently widen a listing: the client must send only documented
    names (tests/client/test_contract_params.py checks that against the sandbox's count).
    """
    _, everything = await _get(live_http, SCHEDULES, page=1)
    status, body = await _get(
        live_http, SCHEDULES, page=1, created_at_min="2999-01-01 00:00:00 -0500"
    )
    assert status == 200
    assert body["metadata"]["total_count"] == everything["metadata"]["total_count"]


async def test_a_full_listing_reads_total_count_distinct_schedules(
    live_http: httpx.AsyncClient, live_client: TrackDriveClient
) -> None:
    """TOTAL_COUNT_KEY / LIST_ORDER: a listing holds total_count ids, each once."""
    _, first = await _get(live_http, SCHEDULES, page=1)
    schedules = await live_client.list_schedules()
    assert len({s.id for s in schedules}) == len(schedules)
    assert len(schedules) == int(first["metadata"]["total_count"])


async def test_an_unknown_id_is_404(live_client: TrackDriveClient) -> None:
    """NOT_FOUND_STATUS: GET /schedules/<unknown id> answers 404."""
    with pytest.raises(NotFoundError) as caught:
        await live_client.get_schedule(NO_SUCH_ID)
    assert (caught.value.method, caught.value.path, caught.value.status) == (
        "GET",
        "/api/v1/schedules/999999999999",
        404,
    )
    # What follows "not found" is the API's own wording, which only the sandbox fixes.
    assert str(caught.value).startswith(
        "GET /api/v1/schedules/999999999999 answered 404: not found"
    )


async def test_a_wrong_private_key_is_401(live_account: Account) -> None:
    """AUTH_STATUSES: a wrong private key answers 401 (read as AuthError)."""
    wrong = Account(live_account.base_url, live_account.public_key, "not-the-private-key")
    async with build_http_client(wrong) as http:
        with pytest.raises(AuthError) as caught:
            await TrackDriveClient(http, retry_attempts=1).list_schedules()
    assert caught.value.status == 401
    message = str(caught.value)  # the API's own words may stand between these two parts
    assert message.startswith(
        "GET /api/v1/schedules answered 401: TrackDrive refused the credentials"
    )
    assert message.endswith(
        "check TRACKDRIVE_PUBLIC_KEY / TRACKDRIVE_PRIVATE_KEY and the account URL "
        f"{live_account.base_url}"
    )


@pytest.fixture
async def throwaway(live_client: TrackDriveClient) -> AsyncIterator[str]:
    """A unique name for one paused test schedule, deleted afterwards whatever happens."""
    name = f"reconciler-contract-{uuid.uuid4().hex[:10]}"
    yield name
    for schedule in await live_client.find_by_name(name):
        await live_client.delete_schedule(schedule.id)


async def test_a_throwaway_schedule_round_trip(
    live_http: httpx.AsyncClient, live_client: TrackDriveClient, throwaway: str
) -> None:
    """RECORD_ROOT_KEYS, DECIMALS_AS_STRINGS, FULLTEXT_MATCHES_NAMES, ERRORS_KEY (422)."""
    created = await live_client.create_schedule(
        {
            "name": throwaway,
            "paused": True,
            "sortable_order": Decimal("10.5"),
            "lead_duplicate_timeframe": 30,
        }
    )
    assert created.fields["sortable_order"] == Decimal("10.5")
    assert created.fields["lead_duplicate_timeframe"] == 30

    status, body = await _get(live_http, f"{SCHEDULES}/{created.id}")
    assert status == 200
    record = body[assumptions.RECORD_ROOT_KEYS[0]]
    assert isinstance(record["sortable_order"], str), record["sortable_order"]

    status, body = await _get(live_http, SCHEDULES, fulltext=throwaway)
    assert [r["id"] for r in body["schedules"] if r["name"] == throwaway] == [created.id]

    updated = await live_client.update_schedule(created.id, {"paused": False})
    assert updated.fields["paused"] is False
    await live_client.update_schedule(created.id, {"paused": True})

    with pytest.raises(ApiValidationError) as caught:
        await live_client.update_schedule(created.id, {"sortable_order": "not a number"})
    assert (caught.value.method, caught.value.status) == ("PUT", 422)
    assert list(caught.value.field_errors) == ["sortable_order"]  # ERRORS_KEY names the field
    assert str(caught.value).startswith(
        f"PUT /api/v1/schedules/{created.id} answered 422: sortable_order: "
    )

    await live_client.delete_schedule(created.id)
    with pytest.raises(NotFoundError) as gone:
        await live_client.get_schedule(created.id)
    assert (gone.value.method, gone.value.path, gone.value.status) == (
        "GET",
        f"/api/v1/schedules/{created.id}",
        404,
    )
