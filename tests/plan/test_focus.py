"""``--only``: the plan narrowed to the schedules a pattern names, by new or old name."""

from __future__ import annotations

from reconciler.diff import Change, FieldChange, UnknownField
from reconciler.plan import Plan, UnmanagedSchedule, focus


def _solar(name: str) -> bool:
    return name.startswith("Solar")


def _plan(*, unchanged_names: tuple[str, ...] = ("Solar - Idle", "Auto - Idle")) -> Plan:
    return Plan(
        changes=(
            Change("create", "Solar - New", None, (FieldChange("offer_id", None, 7),)),
            Change("create", "Auto - New", None, (FieldChange("offer_id", None, 8),)),
            # A rename away from the pattern: kept, because its old name matches.
            Change("update", "Renamed", 12, (FieldChange("name", "Solar - Old", "Renamed"),)),
            # A rename into nothing the pattern names, and a delete of an Auto schedule.
            Change("update", "Auto - B", 13, (FieldChange("name", "Auto - A", "Auto - B"),)),
            Change("delete", "Auto - Gone", 14, reason="ensure: absent"),
        ),
        unchanged=2,
        unchanged_names=unchanged_names,
        unmanaged=(UnmanagedSchedule("Solar - Hand made", 20), UnmanagedSchedule("Other", 21)),
        ignored=0,
        live_count=6,
        unknown=(UnknownField("Solar - Hidden", 30, "paused"), UnknownField("Auto", 31, "paused")),
    )


def test_only_keeps_changes_whose_new_or_old_name_matches() -> None:
    """A create by its name, a rename by its old name; others (and their old names) dropped."""
    narrowed = focus(_plan(), _solar)
    assert [(c.action, c.name) for c in narrowed.changes] == [
        ("create", "Solar - New"),
        ("update", "Renamed"),
    ]


def test_only_narrows_the_unchanged_count_to_the_names_it_matches() -> None:
    """``N unchanged`` counts only the matching unchanged schedules, and keeps their names."""
    narrowed = focus(_plan(), _solar)
    assert narrowed.unchanged == 1
    assert narrowed.unchanged_names == ("Solar - Idle",)


def test_without_unchanged_names_the_count_is_kept_as_it_was() -> None:
    """A plan read from a file carries no unchanged names: its count stays, not zero."""
    narrowed = focus(_plan(unchanged_names=()), _solar)
    assert narrowed.unchanged == 2
    assert narrowed.unchanged_names == ()


def test_only_narrows_unmanaged_and_not_compared_lists() -> None:
    """The unmanaged and not-compared lists show only the matching schedules."""
    narrowed = focus(_plan(), _solar)
    assert narrowed.unmanaged == (UnmanagedSchedule("Solar - Hand made", 20),)
    assert narrowed.unknown == (UnknownField("Solar - Hidden", 30, "paused"),)


def test_a_pattern_matching_nothing_leaves_an_empty_plan_with_the_rest_untouched() -> None:
    """Nothing matches: no change, nothing unchanged or unmanaged; counts of what was read stay."""
    narrowed = focus(_plan(), lambda name: False)
    assert narrowed.changes == ()
    assert narrowed.unchanged == 0
    assert narrowed.unmanaged == ()
    assert narrowed.unknown == ()
    assert narrowed.live_count == 6
