"""A saved plan notices every UI edit of a managed field made after it was planned.

Each managed field gets its own row: leaving one out of the live fingerprint would let a saved
plan apply over a UI edit of that field, and only the row for that field would fail.
"""

from __future__ import annotations

from typing import Any

import pytest

from reconciler.normalize import MANAGED_FIELDS
from reconciler.plan import build_plan, stale_schedules
from tests.plan.builders import config, live, spec

#: A live record as TrackDrive shows it, every managed field visible.
RECORD: dict[str, Any] = {
    "name": "Solar - East",
    "offer_id": 1001,
    "description": "East coast solar leads",
    "paused": False,
    "sortable_order": "10.0",
    "lead_duplicate_timeframe": 2592000,
}

#: One UI edit per managed field, written out: (field, the value the UI set).
UI_EDITS: list[tuple[str, Any]] = [
    ("name", "Solar - East (UI)"),
    ("offer_id", 1002),
    ("description", "Edited in the UI"),
    ("paused", True),
    ("sortable_order", "10.5"),
    ("lead_duplicate_timeframe", 86400),
]


def _planned_update() -> Any:
    """A plan that updates schedule 7 (pausing it), made against ``RECORD``."""
    desired = spec("Solar - East", offer_id=1001, paused=True)
    return build_plan([desired], [live(7, **RECORD)], config())


def test_every_managed_field_has_an_edit_row() -> None:
    """The rows below cover exactly the managed fields: a new field needs its own row."""
    assert sorted(field for field, _ in UI_EDITS) == sorted(MANAGED_FIELDS)


@pytest.mark.parametrize(("field", "edited"), UI_EDITS, ids=[f for f, _ in UI_EDITS])
def test_a_ui_edit_of_a_managed_field_makes_the_saved_plan_stale(field: str, edited: Any) -> None:
    """Editing ``field`` on the account after planning makes the plan's update stale, by id."""
    plan = _planned_update()
    assert [(c.name, c.id) for c in plan.changes] == [("Solar - East", 7)]
    after_edit = live(7, **{**RECORD, field: edited})
    assert stale_schedules(plan, [after_edit]) == ['"Solar - East" (id 7)']


def test_an_unedited_record_keeps_the_saved_plan_fresh() -> None:
    """The same record, re-read (equal values spelled differently), is not stale."""
    plan = _planned_update()
    reread = live(7, **{**RECORD, "sortable_order": "10", "offer_id": "1001"})
    assert stale_schedules(plan, [reread]) == []


def test_an_edit_of_an_unmanaged_key_keeps_the_saved_plan_fresh() -> None:
    """Keys the reconciler does not manage (timestamps) never make a plan stale."""
    plan = _planned_update()
    touched = live(7, **{**RECORD, "updated_at": "2026-11-30T12:00:00.000-05:00"})
    assert stale_schedules(plan, [touched]) == []


def _plan_of_every_kind() -> Any:
    """Against ids 7 and 8: a create, a rename of 7, a delete of 8 (``ensure: absent``)."""
    record_8 = {**RECORD, "name": "Old", "offer_id": 1003}
    return build_plan(
        [
            spec("Brand New", offer_id=1001),
            spec("Solar - West", id=7, offer_id=1001),
            spec("Old", id=8, ensure="absent"),
        ],
        [live(7, **RECORD), live(8, **record_8)],
        config(),
    ), record_8


def test_the_saved_plan_names_each_way_a_touched_schedule_went_stale() -> None:
    """Created meanwhile, deleted meanwhile, new name taken: each its own written-out reason."""
    plan, _ = _plan_of_every_kind()
    assert [(c.action, c.name, c.id) for c in plan.changes] == [
        ("create", "Brand New", None),
        ("update", "Solar - West", 7),
        ("delete", "Old", 8),
    ]
    now = [
        live(7, **RECORD),
        live(90, **{**RECORD, "name": "Brand New"}),
        live(91, **{**RECORD, "name": "Solar - West"}),
    ]
    assert stale_schedules(plan, now) == [
        '"Brand New" (created on the account meanwhile)',
        '"Solar - West" (the new name was taken on the account meanwhile)',
        '"Old" (id 8, deleted meanwhile)',
    ]


def test_a_plan_against_an_unchanged_account_is_fresh_for_every_kind() -> None:
    """The account as planned: no create's name is taken, no rename's target, nothing gone."""
    plan, record_8 = _plan_of_every_kind()
    assert stale_schedules(plan, [live(7, **RECORD), live(8, **record_8)]) == []
