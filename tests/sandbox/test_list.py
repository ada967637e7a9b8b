"""GET /api/v1/schedules: paging, order, filters, columns, serializers and formats."""

from __future__ import annotations

import csv
import io
from typing import Any

import pytest

from tests.support.sandbox_server import MakeSandbox, RunningSandbox


def names(sandbox: RunningSandbox, **params: Any) -> list[str]:
    with sandbox.client() as client:
        response = client.get("/api/v1/schedules", params=params)
    assert response.status_code == 200, response.text
    return [record["name"] for record in response.json()["schedules"]]


def test_the_list_has_the_documented_shape(sandbox: RunningSandbox) -> None:
    """The list is {"schedules": [...], "metadata": {"total_count", "total_pages", "page"}}."""
    sandbox.seed_schedules([{"name": "A"}, {"name": "B"}])
    with sandbox.client() as client:
        body = client.get("/api/v1/schedules").json()
    assert list(body) == ["schedules", "metadata"]
    assert body["metadata"] == {"page": 1, "total_count": 2, "total_pages": 1}


def test_an_empty_account_has_no_pages(sandbox: RunningSandbox) -> None:
    """With no schedules the list is empty with total_count 0 and total_pages 0."""
    with sandbox.client() as client:
        body = client.get("/api/v1/schedules").json()
    assert body == {"schedules": [], "metadata": {"page": 1, "total_count": 0, "total_pages": 0}}


def test_pages_hold_25_by_default_in_id_order(make_sandbox: MakeSandbox) -> None:
    """The default page size is 25 and the default order is by id, so paging is stable."""
    running = make_sandbox(seed="60")
    with running.client() as client:
        pages = [client.get("/api/v1/schedules", params={"page": n}).json() for n in (1, 2, 3)]
    ids = [record["id"] for page in pages for record in page["schedules"]]
    assert [len(page["schedules"]) for page in pages] == [25, 25, 10]
    assert ids == sorted(ids)
    assert len(set(ids)) == 60
    assert pages[0]["metadata"]["total_pages"] == 3


def test_a_page_past_the_end_is_empty(make_sandbox: MakeSandbox) -> None:
    """A page beyond total_pages answers 200 with no schedules and the same totals."""
    running = make_sandbox(seed="3")
    with running.client() as client:
        body = client.get("/api/v1/schedules", params={"page": 99}).json()
    assert body["schedules"] == []
    assert body["metadata"]["total_count"] == 3


def test_page_zero_is_the_first_page(make_sandbox: MakeSandbox) -> None:
    """page=0 reads as page 1, as Kaminari does."""
    running = make_sandbox(seed="3")
    assert names(running, page=0) == names(running, page=1)


def test_per_page_is_honoured_up_to_per_page_max(make_sandbox: MakeSandbox) -> None:
    """per_page sets the page size, capped at per_page_max."""
    running = make_sandbox(seed="30", per_page_max=20)
    assert len(names(running, per_page=5)) == 5
    assert len(names(running, per_page=500)) == 20


def test_ignore_per_page_pins_the_page_size_to_25(make_sandbox: MakeSandbox) -> None:
    """With ignore_per_page, per_page (even an invalid one) is ignored and pages hold 25."""
    running = make_sandbox(seed="30", ignore_per_page=True)
    assert len(names(running, per_page=5)) == 25
    assert len(names(running, per_page="junk")) == 25


def test_order_sorts_by_a_documented_field_with_direction(sandbox: RunningSandbox) -> None:
    """order=sortable_order sorts by value (not text), order_dir=desc reverses it."""
    sandbox.seed_schedules(
        [
            {"name": "ten", "sortable_order": "10"},
            {"name": "nine", "sortable_order": "9.5"},
            {"name": "hundred", "sortable_order": "100"},
        ]
    )
    assert names(sandbox, order="sortable_order") == ["nine", "ten", "hundred"]
    assert names(sandbox, order="sortable_order", order_dir="desc") == ["hundred", "ten", "nine"]


def test_nulls_sort_last_ascending(sandbox: RunningSandbox) -> None:
    """A record without a sortable_order comes after the others when ascending (Postgres)."""
    sandbox.seed_schedules([{"name": "none"}, {"name": "one", "sortable_order": 1}])
    assert names(sandbox, order="sortable_order") == ["one", "none"]


def test_order_dir_alone_reverses_the_id_order(sandbox: RunningSandbox) -> None:
    """order_dir=desc without order lists the newest id first."""
    sandbox.seed_schedules([{"name": "first"}, {"name": "second"}])
    assert names(sandbox, order_dir="desc") == ["second", "first"]


def test_fulltext_matches_name_or_description(sandbox: RunningSandbox) -> None:
    """fulltext finds records whose name or description contains the text, any case."""
    sandbox.seed_schedules(
        [
            {"name": "Solar - East"},
            {"name": "Medicare", "description": "solar adjacent"},
            {"name": "Auto"},
        ]
    )
    assert names(sandbox, fulltext="SOLAR") == ["Solar - East", "Medicare"]


def test_created_at_filters_bound_the_list(sandbox: RunningSandbox) -> None:
    """created_at_from and created_at_to (2016-01-01 12:25:15 -0500) bound created_at."""
    sandbox.seed_schedules([{"name": "old"}])
    sandbox.advance_clock(3600)
    sandbox.seed_schedules([{"name": "new"}])
    with sandbox.client() as client:
        records = client.get("/api/v1/schedules").json()["schedules"]
    new_created = records[1]["created_at"]  # like 2026-01-01T10:00:00.123-05:00
    day, time_part = new_created[:10], new_created[11:19]
    offset = new_created[23:].replace(":", "")
    boundary = f"{day} {time_part} {offset}"
    assert names(sandbox, created_at_from=boundary) == ["new"]
    assert names(sandbox, created_at_to=records[0]["created_at"]) == ["old"]
    assert names(sandbox, created_at_from="2001-01-01 00:00:00 -0500") == ["old", "new"]


def test_columns_limit_the_keys_of_each_record(sandbox: RunningSandbox) -> None:
    """columns=id,name,paused returns records holding only those keys."""
    sandbox.seed_schedules([{"name": "A", "sortable_order": 1}])
    with sandbox.client() as client:
        body = client.get("/api/v1/schedules", params={"columns": "id, name,paused"}).json()
    assert list(body["schedules"][0]) == ["id", "name", "paused"]


def test_schedule_grid_omits_fields_outside_the_columns_list(sandbox: RunningSandbox) -> None:
    """serializer=schedule_grid returns the documented columns only (no sortable_order)."""
    sandbox.seed_schedules([{"name": "A", "sortable_order": 1}])
    with sandbox.client() as client:
        grid = client.get("/api/v1/schedules", params={"serializer": "schedule_grid"}).json()
        default = client.get("/api/v1/schedules", params={"serializer": "schedule"}).json()
    assert "sortable_order" not in grid["schedules"][0]
    assert "name" in grid["schedules"][0]
    assert default["schedules"][0]["sortable_order"] == "1.0"


def test_root_false_returns_a_bare_array(sandbox: RunningSandbox) -> None:
    """root=false answers the records as a bare JSON array."""
    sandbox.seed_schedules([{"name": "A"}])
    with sandbox.client() as client:
        body = client.get("/api/v1/schedules", params={"root": "false"}).json()
    assert isinstance(body, list)
    assert body[0]["name"] == "A"


def test_the_csv_format_lists_the_same_page(sandbox: RunningSandbox) -> None:
    """GET /api/v1/schedules.csv answers text/csv with a header row and one row per record."""
    sandbox.seed_schedules([{"name": "A", "paused": True}, {"name": "B, with comma"}])
    with sandbox.client() as client:
        response = client.get("/api/v1/schedules.csv", params={"columns": "name,paused"})
    assert response.headers["content-type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.text)))
    assert rows == [["name", "paused"], ["A", "true"], ["B, with comma", "false"]]


@pytest.mark.parametrize("seed", ["demo", "45"])
def test_seeded_accounts_page_completely(make_sandbox: MakeSandbox, seed: str) -> None:
    """Walking pages while page < total_pages yields every seeded schedule exactly once."""
    running = make_sandbox(seed=seed)
    seen: list[int] = []
    page, total_pages = 1, 1
    with running.client() as client:
        while page <= total_pages:
            body = client.get("/api/v1/schedules", params={"page": page}).json()
            seen += [record["id"] for record in body["schedules"]]
            total_pages = body["metadata"]["total_pages"]
            page += 1
        total = body["metadata"]["total_count"]
    assert len(seen) == len(set(seen)) == total
    assert total >= 39
