"""The ordering rules of ``apply_plan`` over an in-memory account (no network).

The rules, from ``reconciler/apply.py``: deletes, then updates (renames in an order that never
holds a name twice, ``B → C`` before ``A → B``), then creates; a rename or create that needs a
name still held (its delete or rename failed or was skipped) is skipped; swaps are skipped; one
failure does not stop independent changes; ``stop`` lets writes in flight finish and skips the
rest.
"""

from __future__ import annotations

from collections import Counter

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reconciler.diff import Change
from tests.apply.memory import (
    MemoryAccount,
    by_name,
    create,
    delete,
    outcomes,
    plan_of,
    rename,
    run_apply,
    update,
)


def test_deletes_run_before_updates_and_updates_before_creates() -> None:
    """Every delete starts before any update, and every update before any create."""
    account = MemoryAccount({1: "Old 1", 2: "Old 2", 3: "Keep 1", 4: "Keep 2"})
    # Listed creates first, as a plan sorts them: apply must reorder.
    plan = plan_of(
        create("New 1"),
        create("New 2"),
        update(3, "Keep 1"),
        update(4, "Keep 2"),
        delete(1, "Old 1"),
        delete(2, "Old 2"),
    )
    report = run_apply(plan, account, concurrency=8)
    assert report.ok
    kinds = [entry.split(" ", 1)[0] for entry in account.log]
    assert kinds == ["delete", "delete", "update", "update", "create", "create"]
    assert sorted(account.names.values()) == ["Keep 1", "Keep 2", "New 1", "New 2"]


def test_a_delete_frees_its_name_for_a_create_in_the_same_plan() -> None:
    """A schedule deleted and re-created under the same name is never held twice."""
    account = MemoryAccount({1: "Solar"})
    report = run_apply(plan_of(create("Solar"), delete(1, "Solar")), account)
    assert report.ok
    assert account.log == ["delete 'Solar'", "create 'Solar'"]
    assert account.collisions == []
    assert list(account.names.values()) == ["Solar"]


def test_a_rename_chain_runs_from_its_free_end() -> None:
    """B → C runs before A → B (and C → D before both), so no name is ever held twice."""
    account = MemoryAccount({1: "A", 2: "B", 3: "C"})
    plan = plan_of(rename(1, "A", "B"), rename(2, "B", "C"), rename(3, "C", "D"))
    report = run_apply(plan, account)
    assert report.ok
    assert account.log == ["rename 'C' → 'D'", "rename 'B' → 'C'", "rename 'A' → 'B'"]
    assert account.collisions == []
    assert account.names == {1: "B", 2: "C", 3: "D"}


def test_a_create_of_a_renamed_away_name_runs_after_the_rename() -> None:
    """A create that takes the old name of a rename starts only after the rename is done."""
    account = MemoryAccount({1: "A"})
    report = run_apply(plan_of(create("A"), rename(1, "A", "B")), account)
    assert report.ok
    assert account.log == ["rename 'A' → 'B'", "create 'A'"]
    assert account.collisions == []


def test_a_failed_rename_skips_what_waits_on_its_name() -> None:
    """When B → C fails, A → B and the create of A are skipped; independent changes apply."""
    account = MemoryAccount({1: "A", 2: "B", 3: "X"}, fail_ids={2})
    plan = plan_of(
        create("A"),
        create("Z"),
        rename(1, "A", "B"),
        rename(2, "B", "C"),
        update(3, "X"),
    )
    report = run_apply(plan, account)
    results = by_name(report)
    assert results["C"].outcome == "failed"
    assert results["C"].detail is not None
    assert "TrackDrive failed (injected)" in results["C"].detail
    assert results["B"].outcome == "skipped"
    assert (
        results["B"].detail
        == '"B" is still held by another schedule (its delete or rename did not happen)'
    )
    assert results["A"].outcome == "skipped"
    assert (
        results["A"].detail
        == '"A" is still held by another schedule (its delete or rename did not happen)'
    )
    assert results["X"].outcome == "applied"
    assert results["Z"].outcome == "applied"
    assert "rename 'A' → 'B'" not in account.log
    assert "create 'A'" not in account.log
    assert account.collisions == []
    assert account.names == {1: "A", 2: "B", 3: "X", 4: "Z"}


def test_a_rename_cycle_is_skipped_and_nothing_of_it_is_written() -> None:
    """A ↔ B cannot be ordered: both are skipped as a cycle, the rest still applies."""
    account = MemoryAccount({1: "A", 2: "B", 3: "X"})
    a_to_b, b_to_a = rename(1, "A", "B"), rename(2, "B", "A")
    plan = plan_of(a_to_b, b_to_a, update(3, "X"), create("Y"))
    report = run_apply(plan, account)
    assert outcomes(report, [a_to_b, b_to_a]) == ["skipped", "skipped"]
    for result in (r for r in report.results if r.change in (a_to_b, b_to_a)):
        assert result.detail == "renames form a cycle; rename one by hand"
    assert by_name(report)["X"].outcome == "applied"
    assert by_name(report)["Y"].outcome == "applied"
    assert not any(entry.startswith("rename") for entry in account.log)
    assert account.names == {1: "A", 2: "B", 3: "X", 4: "Y"}


def test_one_failure_does_not_stop_independent_changes() -> None:
    """A failed delete, update and create each fail alone; every other change is applied."""
    account = MemoryAccount(
        {1: "Del ok", 2: "Del bad", 3: "Upd ok", 4: "Upd bad"},
        fail_ids={2, 4},
        fail_creates={"New bad"},
    )
    plan = plan_of(
        create("New ok"),
        create("New bad"),
        update(3, "Upd ok"),
        update(4, "Upd bad"),
        delete(1, "Del ok"),
        delete(2, "Del bad"),
    )
    report = run_apply(plan, account)
    assert {r.change.name: r.outcome for r in report.results} == {
        "New ok": "applied",
        "New bad": "failed",
        "Upd ok": "applied",
        "Upd bad": "failed",
        "Del ok": "applied",
        "Del bad": "failed",
    }
    assert report.count("failed") == 3
    assert not report.ok
    assert all(r.detail for r in report.results if r.outcome == "failed")
    assert sorted(account.names.values()) == ["Del bad", "New ok", "Upd bad", "Upd ok"]


def test_every_change_gets_exactly_one_result() -> None:
    """Applied, failed or skipped, each change of the plan is reported once and only once."""
    account = MemoryAccount({1: "A", 2: "B", 3: "P", 4: "Q", 5: "D"}, fail_ids={5})
    plan = plan_of(
        create("A"),
        create("N"),
        rename(1, "A", "B"),
        rename(2, "B", "C"),
        rename(3, "P", "Q"),
        rename(4, "Q", "P"),
        delete(5, "D"),
    )
    report = run_apply(plan, account)
    assert Counter(id(r.change) for r in report.results) == Counter(id(c) for c in plan.changes)
    applied_ids = {r.id for r in report.results if r.outcome == "applied"}
    assert None not in applied_ids  # an applied create reports the id it got


def test_an_applied_create_reports_its_new_id() -> None:
    """The result of an applied create carries the id the account gave it."""
    account = MemoryAccount({7: "Old"})
    report = run_apply(plan_of(create("New")), account)
    assert [(r.outcome, r.id) for r in report.results] == [("applied", 8)]
    assert account.names[8] == "New"


def test_stop_lets_writes_in_flight_finish_and_skips_the_rest() -> None:
    """Stop set after the first result: the other write in flight finishes, the rest skip."""
    account = MemoryAccount({i: f"Old {i}" for i in range(1, 7)}, delay=0.01)
    plan = plan_of(
        create("New 1"),
        create("New 2"),
        update(5, "Old 5"),
        update(6, "Old 6"),
        *(delete(i, f"Old {i}") for i in range(1, 5)),
    )
    report = run_apply(plan, account, concurrency=2, stop_after=1)
    applied = [r.change.name for r in report.results if r.outcome == "applied"]
    skipped = [r for r in report.results if r.outcome == "skipped"]
    assert applied == ["Old 1", "Old 2"]  # the two deletes in flight when stop was set
    assert account.log == ["delete 'Old 1'", "delete 'Old 2'"]
    assert len(skipped) == 6
    assert {r.detail for r in skipped} == {"interrupted before it started"}
    assert len(report.results) == len(plan.changes)


def test_stop_during_renames_never_leaves_a_name_held_twice() -> None:
    """Stopped after the first rename of a chain, the rest of it and the create wait for a rerun."""
    account = MemoryAccount({1: "A", 2: "B", 3: "C"}, delay=0.001)
    plan = plan_of(create("A"), rename(1, "A", "B"), rename(2, "B", "C"), rename(3, "C", "D"))
    report = run_apply(plan, account, concurrency=1, stop_after=1)
    assert account.log == ["rename 'C' → 'D'"]
    assert account.collisions == []
    assert report.count("applied") == 1
    assert report.count("skipped") == 3


@pytest.mark.parametrize("concurrency", [1, 3, 8])
def test_writes_in_flight_never_exceed_concurrency(concurrency: int) -> None:
    """At most ``concurrency`` writes are in flight at once, and that many are used."""
    account = MemoryAccount({i: f"S{i}" for i in range(1, 21)}, delay=0.002)
    plan = plan_of(
        *(create(f"New {i}") for i in range(12)),
        *(update(i, f"S{i}") for i in range(1, 11)),
        *(delete(i, f"S{i}") for i in range(11, 21)),
    )
    report = run_apply(plan, account, concurrency=concurrency)
    assert report.ok
    assert account.peak == concurrency


def test_concurrency_below_one_still_writes_one_at_a_time() -> None:
    """A concurrency of 0 is read as 1: the apply neither hangs nor writes in parallel."""
    account = MemoryAccount({1: "A", 2: "B"}, delay=0.001)
    report = run_apply(plan_of(create("C"), delete(1, "A"), delete(2, "B")), account, concurrency=0)
    assert report.ok
    assert account.peak == 1


# -- a failed delete keeps its name ---------------------------------------------------------


def test_a_failed_delete_skips_the_create_of_its_name() -> None:
    """When deleting "Solar" fails, creating a new "Solar" is skipped: one "Solar" at most."""
    account = MemoryAccount({1: "Solar"}, fail_ids={1})
    report = run_apply(plan_of(create("Solar"), delete(1, "Solar")), account)
    assert account.collisions == []
    assert [r.outcome for r in report.results] == ["failed", "skipped"]
    assert report.results[1].detail == (
        '"Solar" is still held by another schedule (its delete or rename did not happen)'
    )
    assert account.log == ["delete 'Solar'"]


def test_a_failed_delete_skips_the_rename_onto_its_name() -> None:
    """When deleting "Solar" fails, renaming "Solar v2" to "Solar" is skipped."""
    account = MemoryAccount({1: "Solar", 2: "Solar v2"}, fail_ids={1})
    report = run_apply(plan_of(rename(2, "Solar v2", "Solar"), delete(1, "Solar")), account)
    assert account.collisions == []
    assert [r.outcome for r in report.results] == ["failed", "skipped"]
    assert (
        report.results[1].detail
        == '"Solar" is still held by another schedule (its delete or rename did not happen)'
    )
    assert account.names == {1: "Solar", 2: "Solar v2"}


def test_stop_after_a_delete_never_lets_a_create_take_a_name_still_held() -> None:
    """Stopped after the first delete, neither the other delete nor the create of its name runs."""
    account = MemoryAccount({1: "Old", 2: "Solar"}, delay=0.001)
    plan = plan_of(create("Solar"), delete(1, "Old"), delete(2, "Solar"))
    report = run_apply(plan, account, concurrency=1, stop_after=1)
    assert account.log == ["delete 'Old'"]
    assert account.collisions == []
    assert [(r.change.action, r.change.name, r.outcome, r.detail) for r in report.results] == [
        ("delete", "Old", "applied", None),
        ("delete", "Solar", "skipped", "interrupted before it started"),
        (
            "create",
            "Solar",
            "skipped",
            '"Solar" is still held by another schedule (its delete or rename did not happen)',
        ),
    ]


def test_a_create_skipped_after_a_failed_delete_does_not_blame_a_rename() -> None:
    """The reason a create is skipped after a failed delete of its name names no rename."""
    account = MemoryAccount({1: "Solar"}, fail_ids={1})
    report = run_apply(plan_of(create("Solar"), delete(1, "Solar")), account)
    skipped = report.results[-1]
    assert (skipped.change.action, skipped.outcome) == ("create", "skipped")
    assert skipped.detail == (
        '"Solar" is still held by another schedule (its delete or rename did not happen)'
    )


def test_a_rename_two_steps_behind_a_failure_is_not_called_a_cycle() -> None:
    """A rename skipped because one further up its chain failed is not reported as a cycle."""
    account = MemoryAccount({1: "A", 2: "B", 3: "C"}, fail_ids={3})
    plan = plan_of(rename(1, "A", "B"), rename(2, "B", "C"), rename(3, "C", "D"))
    report = run_apply(plan, account)
    results = by_name(report)
    assert [results[n].outcome for n in ("D", "C", "B")] == ["failed", "skipped", "skipped"]
    assert account.collisions == []  # the outcome is safe; only the reason is wrong
    assert (
        results["C"].detail
        == '"C" is still held by another schedule (its delete or rename did not happen)'
    )
    assert (
        results["B"].detail
        == '"B" is still held by another schedule (its delete or rename did not happen)'
    )


# -- a property over random plans -----------------------------------------------------------

POOL = ("A", "B", "C", "D", "E", "F", "G")


@st.composite
def _random_apply(draw: st.DrawFn) -> tuple[dict[int, str], list[Change], set[int], set[str]]:
    """Live schedules, a valid plan over them (unique final names), and which writes fail."""
    live_names = draw(st.lists(st.sampled_from(POOL), unique=True, min_size=1, max_size=6))
    live = {i + 1: name for i, name in enumerate(live_names)}
    deleted = draw(st.sets(st.sampled_from(sorted(live))))
    kept = [i for i in live if i not in deleted]
    targets = draw(st.permutations(POOL))[: len(kept)]
    final = dict(zip(kept, targets, strict=True))
    free = [n for n in POOL if n not in final.values()]
    created = draw(st.lists(st.sampled_from(free), unique=True, max_size=3)) if free else []
    changes: list[Change] = [create(n) for n in created]
    changes += [rename(i, live[i], final[i]) for i in kept if final[i] != live[i]]
    changes += [delete(i, live[i]) for i in sorted(deleted)]
    fail_ids = draw(st.sets(st.sampled_from(sorted(live))))
    fail_creates = draw(st.sets(st.sampled_from(created))) if created else set()
    return live, changes, fail_ids, fail_creates


@settings(
    max_examples=100,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow],
)
@given(
    case=_random_apply(),
    concurrency=st.integers(1, 4),
    stop_after=st.one_of(st.none(), st.integers(1, 6)),
)
def test_failed_or_stopped_writes_never_hold_a_name_twice(
    case: tuple[dict[int, str], list[Change], set[int], set[str]],
    concurrency: int,
    stop_after: int | None,
) -> None:
    """Whatever fails or is stopped, no name is ever held twice, and each change has one result."""
    live, changes, fail_ids, fail_creates = case
    account = MemoryAccount(dict(live), fail_ids=fail_ids, fail_creates=fail_creates)
    report = run_apply(plan_of(*changes), account, concurrency=concurrency, stop_after=stop_after)
    assert account.collisions == []
    assert Counter(id(r.change) for r in report.results) == Counter(id(c) for c in changes)
    assert account.peak <= concurrency
    if stop_after is None and not fail_ids and not fail_creates and not _has_cycle(changes):
        assert report.ok


def _has_cycle(changes: list[Change]) -> bool:
    """Whether some renames of ``changes`` form a cycle (A → B → … → A)."""
    moves = {c.renamed_from: c.name for c in changes if c.renamed_from is not None}
    for start, first in moves.items():
        name: str | None = first
        for _ in range(len(moves)):
            if name == start:
                return True
            name = moves.get(name) if name is not None else None
    return False
