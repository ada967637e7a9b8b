"""Reading and writing bodies: tolerant of the shapes TrackDrive may answer, strict on values."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from reconciler.trackdrive.wire import (
    WireError,
    decode_json,
    encode_params,
    envelope_status,
    field_errors,
    read_page,
    read_record,
)


def test_fractions_are_parsed_as_decimals() -> None:
    """A JSON number with a fraction becomes a Decimal, never a float."""
    assert decode_json(b'{"sortable_order": 10.50}') == {"sortable_order": Decimal("10.50")}


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (b"NaN", "the answer is not JSON (NaN is not a number TrackDrive sends)"),
        (b'{"x": Infinity}', "the answer is not JSON (Infinity is not a number TrackDrive sends)"),
        (
            b"<html>login</html>",
            "the answer is not JSON (Expecting value: line 1 column 1 (char 0))",
        ),
        (
            b"{",
            "the answer is not JSON "
            "(Expecting property name enclosed in double quotes: line 1 column 2 (char 1))",
        ),
    ],
)
def test_non_json_and_non_numbers_are_refused(body: bytes, message: str) -> None:
    """HTML, broken JSON, NaN and Infinity are unreadable answers, and say where and why."""
    with pytest.raises(WireError) as raised:
        decode_json(body)
    assert str(raised.value) == message


def test_a_list_envelope_gives_records_and_paging() -> None:
    """`{"schedules": [...], "metadata": {...}}` gives the records and both counts."""
    page = read_page(
        {"schedules": [{"id": 1}], "metadata": {"total_pages": "3", "total_count": 51}}
    )
    assert (page.records, page.total_pages, page.total_count) == ([{"id": 1}], 3, 51)


def test_a_bare_array_is_a_page_without_metadata() -> None:
    """A bare array (root=false) is read as records with unknown paging."""
    page = read_page([{"id": 1}, {"id": 2}])
    assert (len(page.records), page.total_pages, page.total_count) == (2, None, None)


@pytest.mark.parametrize(
    "body",
    [
        {"schedule": [{"id": 1}], "metadata": {}},
        {"records": [{"id": 1}], "metadata": {"root": "records"}},
        {"items": [{"id": 1}], "metadata": {"total_pages": 1}},
    ],
)
def test_other_root_keys_are_tolerated(body: dict[str, Any]) -> None:
    """The singular root, a root named by metadata.root, or the only list are all read."""
    assert read_page(body).records == [{"id": 1}]


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({"metadata": {}}, "a list answer has no list of schedules (keys: metadata)"),
        ("text", "a list answer should be an object or an array, got a string"),
        ({"schedules": ["x"]}, "a list answer holds a string where a record should be"),
    ],
)
def test_a_list_without_records_is_unreadable(body: Any, message: str) -> None:
    """No list of record objects means the answer cannot be read, and the error says why."""
    with pytest.raises(WireError) as raised:
        read_page(body)
    assert str(raised.value) == message


@pytest.mark.parametrize(
    "body",
    [
        {"status": 200, "errors": {}, "schedule": {"id": 7}, "metadata": {"root": "schedule"}},
        {"id": 7, "name": "bare", "settings": {"a": 1}},
        {"status": 200, "errors": {}, "record": {"id": 7}, "metadata": {}},
    ],
)
def test_a_record_is_read_from_its_envelope_or_bare(body: dict[str, Any]) -> None:
    """The record is under its root key, is the body itself, or is the only object inside."""
    assert read_record(body)["id"] == 7


def test_envelope_status_is_read_when_numeric() -> None:
    """The envelope's own status is read only when it is a number."""
    assert envelope_status({"status": 422}) == 422
    assert envelope_status({"status": "422"}) is None
    assert envelope_status([]) is None


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ({"errors": {"name": ["can't be blank"]}}, {"name": ["can't be blank"]}),
        ({"errors": {"paused": "is invalid", "x": []}}, {"paused": ["is invalid"]}),
        ({"errors": ["Not allowed"]}, {"base": ["Not allowed"]}),
        ({"error": "Unauthorized"}, {"base": ["Unauthorized"]}),
        ({"errors": {}}, {}),
        ("plain text", {}),
    ],
)
def test_field_errors_shapes(body: Any, expected: dict[str, list[str]]) -> None:
    """Every error shape becomes field -> messages; empty messages are dropped."""
    assert field_errors(body) == expected


def test_values_are_sent_as_trackdrive_expects() -> None:
    """Booleans stay JSON booleans, decimals become plain strings, null stays null."""
    sent = encode_params(
        {
            "paused": True,
            "sortable_order": Decimal("1E+1"),
            "offer_id": None,
            "lead_duplicate_timeframe": 30,
            "data": {"weight": Decimal("0.5")},
        }
    )
    assert sent == {
        "paused": True,
        "sortable_order": "10",
        "offer_id": None,
        "lead_duplicate_timeframe": 30,
        "data": {"weight": "0.5"},
    }


def test_floats_are_never_sent() -> None:
    """A float anywhere in the parameters is refused before any request."""
    with pytest.raises(TypeError, match="floats are never sent"):
        encode_params({"data": {"x": 0.1}})
