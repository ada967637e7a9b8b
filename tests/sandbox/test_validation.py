"""Every validation of the reference answers 422 {"status": 422, "errors": {"field": [...]}}."""

from __future__ import annotations

from typing import Any

import pytest

from reconciler.sandbox.fields import COLUMNS, ORDER_FIELDS
from tests.support.sandbox_server import RunningSandbox

BOOLEAN_WORDS = ["1", "true", "yes", "on", "0", "false", "no", "off"]


def assert_422(response: Any, *fields: str) -> None:
    assert response.status_code == 422, response.text
    body = response.json()
    assert body["status"] == 422
    assert sorted(body["errors"]) == sorted(fields)
    for field in fields:
        assert body["errors"][field]
        assert all(isinstance(message, str) for message in body["errors"][field])


@pytest.fixture
def record_id(sandbox: RunningSandbox) -> int:
    """A schedule to update."""
    (record,) = sandbox.seed_schedules([{"name": "A"}])
    return int(record["id"])


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", "/api/v1/schedules"),
        ("GET", "/api/v1/schedules/new"),
        ("POST", "/api/v1/schedules"),
        ("GET", "/api/v1/schedules/{id}"),
        ("PUT", "/api/v1/schedules/{id}"),
        ("DELETE", "/api/v1/schedules/{id}"),
    ],
)
def test_serializer_must_be_in_the_pick_list(
    sandbox: RunningSandbox, record_id: int, method: str, path: str
) -> None:
    """serializer other than schedule or schedule_grid is refused on every endpoint."""
    with sandbox.client() as client:
        response = client.request(
            method,
            path.format(id=record_id),
            params={"serializer": "xml"},
            json={"name": "B"} if method == "POST" else None,
        )
    assert_422(response, "serializer")


@pytest.mark.parametrize("serializer", ["schedule", "schedule_grid", ""])
def test_serializer_accepts_the_pick_list_and_blank(
    sandbox: RunningSandbox, record_id: int, serializer: str
) -> None:
    """serializer=schedule, schedule_grid or blank is accepted."""
    with sandbox.client() as client:
        response = client.get(f"/api/v1/schedules/{record_id}", params={"serializer": serializer})
    assert response.status_code == 200


@pytest.mark.parametrize("page", ["abc", "-1", "1.5", "1e3", " 2"])
def test_page_must_be_a_number(sandbox: RunningSandbox, page: str) -> None:
    """page that is not a whole number is refused."""
    with sandbox.client() as client:
        assert_422(client.get("/api/v1/schedules", params={"page": page}), "page")


def test_order_accepts_every_documented_field(sandbox: RunningSandbox) -> None:
    """Every field the reference lists for order sorts, either way, without error."""
    sandbox.seed_schedules([{"name": "A"}, {"name": "B", "sortable_order": 1}])
    statuses: dict[str, int] = {}
    with sandbox.client() as client:
        for field in ORDER_FIELDS:
            for direction in ("asc", "desc"):
                params = {"order": field, "order_dir": direction}
                response = client.get("/api/v1/schedules", params=params)
                statuses[f"{field} {direction}"] = response.status_code
                assert response.json()["metadata"]["total_count"] == 2
    assert set(statuses.values()) == {200}


@pytest.mark.parametrize("field", ["id", "description", "lead_duplicate_timeframe", "Name"])
def test_order_refuses_undocumented_fields(sandbox: RunningSandbox, field: str) -> None:
    """order by a field not in the documented list is refused."""
    with sandbox.client() as client:
        assert_422(client.get("/api/v1/schedules", params={"order": field}), "order")


@pytest.mark.parametrize("direction", ["up", "ASC", "descending"])
def test_order_dir_must_be_asc_or_desc(sandbox: RunningSandbox, direction: str) -> None:
    """order_dir other than asc or desc is refused."""
    with sandbox.client() as client:
        assert_422(client.get("/api/v1/schedules", params={"order_dir": direction}), "order_dir")


@pytest.mark.parametrize("field", ["created_at_from", "created_at_to"])
@pytest.mark.parametrize("value", ["yesterday", "2016-13-01 12:25:15 -0500", "12:25"])
def test_date_filters_must_parse(sandbox: RunningSandbox, field: str, value: str) -> None:
    """A created_at filter that is not a date like 2016-01-01 12:25:15 -0500 is refused."""
    with sandbox.client() as client:
        assert_422(client.get("/api/v1/schedules", params={field: value}), field)


@pytest.mark.parametrize("field", ["fulltext", "created_at_from", "created_at_to", "columns"])
def test_string_params_of_the_list_must_be_strings(sandbox: RunningSandbox, field: str) -> None:
    """A list param documented as a String is refused when a JSON body gives it a number."""
    with sandbox.client() as client:
        assert_422(client.request("GET", "/api/v1/schedules", json={field: 5}), field)


def test_columns_accept_every_documented_column(sandbox: RunningSandbox) -> None:
    """columns may name any combination of the documented columns."""
    sandbox.seed_schedules([{"name": "A"}])
    with sandbox.client() as client:
        response = client.get("/api/v1/schedules", params={"columns": ",".join(COLUMNS)})
    assert list(response.json()["schedules"][0]) == list(COLUMNS)


@pytest.mark.parametrize("columns", ["sortable_order", "id,nope", "description"])
def test_columns_refuse_undocumented_columns(sandbox: RunningSandbox, columns: str) -> None:
    """columns naming a field outside the documented list is refused."""
    with sandbox.client() as client:
        assert_422(client.get("/api/v1/schedules", params={"columns": columns}), "columns")


@pytest.mark.parametrize("field", ["name", "description"])
@pytest.mark.parametrize("value", [5, True, ["x"], {"a": 1}])
def test_string_fields_must_be_strings(
    sandbox: RunningSandbox, record_id: int, field: str, value: object
) -> None:
    """name and description given as a non-string JSON value are refused."""
    with sandbox.client() as client:
        assert_422(client.put(f"/api/v1/schedules/{record_id}", json={field: value}), field)


@pytest.mark.parametrize("name", ["", "   ", None])
def test_a_schedule_needs_a_name(sandbox: RunningSandbox, name: object) -> None:
    """[I] A blank or missing name is refused with "can't be blank" (Rails presence)."""
    with sandbox.client() as client:
        assert_422(client.post("/api/v1/schedules", json={"name": name}), "name")
        assert_422(client.post("/api/v1/schedules", json={"offer_id": 1}), "name")


def test_a_name_longer_than_255_characters_is_refused(sandbox: RunningSandbox) -> None:
    """A name over 255 characters is refused (a varchar column)."""
    with sandbox.client() as client:
        assert_422(client.post("/api/v1/schedules", json={"name": "x" * 256}), "name")


@pytest.mark.parametrize(
    "word", [*BOOLEAN_WORDS, "TRUE", "Yes", "oN", "OFF", True, False, 1, 0], ids=repr
)
def test_paused_accepts_every_boolean_word_in_any_case(
    sandbox: RunningSandbox, record_id: int, word: object
) -> None:
    """paused accepts 1/true/yes/on/0/false/no/off in any case, and JSON booleans and 0/1."""
    expected = str(word).lower() in {"1", "true", "yes", "on"}
    with sandbox.client() as client:
        response = client.put(f"/api/v1/schedules/{record_id}", json={"paused": word})
    assert response.status_code == 200
    assert response.json()["schedule"]["paused"] is expected


@pytest.mark.parametrize("word", ["maybe", "2", "y", "t", 2, 1.0, ["true"]], ids=repr)
def test_paused_refuses_other_values(sandbox: RunningSandbox, record_id: int, word: object) -> None:
    """paused that is not one of the boolean words is refused, on create and on update."""
    with sandbox.client() as client:
        assert_422(client.put(f"/api/v1/schedules/{record_id}", json={"paused": word}), "paused")
        created = client.post("/api/v1/schedules", json={"name": "B", "paused": word})
        assert_422(created, "paused")


@pytest.mark.parametrize("value", ["abc", "1.", ".5", "1e3", "1,5", "--1", True, 1e20], ids=repr)
def test_sortable_order_must_be_a_decimal(
    sandbox: RunningSandbox, record_id: int, value: object
) -> None:
    """sortable_order that is not a decimal number is refused."""
    with sandbox.client() as client:
        response = client.put(f"/api/v1/schedules/{record_id}", json={"sortable_order": value})
    assert_422(response, "sortable_order")


@pytest.mark.parametrize("value", ["abc", "-1", "1.5", 1.5, 30.0, True, "007", 2**31], ids=repr)
def test_lead_duplicate_timeframe_must_be_a_number(
    sandbox: RunningSandbox, record_id: int, value: object
) -> None:
    """lead_duplicate_timeframe that is not a whole number (0 or more, int-sized) is refused."""
    with sandbox.client() as client:
        response = client.put(
            f"/api/v1/schedules/{record_id}", json={"lead_duplicate_timeframe": value}
        )
    assert_422(response, "lead_duplicate_timeframe")


@pytest.mark.parametrize("value", ["abc", "-5", 0, 1.5, True], ids=repr)
def test_offer_id_must_be_an_id(sandbox: RunningSandbox, record_id: int, value: object) -> None:
    """[I] offer_id that is not a positive whole number is refused."""
    with sandbox.client() as client:
        assert_422(
            client.put(f"/api/v1/schedules/{record_id}", json={"offer_id": value}), "offer_id"
        )


def test_blank_values_are_allowed_and_clear_the_field(
    sandbox: RunningSandbox, record_id: int
) -> None:
    """Blank values ("" or null) are allowed, as documented, and clear the field."""
    with sandbox.client() as client:
        client.put(
            f"/api/v1/schedules/{record_id}",
            json={"sortable_order": 5, "lead_duplicate_timeframe": 30, "offer_id": 7},
        )
        response = client.put(
            f"/api/v1/schedules/{record_id}",
            data={
                "sortable_order": "",
                "lead_duplicate_timeframe": "",
                "offer_id": "",
                "paused": "",
            },
        )
    record = response.json()["schedule"]
    assert response.status_code == 200
    assert (record["sortable_order"], record["lead_duplicate_timeframe"]) == (None, None)
    assert (record["offer_id"], record["paused"]) == (None, False)


def test_every_broken_param_is_reported_at_once(sandbox: RunningSandbox, record_id: int) -> None:
    """A request breaking several validations gets all of them in one 422."""
    with sandbox.client() as client:
        response = client.put(
            f"/api/v1/schedules/{record_id}",
            json={"paused": "x", "sortable_order": "x", "lead_duplicate_timeframe": "x"},
        )
    assert_422(response, "paused", "sortable_order", "lead_duplicate_timeframe")


def test_a_refused_write_changes_nothing(sandbox: RunningSandbox, record_id: int) -> None:
    """When one param is invalid, the valid ones in the same request are not applied."""
    with sandbox.client() as client:
        client.put(f"/api/v1/schedules/{record_id}", json={"name": "B", "paused": "x"})
        record = client.get(f"/api/v1/schedules/{record_id}").json()["schedule"]
    assert record["name"] == "A"


@pytest.mark.parametrize("body", [b"{not json", b'{"name": NaN}', b"\xff\xfe"])
def test_a_body_that_does_not_parse_is_400(sandbox: RunningSandbox, body: bytes) -> None:
    """A JSON body that does not parse is answered 400 with the error body."""
    with sandbox.client() as client:
        response = client.post(
            "/api/v1/schedules", content=body, headers={"content-type": "application/json"}
        )
    assert response.status_code == 400
    assert response.json()["status"] == 400
