"""Matching specs to live schedules, and field-level differences (``reconciler/diff.py``)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from reconciler.diff import Change, FieldChange, UnknownField
from reconciler.errors import PlanError
from reconciler.location import Location
from reconciler.plan import Plan, UnmanagedSchedule, build_plan
from reconciler.render import render_plan
from tests.plan.builders import SPEC_FILE, config, live, spec


def only_change(plan: Plan) -> Change:
    """The plan's single change (fails the test when there is not exactly one)."""
    assert len(plan.changes) == 1, plan.changes
    return plan.changes[0]


# Rule 2: a pinned id matches by id.


def test_pinned_id_with_other_name_is_a_rename() -> None:
    """A spec pinning a live id under another name renames it, shown as `rename "A" → "B"`."""
    plan = build_plan([spec("B", id=7)], [live(7, "A", paused=False)], config())
    change = only_change(plan)
    assert (change.action, change.id, change.name) == ("update", 7, "B")
    assert change.fields == (FieldChange("name", "A", "B"),)
    assert change.renamed_from == "A"
    assert '~ rename "A" → "B" (id 7)' in render_plan(plan, "text")
    assert 'rename \\"A\\" → \\"B\\" \\(id 7\\)' in render_plan(plan, "markdown")


def test_pinned_id_wins_over_a_record_with_the_spec_name() -> None:
    """A pinned spec updates the pinned record, not the live record that has its name."""
    plan = build_plan(
        [spec("A", id=2, paused=True)],
        [live(1, "A", paused=False), live(2, "A", paused=False)],
        config(),
    )
    change = only_change(plan)
    assert (change.action, change.id) == ("update", 2)
    assert change.fields == (FieldChange("paused", False, True),)
    assert plan.unmanaged == (UnmanagedSchedule("A", 1),)


def test_pinned_id_not_live_is_a_plan_error_at_the_id_key() -> None:
    """A pinned id that is not live stops the plan with an error pointing at the `id:` line."""
    loaded = spec("Solar", line=4, id=99)
    with pytest.raises(PlanError) as caught:
        build_plan([loaded], [live(1, "Solar")], config())
    (issue,) = caught.value.issues
    assert issue.message == (
        "'Solar' pins id 99, which is not a live schedule (or is ignored); remove the id to "
        "create it, or fix the id"
    )
    assert issue.location == Location(SPEC_FILE, 5, 5)  # the `id:` key, the line after the name


def test_pinned_id_not_live_with_ensure_absent_is_a_no_op() -> None:
    """`ensure: absent` with a pinned id that is gone is already satisfied: no change, no error."""
    plan = build_plan([spec("Gone", id=99, ensure="absent")], [live(1, "Other")], config())
    assert plan.changes == ()
    assert plan.unchanged == 0
    assert plan.unmanaged == (UnmanagedSchedule("Other", 1),)


def test_pinned_id_of_an_ignored_record_is_a_plan_error() -> None:
    """A pin on a live schedule whose name is ignored is an error that mentions the ignore."""
    with pytest.raises(PlanError) as caught:
        build_plan([spec("Solar", id=5)], [live(5, "tmp - x")], config(ignore=("^tmp",)))
    (issue,) = caught.value.issues
    assert str(issue) == (
        "schedules.d/main.yaml:2:5: 'Solar' pins id 5, which is not a live schedule "
        "(or is ignored); remove the id to create it, or fix the id"
    )


# Rule 3: otherwise, match by exact name among records no pin claimed.


def test_two_live_records_with_the_spec_name_ask_for_an_id_pin() -> None:
    """Two live schedules with a spec's name make an error naming both ids and `id:`."""
    loaded = spec("Solar", line=8, paused=True)
    with pytest.raises(PlanError) as caught:
        build_plan([loaded], [live(7, "Solar"), live(3, "Solar"), live(4, "Other")], config())
    (issue,) = caught.value.issues
    assert issue.message == (
        "2 live schedules are named 'Solar' (ids 3, 7); pin the one this spec manages with `id:`"
    )
    assert issue.location == loaded.location
    assert str(caught.value) == "1 spec cannot be matched to the live account"


def test_ambiguous_ensure_absent_is_a_plan_error_too() -> None:
    """`ensure: absent` on a duplicated name does not guess which schedule to delete."""
    with pytest.raises(PlanError) as caught:
        build_plan([spec("Solar", ensure="absent")], [live(1, "Solar"), live(2, "Solar")], config())
    assert [str(issue) for issue in caught.value.issues] == [
        "schedules.d/main.yaml:1:5: 2 live schedules are named 'Solar' (ids 1, 2); "
        "pin the one this spec manages with `id:`"
    ]


def test_every_matching_error_is_reported_at_once() -> None:
    """All unmatchable specs are collected into one PlanError, sorted by location."""
    with pytest.raises(PlanError) as caught:
        build_plan(
            [spec("Dup", line=9), spec("Missing", line=2, id=50)],
            [live(1, "Dup"), live(2, "Dup")],
            config(),
        )
    issues = caught.value.issues
    assert [i.location for i in issues] == [
        Location(SPEC_FILE, 3, 5),  # the `id:` key of "Missing"
        Location(SPEC_FILE, 9, 5),
    ]
    assert [i.message for i in issues] == [
        "'Missing' pins id 50, which is not a live schedule (or is ignored); remove the id to "
        "create it, or fix the id",
        "2 live schedules are named 'Dup' (ids 1, 2); pin the one this spec manages with `id:`",
    ]
    assert str(caught.value) == "2 specs cannot be matched to the live account"


def test_pinned_records_are_excluded_from_name_matching() -> None:
    """A record claimed by a pin is never matched by name: the unpinned spec creates its own."""
    plan = build_plan([spec("A"), spec("B", id=1)], [live(1, "A")], config())
    assert [(c.action, c.name, c.id) for c in plan.changes] == [
        ("create", "A", None),
        ("update", "B", 1),
    ]


def test_a_pin_makes_a_duplicated_name_unambiguous() -> None:
    """With one of two same-named records pinned away, the name matches the other one."""
    plan = build_plan(
        [spec("X", paused=True), spec("Y", id=1)],
        [live(1, "X", paused=False), live(2, "X", paused=False)],
        config(),
    )
    assert [(c.name, c.id, c.fields) for c in plan.changes] == [
        ("X", 2, (FieldChange("paused", False, True),)),
        ("Y", 1, (FieldChange("name", "X", "Y"),)),
    ]


def test_names_match_exactly() -> None:
    """Matching by name is exact: case and spaces matter, so a near name is a create."""
    plan = build_plan([spec("solar ")], [live(1, "Solar")], config())
    assert only_change(plan).action == "create"
    assert plan.unmanaged == (UnmanagedSchedule("Solar", 1),)


# Which fields are compared, and how.


def test_only_the_managed_fields_a_spec_names_are_compared() -> None:
    """Fields left out of a spec are not diffed, however the live record differs."""
    record = live(
        1, "A", paused=True, offer_id=5, sortable_order="99.5", lead_duplicate_timeframe=600
    )
    assert build_plan([spec("A")], [record], config()).changes == ()
    change = only_change(build_plan([spec("A", offer_id=6)], [record], config()))
    assert change.fields == (FieldChange("offer_id", 5, 6),)


def test_an_explicit_null_is_managed_unlike_a_left_out_field() -> None:
    """`offer_id: null` in a spec clears a live offer; leaving it out does not."""
    change = only_change(
        build_plan([spec("A", offer_id=None)], [live(1, "A", offer_id=5)], config())
    )
    assert change.fields == (FieldChange("offer_id", 5, None),)


@pytest.mark.parametrize(
    ("field", "live_value", "spec_value"),
    [
        ("sortable_order", "10.0", 10),
        ("sortable_order", "1.50", "1.5"),
        ("sortable_order", 10, "10.000"),
        ("paused", "yes", True),
        ("paused", True, "on"),
        ("paused", "0", "no"),
        ("paused", 1, "TRUE"),
        ("lead_duplicate_timeframe", "30", 30),
        ("lead_duplicate_timeframe", 30, "30.0"),
        ("offer_id", "1234", 1234),
    ],
)
def test_values_equal_after_normalization_are_no_change(
    field: str, live_value: Any, spec_value: Any
) -> None:
    """Both sides are normalized first, so "10.0" vs 10, "yes" vs true, "30" vs 30 are equal."""
    spec_keys: dict[str, Any] = {field: spec_value}
    live_fields: dict[str, Any] = {field: live_value}
    plan = build_plan([spec("A", **spec_keys)], [live(1, "A", **live_fields)], config())
    assert plan.changes == ()
    assert plan.unchanged == 1


def test_a_real_difference_shows_both_sides_in_canonical_form() -> None:
    """An update shows each changed field's before and after, normalized and readable."""
    plan = build_plan(
        [spec("A", sortable_order="10.50", paused="off", lead_duplicate_timeframe="45")],
        [live(1, "A", sortable_order="10.0", paused="yes", lead_duplicate_timeframe=45)],
        config(),
    )
    change = only_change(plan)
    assert change.fields == (
        FieldChange("paused", True, False),
        FieldChange("sortable_order", Decimal("10"), Decimal("10.5")),
    )
    text = render_plan(plan, "text")
    assert "    paused: true → false\n" in text
    assert "    sortable_order: 10 → 10.5\n" in text


def test_a_field_the_live_record_hides_is_unknown_never_a_change() -> None:
    """A managed field missing from the live record is reported as unknown, not planned."""
    plan = build_plan([spec("A", paused=True, offer_id=3)], [live(1, "A", offer_id=3)], config())
    assert plan.changes == ()
    assert plan.unchanged == 1
    assert plan.unknown == (UnknownField("A", 1, "paused"),)
    assert '? "A" (id 1) paused' in render_plan(plan, "text")


def test_a_hidden_field_does_not_hide_a_visible_change() -> None:
    """With one field hidden, the visible fields that differ are still updated."""
    plan = build_plan([spec("A", paused=True, offer_id=4)], [live(1, "A", offer_id=3)], config())
    assert only_change(plan).fields == (FieldChange("offer_id", 3, 4),)
    assert plan.unknown == (UnknownField("A", 1, "paused"),)


# Kinds of change.


def test_a_spec_that_matches_nothing_is_a_create_of_every_field_it_names() -> None:
    """A create carries no id and every field the spec names, from null."""
    change = only_change(
        build_plan([spec("New", line=3, paused="on", offer_id="12")], [], config())
    )
    assert (change.action, change.name, change.id) == ("create", "New", None)
    assert change.fields == (
        FieldChange("name", None, "New"),
        FieldChange("offer_id", None, 12),
        FieldChange("paused", None, True),
    )
    assert change.source == Location(SPEC_FILE, 3, 5)


def test_ensure_absent_deletes_the_live_schedule_of_that_name() -> None:
    """`ensure: absent` deletes the matching live schedule, with the reason and spec location."""
    loaded = spec("Old", line=12, ensure="absent")
    plan = build_plan([loaded], [live(4, "Old", paused=True)], config())
    change = only_change(plan)
    assert (change.action, change.name, change.id) == ("delete", "Old", 4)
    assert change.reason == "ensure: absent"
    assert change.source == loaded.location
    assert plan.unmanaged == ()
    assert '- delete "Old" (id 4): ensure: absent' in render_plan(plan, "text")


def test_ensure_absent_for_a_name_not_live_is_a_no_op() -> None:
    """`ensure: absent` for a schedule that does not exist changes nothing and is no error."""
    plan = build_plan([spec("Old", ensure="absent")], [live(1, "Other")], config(prune=False))
    assert plan.changes == ()
    assert plan.summary.unchanged == 0


def test_live_schedules_no_spec_names_are_unmanaged_without_prune() -> None:
    """Without prune, live schedules that no spec names are reported and left alone."""
    plan = build_plan([spec("A")], [live(1, "A"), live(3, "Z"), live(2, "B")], config())
    assert plan.changes == ()
    assert plan.unmanaged == (UnmanagedSchedule("B", 2), UnmanagedSchedule("Z", 3))
    assert plan.summary.unmanaged == 2


def test_prune_deletes_live_schedules_no_spec_names() -> None:
    """With `prune: true`, every live schedule no spec names is deleted, saying why."""
    plan = build_plan([spec("A")], [live(1, "A"), live(2, "B", paused=False)], config(prune=True))
    change = only_change(plan)
    assert (change.action, change.name, change.id) == ("delete", "B", 2)
    assert change.reason == "prune: no spec names it"
    assert change.source is None
    # What is deleted is shown with its values, as for ensure: absent.
    assert change.fields == (FieldChange("name", "B", None), FieldChange("paused", False, None))
    assert plan.unmanaged == ()


def test_changes_are_ordered_creates_updates_deletes_then_by_name() -> None:
    """The plan lists creates, then updates, then deletes, each sorted by name then id."""
    plan = build_plan(
        [spec("b-new"), spec("a-new"), spec("z-upd", paused=True), spec("c-upd", paused=True)],
        [
            live(1, "z-upd", paused=False),
            live(2, "c-upd", paused=False),
            live(3, "y"),
            live(4, "x"),
        ],
        config(prune=True),
    )
    assert [(c.action, c.name) for c in plan.changes] == [
        ("create", "a-new"),
        ("create", "b-new"),
        ("update", "c-upd"),
        ("update", "z-upd"),
        ("delete", "x"),
        ("delete", "y"),
    ]


# Rule 1: ignore patterns.


def test_ignored_live_schedules_are_neither_managed_nor_unmanaged_only_counted() -> None:
    """Ignored live names are never deleted by prune, not listed as unmanaged, only counted."""
    plan = build_plan(
        [spec("A")],
        [live(1, "A"), live(2, "tmp - one"), live(3, "tmp - two"), live(4, "B")],
        config(prune=True, ignore=("^tmp - ",)),
    )
    assert [(c.action, c.id) for c in plan.changes] == [("delete", 4)]
    assert plan.unmanaged == ()
    assert plan.ignored == 2
    assert plan.live_count == 2
    assert sorted(plan.fingerprints) == [1, 4]
    assert "2 ignored" in render_plan(plan, "text")


def test_ignore_patterns_are_searched_anywhere_in_the_name() -> None:
    """An ignore pattern is a regex searched in the name, not a whole-name match."""
    plan = build_plan(
        [], [live(1, "My scratch copy"), live(2, "Solar")], config(ignore=("scratch",))
    )
    assert plan.ignored == 1
    assert plan.unmanaged == (UnmanagedSchedule("Solar", 2),)


def test_a_spec_whose_name_is_ignored_is_skipped_with_a_warning() -> None:
    """A spec named like an ignore pattern changes nothing and says so, with its location."""
    plan = build_plan(
        [spec("tmp - x", line=7, paused=True)],
        [live(1, "tmp - x", paused=False)],
        config(ignore=("^tmp",)),
    )
    assert plan.changes == ()
    assert plan.warnings == (
        f"{SPEC_FILE}:7:5: 'tmp - x' matches an ignore pattern in reconciler.yaml; "
        "the spec is skipped",
    )
    assert plan.ignored == 1


# The rename-collision warning.


def test_renaming_onto_a_live_name_warns_of_the_collision() -> None:
    """A rename onto the name of a schedule that stays warns that names will need `id:` pins."""
    plan = build_plan([spec("B", id=1)], [live(1, "A"), live(2, "B")], config())
    assert plan.warnings == (
        "after this plan 2 schedules would be named 'B'; matching by name will then need an "
        "`id:` pin",
    )
    assert "warning: after this plan 2 schedules would be named 'B'" in render_plan(plan, "text")


def test_renaming_onto_a_free_name_gives_no_warning() -> None:
    """A rename onto a name nobody else has is not a collision."""
    plan = build_plan([spec("B", id=1)], [live(1, "A"), live(2, "C")], config())
    assert plan.warnings == ()


def test_renaming_onto_a_name_the_plan_deletes_gives_no_warning() -> None:
    """A rename onto the name of a schedule the same plan deletes leaves one of that name."""
    plan = build_plan([spec("B", id=1)], [live(1, "A"), live(2, "B")], config(prune=True))
    assert [(c.action, c.id) for c in plan.changes] == [("update", 1), ("delete", 2)]
    assert plan.warnings == ()


def test_renaming_away_and_creating_the_old_name_gives_no_warning() -> None:
    """Renaming A to B while a spec creates a new A leaves one schedule of each name."""
    plan = build_plan([spec("B", id=1), spec("A")], [live(1, "A")], config())
    assert [(c.action, c.name) for c in plan.changes] == [("create", "A"), ("update", "B")]
    assert plan.warnings == ()


# Bugs found while writing these tests.


def test_a_delete_is_not_a_rename() -> None:
    """Deleting one of three same-named schedules is no rename and gives no rename warning."""
    plan = build_plan(
        [spec("Q", id=2, ensure="absent")], [live(1, "X"), live(2, "X"), live(3, "X")], config()
    )
    (change,) = plan.changes
    assert change.action == "delete"
    assert change.renamed_from is None
    assert plan.warnings == ()


def test_a_skipped_spec_pin_does_not_get_a_named_schedule_deleted() -> None:
    """A live schedule that an active spec names is never pruned because a skipped spec pins it."""
    plan = build_plan(
        [spec("legacy-x", id=5), spec("Solar")],
        [live(5, "Solar")],
        config(prune=True, ignore=("^legacy",)),
    )
    assert [(c.action, c.id) for c in plan.changes if c.action == "delete"] == []
    assert [c.action for c in plan.changes if c.name == "Solar"] == []


def test_prune_never_deletes_a_schedule_whose_name_is_hidden() -> None:
    """Prune leaves alone a live schedule whose name it cannot see: a spec or ignore may name it."""
    plan = build_plan([spec("Solar")], [live(7, paused=False)], config(prune=True))
    assert [c for c in plan.changes if c.action == "delete"] == []
    assert plan.warnings == (
        "1 live schedule hides its name from this token; prune leaves it alone (id 7)",
    )
    two = build_plan([spec("Solar")], [live(7), live(9)], config(prune=True))
    assert two.warnings == (
        "2 live schedules hide their names from this token; prune leaves them alone (ids 7, 9)",
    )
    eleven = build_plan([spec("Solar")], [live(n) for n in range(1, 12)], config(prune=True))
    assert eleven.warnings == (
        "11 live schedules hide their names from this token; prune leaves them alone "
        "(ids 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, …)",
    )


def test_sortable_order_beyond_28_digits_is_not_rounded_away() -> None:
    """A spec decimal that differs from the live one only in its 30th digit is still a change."""
    plan = build_plan(
        [spec("A", sortable_order="1.00000000000000000000000000001")],
        [live(1, "A", sortable_order="1")],
        config(),
    )
    assert len(plan.changes) == 1
