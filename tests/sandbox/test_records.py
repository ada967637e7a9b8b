"""The Schedules endpoints' records: create, show, update, delete, and their envelope."""

from __future__ import annotations

import hashlib
import json
import re

import httpx
import pytest

from tests.support.sandbox_server import MakeSandbox, RunningSandbox

TIMESTAMP = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}[+-]\d\d:\d\d")
READ_ONLY_FIELDS = (
    "uuid",
    "created_at",
    "updated_at",
    "user_updated_at",
    "paused_at",
    "paused_by_user_id",
    "leads_api_key",
    "lead_token",
    "time_zone",
    "schedule_type",
    "numbers_count",
    "description",
)


def create(client: httpx.Client, **params: object) -> dict[str, object]:
    response = client.post("/api/v1/schedules", json=params)
    assert response.status_code == 200, response.text
    record: dict[str, object] = response.json()["schedule"]
    return record


def test_create_answers_200_with_the_envelope(sandbox: RunningSandbox) -> None:
    """POST answers 200 with status, errors, schedule, an MD5 checksum and metadata.root."""
    with sandbox.client() as client:
        response = client.post("/api/v1/schedules", json={"name": "Solar - East", "offer_id": 1001})
    body = response.json()
    assert response.status_code == 200
    assert list(body) == ["status", "errors", "schedule", "checksum", "metadata"]
    assert body["status"] == 200
    assert body["errors"] == {}
    assert body["metadata"] == {"root": "schedule"}
    compact = json.dumps(body["schedule"], ensure_ascii=False, separators=(",", ":"))
    assert body["checksum"] == hashlib.md5(compact.encode()).hexdigest()
    assert re.fullmatch(r"[0-9a-f]{32}", body["checksum"])


def test_records_carry_realistic_read_only_fields(sandbox: RunningSandbox) -> None:
    """A created record has a large integer id, a uuid, tokens and Rails-style timestamps."""
    with sandbox.client() as client:
        record = create(client, name="Solar - East")
    assert isinstance(record["id"], int)
    assert record["id"] >= 12_900_000
    for field in READ_ONLY_FIELDS:
        assert field in record
    assert re.fullmatch(r"[0-9a-f-]{36}", str(record["uuid"]))
    assert TIMESTAMP.fullmatch(str(record["created_at"]))
    assert record["created_at"] == record["updated_at"] == record["user_updated_at"]
    assert record["time_zone"] == "Eastern Time (US & Canada)"
    assert record["schedule_type"] == "contact_caller"
    assert record["paused"] is False
    assert record["paused_at"] is None


def test_ids_increase_and_are_never_reused(sandbox: RunningSandbox) -> None:
    """Each create gets a new, larger id, even after the latest record is deleted."""
    with sandbox.client() as client:
        first = create(client, name="A")
        client.delete(f"/api/v1/schedules/{first['id']}")
        second = create(client, name="B")
    assert int(str(second["id"])) > int(str(first["id"]))


def test_show_accepts_the_integer_id_or_the_uuid(sandbox: RunningSandbox) -> None:
    """GET /schedules/:id finds the record by its integer id and by its uuid."""
    with sandbox.client() as client:
        record = create(client, name="Solar - East")
        by_id = client.get(f"/api/v1/schedules/{record['id']}").json()["schedule"]
        by_uuid = client.get(f"/api/v1/schedules/{record['uuid']}").json()["schedule"]
    assert by_id == by_uuid == record


def test_json_suffix_works_on_every_route(sandbox: RunningSandbox) -> None:
    """The .json suffix is accepted on the list, new, create and member routes."""
    with sandbox.client() as client:
        created = client.post("/api/v1/schedules.json", json={"name": "A"})
        record_id = created.json()["schedule"]["id"]
        statuses = [
            created.status_code,
            client.get("/api/v1/schedules.json").status_code,
            client.get("/api/v1/schedules/new.json").status_code,
            client.get(f"/api/v1/schedules/{record_id}.json").status_code,
            client.put(f"/api/v1/schedules/{record_id}.json", json={"paused": True}).status_code,
            client.delete(f"/api/v1/schedules/{record_id}.json").status_code,
        ]
    assert statuses == [200] * 6


def test_new_returns_defaults_without_saving(sandbox: RunningSandbox) -> None:
    """GET /schedules/new shows an unsaved record with defaults and creates nothing."""
    with sandbox.client() as client:
        body = client.get("/api/v1/schedules/new").json()
        listed = client.get("/api/v1/schedules").json()
    assert body["schedule"]["id"] is None
    assert body["schedule"]["paused"] is False
    assert body["metadata"] == {"root": "schedule"}
    assert listed["metadata"]["total_count"] == 0


@pytest.mark.parametrize(
    "send",
    [
        pytest.param(lambda c, p: c.post("/api/v1/schedules", json=p), id="json"),
        pytest.param(lambda c, p: c.post("/api/v1/schedules", data=p), id="form"),
        pytest.param(lambda c, p: c.post("/api/v1/schedules", params=p), id="query"),
        pytest.param(
            lambda c, p: c.post("/api/v1/schedules", files={k: (None, v) for k, v in p.items()}),
            id="multipart",
        ),
    ],
)
def test_params_arrive_as_json_form_query_or_multipart(
    sandbox: RunningSandbox, send: object
) -> None:
    """The same params create the same record whether sent as JSON, form, query or multipart."""
    params = {"name": "Solar - East", "offer_id": "1001", "paused": "yes"}
    with sandbox.client() as client:
        response = send(client, params)  # type: ignore[operator]
    record = response.json()["schedule"]
    assert (record["name"], record["offer_id"], record["paused"]) == ("Solar - East", 1001, True)


def test_post_drops_params_only_put_accepts(sandbox: RunningSandbox) -> None:
    """POST ignores sortable_order and lead_duplicate_timeframe, as strong params would."""
    with sandbox.client() as client:
        record = create(client, name="A", sortable_order="10", lead_duplicate_timeframe=30)
    assert record["sortable_order"] is None
    assert record["lead_duplicate_timeframe"] is None


def test_put_sets_decimals_as_rails_strings_and_numbers_as_ints(sandbox: RunningSandbox) -> None:
    """PUT stores sortable_order as a Rails decimal string and lead_duplicate_timeframe as int."""
    with sandbox.client() as client:
        record = create(client, name="A")
        response = client.put(
            f"/api/v1/schedules/{record['id']}",
            json={"sortable_order": 10, "lead_duplicate_timeframe": "2592000"},
        )
    updated = response.json()["schedule"]
    assert updated["sortable_order"] == "10.0"
    assert updated["lead_duplicate_timeframe"] == 2592000


@pytest.mark.parametrize(
    ("given", "shown"),
    [("10", "10.0"), ("10.50", "10.5"), (25.5, "25.5"), ("-3", "-3.0"), ("+0.25", "0.25")],
)
def test_decimals_are_normalized_like_rails(
    sandbox: RunningSandbox, given: object, shown: str
) -> None:
    """A decimal comes back as Rails renders a BigDecimal."""
    (record,) = sandbox.seed_schedules([{"name": "A", "sortable_order": given}])
    assert record["sortable_order"] == shown


def test_pausing_stamps_paused_at_and_unpausing_stamps_unpaused_at(sandbox: RunningSandbox) -> None:
    """paused=true sets paused_at and paused_by_user_id; paused=false sets unpaused_at."""
    with sandbox.client() as client:
        record = create(client, name="A")
        paused = client.put(f"/api/v1/schedules/{record['id']}", json={"paused": "on"}).json()
        resumed = client.put(f"/api/v1/schedules/{record['id']}", data={"paused": "0"}).json()
    assert paused["schedule"]["paused"] is True
    assert TIMESTAMP.fullmatch(paused["schedule"]["paused_at"])
    assert isinstance(paused["schedule"]["paused_by_user_id"], int)
    assert resumed["schedule"]["paused"] is False
    assert TIMESTAMP.fullmatch(resumed["schedule"]["unpaused_at"])
    assert resumed["schedule"]["paused_by_user_id"] is None


def test_a_change_bumps_updated_at_and_user_updated_at(sandbox: RunningSandbox) -> None:
    """A write that changes a field moves updated_at and user_updated_at forward."""
    with sandbox.client() as client:
        record = create(client, name="A")
        sandbox.advance_clock(5)
        updated = client.put(f"/api/v1/schedules/{record['id']}", json={"name": "B"}).json()
    assert updated["schedule"]["updated_at"] > str(record["updated_at"])
    assert updated["schedule"]["user_updated_at"] == updated["schedule"]["updated_at"]
    assert updated["schedule"]["created_at"] == record["created_at"]


def test_a_no_op_write_touches_nothing(sandbox: RunningSandbox) -> None:
    """A PUT that changes nothing leaves updated_at (and the checksum) as they were."""
    with sandbox.client() as client:
        record = create(client, name="A", paused=False)
        sandbox.advance_clock(5)
        response = client.put(f"/api/v1/schedules/{record['id']}", json={"name": "A", "paused": 0})
    assert response.json()["schedule"] == record


def test_duplicate_names_are_allowed(sandbox: RunningSandbox) -> None:
    """Two schedules may share a name, as on TrackDrive."""
    with sandbox.client() as client:
        first = create(client, name="Same")
        second = create(client, name="Same")
    assert first["id"] != second["id"]


def test_delete_answers_200_with_the_deleted_record(sandbox: RunningSandbox) -> None:
    """DELETE answers 200 with the record as it was; afterwards the id is 404."""
    with sandbox.client() as client:
        record = create(client, name="A")
        deleted = client.delete(f"/api/v1/schedules/{record['uuid']}")
        after = client.get(f"/api/v1/schedules/{record['id']}")
    assert deleted.status_code == 200
    assert deleted.json()["schedule"] == record
    assert after.status_code == 404


@pytest.mark.parametrize("method", ["GET", "PUT", "DELETE"])
@pytest.mark.parametrize("key", ["99999999", "0f8fad5b-d9cb-469f-a165-70867728950e", "abc"])
def test_an_unknown_id_is_404(sandbox: RunningSandbox, method: str, key: str) -> None:
    """An id or uuid that names no schedule answers 404 with the error body."""
    with sandbox.client() as client:
        response = client.request(method, f"/api/v1/schedules/{key}", json={"name": "x"})
    assert response.status_code == 404
    assert response.json()["status"] == 404
    assert response.json()["errors"]


@pytest.mark.parametrize(
    "auth",
    [
        pytest.param(None, id="missing"),
        pytest.param(("sandbox-public", "wrong"), id="wrong-private"),
        pytest.param(("wrong", "sandbox-private"), id="wrong-public"),
    ],
)
def test_missing_or_wrong_credentials_are_401(sandbox: RunningSandbox, auth: object) -> None:
    """Without the sandbox's Basic credentials every API route answers 401."""
    with sandbox.client(auth=auth) as client:
        responses = [
            client.get("/api/v1/schedules"),
            client.post("/api/v1/schedules", json={"name": "A"}),
            client.get("/api/v1/schedules/new"),
            client.post("/api/v1/schedules/make_call", json={}),
        ]
    assert [response.status_code for response in responses] == [401] * 4
    assert responses[0].headers["www-authenticate"].startswith("Basic")


def test_a_token_header_is_not_basic_auth(sandbox: RunningSandbox) -> None:
    """An Authorization header that is not Basic is refused with 401."""
    with sandbox.client(auth=None) as client:
        response = client.get("/api/v1/schedules", headers={"Authorization": "Token abc"})
    assert response.status_code == 401


def test_custom_keys_are_the_only_keys(make_sandbox: MakeSandbox) -> None:
    """A sandbox started with other keys accepts those and refuses the defaults."""
    running = make_sandbox(public_key="K", private_key="S")
    with running.client(auth=None) as client:
        good = client.get("/api/v1/schedules", auth=("K", "S"))
        bad = client.get("/api/v1/schedules", auth=("sandbox-public", "sandbox-private"))
    assert (good.status_code, bad.status_code) == (200, 401)
