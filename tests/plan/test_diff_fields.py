"""``diff_fields``: which managed fields differ, also when the diff library reports oddly."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

import reconciler.diff
from reconciler.diff import FieldChange, diff_fields
from tests.plan.builders import live

LIVE = live(7, "Solar - East", offer_id=1001, paused=False, sortable_order="10")


def test_the_fields_that_differ_are_reported_in_managed_field_order() -> None:
    """Only differing fields are changes, with their canonical before and after."""
    desired: dict[Any, Any] = {"paused": True, "offer_id": 1001, "sortable_order": Decimal("10.5")}
    changes, hidden = diff_fields(desired, LIVE)
    assert changes == (
        FieldChange("paused", False, True),
        FieldChange("sortable_order", Decimal("10"), Decimal("10.5")),
    )
    assert hidden == ()


def test_a_field_the_record_hides_is_reported_hidden_not_changed() -> None:
    """A desired field the live record does not show is hidden: unknown, never a change."""
    changes, hidden = diff_fields({"lead_duplicate_timeframe": 3600, "paused": False}, LIVE)
    assert (changes, hidden) == ((), ("lead_duplicate_timeframe",))


def test_a_difference_the_diff_library_does_not_report_is_still_a_change(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """If DeepDiff reports nothing (a quirk) for values that differ, the plain comparison wins."""

    def reports_nothing(before: object, after: object) -> dict[str, Any]:
        return {}

    monkeypatch.setattr(reconciler.diff, "DeepDiff", reports_nothing)
    changes, _ = diff_fields({"paused": True, "offer_id": 1001}, LIVE)
    assert changes == (FieldChange("paused", False, True),)


def test_a_change_kind_the_code_does_not_read_is_still_a_change(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A report under another kind than values_changed/type_changes does not hide the change."""

    def other_kind(before: object, after: object) -> dict[str, Any]:
        return {"repetition_change": {"root['paused']": {}}}

    monkeypatch.setattr(reconciler.diff, "DeepDiff", other_kind)
    changes, _ = diff_fields({"paused": True}, LIVE)
    assert changes == (FieldChange("paused", False, True),)
