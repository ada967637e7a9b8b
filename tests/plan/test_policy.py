"""Safety thresholds from ``reconciler.yaml`` ``safety:`` (``reconciler/policy.py``)."""

from __future__ import annotations

from typing import Any

import pytest

from reconciler.live import LiveSchedule
from reconciler.plan import Plan, build_plan
from reconciler.render import render_plan
from reconciler.spec import LoadedSpec
from tests.plan.builders import config, live, spec

# Thresholds that stay out of the way unless a test lowers one of them.
LENIENT: dict[str, Any] = {
    "max_deletes": 1000,
    "max_delete_percent": 100,
    "max_update_percent": 100,
    "min_live_for_percent": 0,
}


def account(size: int) -> list[LiveSchedule]:
    """``size`` live schedules named S00, S01, … all unpaused."""
    return [live(i + 1, f"S{i:02d}", paused=False) for i in range(size)]


def plan_with(
    *, live_count: int, deletes: int = 0, updates: int = 0, creates: int = 0, **safety: Any
) -> Plan:
    """A plan over ``live_count`` schedules that deletes, updates and creates that many."""
    records = account(live_count)
    specs: list[LoadedSpec] = []
    for i, record in enumerate(records):
        if i < deletes:
            specs.append(spec(record.name, ensure="absent"))
        elif i < deletes + updates:
            specs.append(spec(record.name, paused=True))
        else:
            specs.append(spec(record.name))
    specs.extend(spec(f"New {i}") for i in range(creates))
    plan = build_plan(specs, records, config(**(LENIENT | safety)))
    assert (plan.summary.delete, plan.summary.update, plan.summary.create) == (
        deletes,
        updates,
        creates,
    )
    return plan


def test_more_deletes_than_max_deletes_is_a_breach_with_the_figures() -> None:
    """Deleting more than `max_deletes` is a breach that names the count and the threshold."""
    plan = plan_with(live_count=20, deletes=3, max_deletes=2)
    assert plan.breaches == ("3 deletes exceed safety.max_deletes (2)",)
    assert plan.refusals == ()


def test_one_delete_over_the_limits_reads_in_the_singular() -> None:
    """One delete of the one live schedule: both breaches in the singular, counted from 1."""
    plan = plan_with(
        live_count=1, deletes=1, max_deletes=0, max_delete_percent=50, min_live_for_percent=1
    )
    assert plan.breaches == (
        "1 delete exceeds safety.max_deletes (0)",
        "1 delete is 100.0% of 1 live schedule, over safety.max_delete_percent (50%)",
    )


def test_exactly_max_deletes_is_allowed() -> None:
    """The threshold is inclusive: deleting exactly `max_deletes` passes."""
    assert plan_with(live_count=20, deletes=2, max_deletes=2).breaches == ()


def test_deletes_over_max_delete_percent_is_a_breach_with_the_figures() -> None:
    """Deleting more than `max_delete_percent` of live schedules names count, % and limit."""
    plan = plan_with(live_count=10, deletes=4, max_delete_percent=30)
    assert plan.breaches == (
        "4 deletes are 40.0% of 10 live schedules, over safety.max_delete_percent (30%)",
    )


def test_updates_over_max_update_percent_is_a_breach_with_the_figures() -> None:
    """Updating more than `max_update_percent` of live schedules names count, % and limit."""
    plan = plan_with(live_count=12, updates=7, max_update_percent=50)
    assert plan.breaches == (
        "7 updates are 58.3% of 12 live schedules, over safety.max_update_percent (50%)",
    )


def test_percentages_exactly_at_the_limit_are_allowed() -> None:
    """A percentage equal to its limit passes; only going over is a breach."""
    plan = plan_with(
        live_count=10, deletes=3, updates=5, max_delete_percent=30, max_update_percent=50
    )
    assert plan.breaches == ()


def test_every_breached_threshold_is_reported() -> None:
    """A plan over several thresholds lists each of them."""
    plan = plan_with(
        live_count=10,
        deletes=5,
        updates=5,
        max_deletes=4,
        max_delete_percent=10,
        max_update_percent=10,
    )
    assert plan.breaches == (
        "5 deletes exceed safety.max_deletes (4)",
        "5 deletes are 50.0% of 10 live schedules, over safety.max_delete_percent (10%)",
        "5 updates are 50.0% of 10 live schedules, over safety.max_update_percent (10%)",
    )


@pytest.mark.parametrize(("live_count", "breached"), [(9, False), (10, True), (11, True)])
def test_percentages_apply_only_from_min_live_for_percent(live_count: int, breached: bool) -> None:
    """Below `min_live_for_percent` live schedules the percentages are not checked."""
    plan = plan_with(
        live_count=live_count,
        deletes=4,
        updates=4,
        min_live_for_percent=10,
        max_delete_percent=10,
        max_update_percent=10,
    )
    assert bool(plan.breaches) is breached
    assert len(plan.breaches) == (2 if breached else 0)


def test_creates_never_count() -> None:
    """Creates count toward no threshold, however many and however strict the limits."""
    plan = plan_with(
        live_count=10,
        creates=40,
        max_deletes=0,
        max_delete_percent=0,
        max_update_percent=0,
        min_live_for_percent=0,
    )
    assert plan.breaches == ()
    assert plan.refusals == ()


def test_ignored_schedules_are_not_in_the_percentage_base() -> None:
    """Percentages are of the live schedules not ignored."""
    records = account(10) + [live(100 + i, f"tmp {i}") for i in range(90)]
    specs = [spec(r.name, ensure="absent") for r in records[:4]]
    plan = build_plan(
        specs, records, config(ignore=("^tmp",), **(LENIENT | {"max_delete_percent": 30}))
    )
    assert plan.live_count == 10
    assert plan.breaches == (
        "4 deletes are 40.0% of 10 live schedules, over safety.max_delete_percent (30%)",
    )


def test_prune_deletes_count_like_ensure_absent() -> None:
    """Deletes from prune count toward `max_deletes` like deletes from `ensure: absent`."""
    records = account(5)
    plan = build_plan(
        [spec(records[0].name, ensure="absent"), spec(records[1].name)],
        records,
        config(prune=True, **(LENIENT | {"max_deletes": 3})),
    )
    assert plan.summary.delete == 4
    assert plan.breaches == ("4 deletes exceed safety.max_deletes (3)",)


@pytest.mark.parametrize("live_count", [0, 3])
def test_empty_specs_with_prune_are_always_refused(live_count: int) -> None:
    """No specs plus `prune: true` is refused outright, whatever the thresholds say."""
    plan = build_plan([], account(live_count), config(prune=True, **LENIENT))
    assert plan.refusals == (
        "the specs are empty and prune is on: this would delete every schedule; "
        "check --specs (not overridable by --force)",
    )
    assert plan.summary.delete == live_count


def test_empty_specs_without_prune_are_not_refused() -> None:
    """No specs without prune deletes nothing, so it is not refused."""
    plan = build_plan([], account(3), config(prune=False))
    assert plan.refusals == ()
    assert plan.changes == ()


def test_breaches_are_rendered_with_the_force_flag() -> None:
    """Text and Markdown show each breach with its figures and that apply needs `--force`."""
    plan = plan_with(live_count=20, deletes=3, max_deletes=2)
    assert "UNSAFE: 3 deletes exceed safety.max_deletes (2) (apply needs --force)\n" in (
        render_plan(plan, "text")
    )
    assert (
        "> **Unsafe, apply needs `--force`:** 3 deletes exceed safety\\.max\\_deletes \\(2\\)"
        in render_plan(plan, "markdown")
    )
    assert '"3 deletes exceed safety.max_deletes (2)"' in render_plan(plan, "json")


def test_refusals_are_rendered_first() -> None:
    """A refusal opens the text plan and sits in the Markdown caution block."""
    plan = build_plan([], account(2), config(prune=True))
    assert render_plan(plan, "text").startswith("REFUSED: the specs are empty and prune is on")
    assert "> **Refused:** the specs are empty and prune is on" in render_plan(plan, "markdown")


def test_default_thresholds_hold_back_a_mass_delete() -> None:
    """With default safety, pruning 11 of 12 live schedules breaches count and percentage."""
    records = account(12)
    plan = build_plan([spec(records[0].name)], records, config(prune=True))
    assert plan.breaches == (
        "11 deletes exceed safety.max_deletes (10)",
        "11 deletes are 91.7% of 12 live schedules, over safety.max_delete_percent (30%)",
    )
