"""POST /api/v1/schedules/make_call: who gets dialed, and every guard the reference lists."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from tests.support.sandbox_server import MakeSandbox, RunningSandbox

NUMBER = "+15555550123"
OTHER = "(555) 555-0199"


def make_call(sandbox: RunningSandbox, **params: Any) -> httpx.Response:
    with sandbox.client() as client:
        return client.post("/api/v1/schedules/make_call", json=params)


def control(sandbox: RunningSandbox, method: str, path: str, body: dict[str, Any]) -> Any:
    with sandbox.client(auth=None) as client:
        response = client.request(method, path, json=body)
    assert response.status_code == 200, response.text
    return response.json()


def enroll(sandbox: RunningSandbox, schedule_id: int, number: str) -> dict[str, Any]:
    lead: dict[str, Any] = control(
        sandbox, "POST", "/_sandbox/leads", {"schedule_id": schedule_id, "number": number}
    )
    return lead


def refused(response: httpx.Response, status: int, field: str) -> str:
    assert response.status_code == status, response.text
    body = response.json()
    assert body["status"] == status
    assert list(body["errors"]) == [field]
    message: str = body["errors"][field][0]
    return message


@pytest.fixture
def schedule(sandbox: RunningSandbox) -> dict[str, Any]:
    """An active schedule on offer 1001."""
    (record,) = sandbox.seed_schedules([{"name": "Solar - East", "offer_id": 1001}])
    return record


def test_schedule_id_and_to_dial_a_one_off_lead(
    sandbox: RunningSandbox, schedule: dict[str, Any]
) -> None:
    """schedule_id with to dials that number from the schedule, creating a one-off lead."""
    response = make_call(sandbox, schedule_id=schedule["id"], to="555-555-0123")
    body = response.json()
    assert response.status_code == 200
    assert body["metadata"] == {"root": "call"}
    call = body["call"]
    assert (call["schedule_id"], call["to_number"], call["offer_id"]) == (
        schedule["id"],
        NUMBER,
        1001,
    )
    assert call["lead_created"] is True


def test_an_enrolled_lead_is_reused_not_duplicated(
    sandbox: RunningSandbox, schedule: dict[str, Any]
) -> None:
    """A live lead enrolled in the schedule for that number is dialed; no lead is created."""
    lead = enroll(sandbox, schedule["id"], NUMBER)
    call = make_call(sandbox, schedule_id=schedule["uuid"], to=NUMBER).json()["call"]
    assert (call["lead_id"], call["lead_created"]) == (lead["id"], False)


def test_lead_id_dials_that_exact_lead(sandbox: RunningSandbox, schedule: dict[str, Any]) -> None:
    """lead_id dials the lead's number from its schedule; to and schedule_id are ignored."""
    lead = enroll(sandbox, schedule["id"], NUMBER)
    response = make_call(sandbox, lead_id=lead["uuid"], to="not a number", schedule_id=1)
    call = response.json()["call"]
    assert response.status_code == 200
    assert (call["lead_uuid"], call["to_number"], call["schedule_id"]) == (
        lead["uuid"],
        NUMBER,
        schedule["id"],
    )
    assert call["lead_created"] is False


@pytest.mark.parametrize("token_field", ["lead_token", "leads_api_key"])
def test_lead_token_identifies_the_schedule(
    sandbox: RunningSandbox, schedule: dict[str, Any], token_field: str
) -> None:
    """[I] lead_token may be the schedule's lead_token or its leads_api_key ("Leads API Key")."""
    response = make_call(sandbox, lead_token=schedule[token_field], to=NUMBER)
    assert response.json()["call"]["schedule_id"] == schedule["id"]


def test_a_call_stamps_the_schedules_last_call(
    sandbox: RunningSandbox, schedule: dict[str, Any]
) -> None:
    """A placed call sets the schedule's last_call_at and counts it, leaving updated_at."""
    make_call(sandbox, schedule_id=schedule["id"], to=NUMBER)
    with sandbox.client() as client:
        after = client.get(f"/api/v1/schedules/{schedule['id']}").json()["schedule"]
    assert after["calls_count"] == 1
    assert after["last_call_at"] is not None
    assert after["updated_at"] == schedule["updated_at"]


def test_nothing_to_identify_the_callee_is_refused(sandbox: RunningSandbox) -> None:
    """Without lead_id, schedule_id or lead_token the call is refused (422 base)."""
    assert "lead_id" in refused(make_call(sandbox, to=NUMBER), 422, "base")


def test_to_is_required_without_a_lead_id(
    sandbox: RunningSandbox, schedule: dict[str, Any]
) -> None:
    """schedule_id without to is refused (422 to)."""
    refused(make_call(sandbox, schedule_id=schedule["id"]), 422, "to")


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"lead_id": "0f8fad5b-d9cb-469f-a165-70867728950e"}, "lead_id"),
        ({"schedule_id": 1, "to": NUMBER}, "schedule_id"),
        ({"lead_token": "nope", "to": NUMBER}, "lead_token"),
    ],
)
def test_an_unknown_lead_or_schedule_is_404(
    sandbox: RunningSandbox, params: dict[str, Any], field: str
) -> None:
    """An unknown lead_id, schedule_id or lead_token is refused with 404."""
    refused(make_call(sandbox, **params), 404, field)


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"lead_id": 5}, "lead_id"),
        ({"lead_token": ["x"]}, "lead_token"),
        ({"schedule_id": 1, "to": 5555550123}, "to"),
        ({"schedule_id": 1, "to": NUMBER, "data": "traffic_source_id=1"}, "data"),
        ({"schedule_id": {"id": 1}, "to": NUMBER}, "schedule_id"),
    ],
)
def test_params_of_the_wrong_type_are_422(
    sandbox: RunningSandbox, params: dict[str, Any], field: str
) -> None:
    """lead_id, lead_token and to must be Strings and data a Hash."""
    refused(make_call(sandbox, **params), 422, field)


def test_a_paused_schedule_cannot_dial(sandbox: RunningSandbox) -> None:
    """The schedule must be active: a paused one is refused (422 schedule)."""
    (record,) = sandbox.seed_schedules([{"name": "A", "paused": True}])
    assert "paused" in refused(
        make_call(sandbox, schedule_id=record["id"], to=NUMBER), 422, "schedule"
    )


@pytest.mark.parametrize("number", ["123", "555-0123", "+1 055 555 0123", "call me", "+12"])
def test_the_destination_must_be_a_valid_number(
    sandbox: RunningSandbox, schedule: dict[str, Any], number: str
) -> None:
    """A destination that is not a dialable number is refused (422 to)."""
    message = refused(make_call(sandbox, schedule_id=schedule["id"], to=number), 422, "to")
    assert "valid" in message


def test_a_suppressed_number_is_refused(sandbox: RunningSandbox, schedule: dict[str, Any]) -> None:
    """A number on the do-not-call list is refused (403 to)."""
    control(sandbox, "PUT", "/_sandbox/suppressions", {"numbers": ["555.555.0123"]})
    response = make_call(sandbox, schedule_id=schedule["id"], to=NUMBER)
    assert "do-not-call" in refused(response, 403, "to")


def test_the_same_number_is_dialed_at_most_once_every_30_seconds(
    sandbox: RunningSandbox, schedule: dict[str, Any]
) -> None:
    """A second call to a number within 30 s is refused (429, Retry-After); after, it passes."""
    first = make_call(sandbox, schedule_id=schedule["id"], to=NUMBER)
    sandbox.advance_clock(10)
    again = make_call(sandbox, schedule_id=schedule["id"], to="1 555 555 0123")
    sandbox.advance_clock(21)
    later = make_call(sandbox, schedule_id=schedule["id"], to=NUMBER)
    assert first.status_code == 200
    assert "30 seconds" in refused(again, 429, "to")
    assert again.headers["retry-after"] == "20"
    assert later.status_code == 200


def test_the_accounts_calls_per_second_limit_holds(make_sandbox: MakeSandbox) -> None:
    """Beyond make_call_cps calls in a second the call is refused (429 base, Retry-After 1)."""
    running = make_sandbox(make_call_cps=2)
    (record,) = running.seed_schedules([{"name": "A"}])
    numbers = ["+15555550101", "+15555550102", "+15555550103"]
    responses = [make_call(running, schedule_id=record["id"], to=n) for n in numbers]
    running.advance_clock(1.5)
    after = make_call(running, schedule_id=record["id"], to=numbers[2])
    assert [r.status_code for r in responses[:2]] == [200, 200]
    assert "per second" in refused(responses[2], 429, "base")
    assert responses[2].headers["retry-after"] == "1"
    assert after.status_code == 200


def test_duplicate_concurrent_leads_are_refused(
    sandbox: RunningSandbox, schedule: dict[str, Any]
) -> None:
    """Two live leads for the number in the schedule make the call ambiguous (409 to)."""
    enroll(sandbox, schedule["id"], NUMBER)
    enroll(sandbox, schedule["id"], NUMBER)
    response = make_call(sandbox, schedule_id=schedule["id"], to=NUMBER)
    assert "duplicate" in refused(response, 409, "to")


@pytest.fixture
def router(sandbox: RunningSandbox) -> tuple[dict[str, Any], dict[str, Any]]:
    """A lead-distribution schedule routing traffic_source_id 101 to a target schedule."""
    router, target = sandbox.seed_schedules([{"name": "Router"}, {"name": "Target"}])
    control(
        sandbox,
        "POST",
        "/_sandbox/distributions",
        {
            "schedule_id": router["id"],
            "target_schedule_id": target["id"],
            "match": {"traffic_source_id": 101},
        },
    )
    return router, target


def test_a_router_schedule_routes_to_the_matching_distribution(
    sandbox: RunningSandbox, router: tuple[dict[str, Any], dict[str, Any]]
) -> None:
    """A lead-distribution schedule dials from the target of the distribution data matches."""
    source, target = router
    with sandbox.client() as client:
        response = client.post(
            "/api/v1/schedules/make_call",
            data={"schedule_id": source["id"], "to": NUMBER, "data[traffic_source_id]": "101"},
        )
    call = response.json()["call"]
    assert (call["schedule_id"], call["routed_from_schedule_id"]) == (target["id"], source["id"])


def test_a_router_without_a_matching_distribution_refuses(
    sandbox: RunningSandbox, router: tuple[dict[str, Any], dict[str, Any]]
) -> None:
    """When no distribution matches the data, the call is refused (422 data)."""
    source, _ = router
    response = make_call(
        sandbox, schedule_id=source["id"], to=NUMBER, data={"traffic_source_id": 7}
    )
    refused(response, 422, "data")


def test_a_router_to_a_paused_target_refuses(
    sandbox: RunningSandbox, router: tuple[dict[str, Any], dict[str, Any]]
) -> None:
    """The routed-to schedule must be active too (422 schedule)."""
    source, target = router
    with sandbox.client() as client:
        client.put(f"/api/v1/schedules/{target['id']}", json={"paused": True})
    response = make_call(
        sandbox, schedule_id=source["id"], to=NUMBER, data={"traffic_source_id": 101}
    )
    refused(response, 422, "schedule")
