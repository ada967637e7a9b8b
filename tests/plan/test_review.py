"""Splitting a PR's plan: a write is the PR's when head and base specs differ for that field;
drift is what the base specs would revert too; accepted drift is what only the base reverts.

Every combination of {drifted, not drifted} by {the PR edits the drifted field, another field,
renames, deletes} is written out with its exact expected split.
"""

from __future__ import annotations

from typing import Any

import pytest

from reconciler.diff import Change
from reconciler.plan import build_plan
from reconciler.render.review import render_review_markdown
from reconciler.review import split_review
from tests.plan.builders import config, live, spec

Row = tuple[str, str, tuple[tuple[str, str, str], ...]]

# Schedule A (id 1): main's specs say sortable_order 10, paused false.
BASE = {"id": 1, "paused": False, "sortable_order": 10}
# In sync with main, or drifted: someone set sortable_order 15 in the UI.
LIVE = {
    "not drifted": live(1, "A", paused=False, sortable_order="10"),
    "drifted": live(1, "A", paused=False, sortable_order="15"),
}
# What the PR does to A's spec.
EDITS: dict[str, dict[str, Any]] = {
    "edits the field": {**BASE, "sortable_order": 20},
    "edits another field": {**BASE, "paused": True},
    "renames": {**BASE, "name": "A2"},
    "deletes": {"id": 1, "ensure": "absent"},
}
DRIFT_REVERT = ("update", "A", (("sortable_order", "15", "10"),))

# (live state, PR edit) -> (the PR's own, drift already there, drift the PR accepts)
EXPECTED: dict[tuple[str, str], tuple[list[Row], list[Row], list[Row]]] = {
    ("not drifted", "edits the field"): (
        [("update", "A", (("sortable_order", "10", "20"),))],
        [],
        [],
    ),
    ("drifted", "edits the field"): (
        [("update", "A", (("sortable_order", "15", "20"),))],
        [],
        [],
    ),
    ("not drifted", "edits another field"): (
        [("update", "A", (("paused", "False", "True"),))],
        [],
        [],
    ),
    ("drifted", "edits another field"): (
        [("update", "A", (("paused", "False", "True"),))],
        [DRIFT_REVERT],
        [],
    ),
    ("not drifted", "renames"): ([("update", "A2", (("name", "A", "A2"),))], [], []),
    ("drifted", "renames"): (
        [("update", "A2", (("name", "A", "A2"),))],
        [("update", "A2", (("sortable_order", "15", "10"),))],
        [],
    ),
    ("not drifted", "deletes"): ([("delete", "A", ())], [], []),
    ("drifted", "deletes"): ([("delete", "A", ())], [], []),
}


def _rows(changes: tuple[Change, ...]) -> list[Row]:
    return [
        (
            c.action,
            c.name,
            ()
            if c.action == "delete"
            else tuple((f.field, str(f.before), str(f.after)) for f in c.fields),
        )
        for c in changes
    ]


@pytest.mark.parametrize(("state", "edit"), list(EXPECTED))
def test_every_drift_and_edit_combination_splits_by_the_one_rule(state: str, edit: str) -> None:
    """Each {drifted, not} by {edit field, other field, rename, delete} splits exactly so."""
    keys = dict(EDITS[edit])
    name = keys.pop("name", "A")
    base = build_plan([spec("A", **BASE)], [LIVE[state]], config())
    head = build_plan([spec(name, **keys)], [LIVE[state]], config())
    review = split_review(base, head)
    assert (_rows(review.introduced), _rows(review.existing), _rows(review.accepted)) == (
        EXPECTED[state, edit]
    )


def test_a_pr_that_sets_the_live_value_accepts_that_drift() -> None:
    """The PR writes the drifted live value into its spec: nothing to do, the drift accepted."""
    state = LIVE["drifted"]
    base = build_plan([spec("A", **BASE)], [state], config())
    head = build_plan([spec("A", **{**BASE, "sortable_order": 15})], [state], config())
    review = split_review(base, head)
    assert (review.introduced, review.existing) == ((), ())
    assert _rows(review.accepted) == [DRIFT_REVERT]


def test_a_create_is_drift_only_when_the_base_makes_the_identical_create() -> None:
    """Missing live (deleted in the UI): the same create is drift; a changed one the PR's."""
    base = build_plan([spec("M", paused=False), spec("N", paused=False)], [], config())
    head = build_plan([spec("M", paused=False), spec("N", paused=True)], [], config())
    review = split_review(base, head)
    assert [c.name for c in review.existing] == ["M"]
    assert [c.name for c in review.introduced] == ["N"]
    assert review.accepted == ()


def test_review_markdown_has_one_marker_and_both_sections() -> None:
    """The review comment starts with the marker once and names each section."""
    lives = [live(1, "A", paused=True)]
    base = build_plan([spec("A", paused=False)], lives, config())
    head = build_plan([spec("A", paused=False), spec("N")], lives, config())
    text = render_review_markdown(split_review(base, head))
    assert text.startswith("<!-- trackdrive-reconciler:plan -->")
    assert text.count("<!-- trackdrive-reconciler:plan -->") == 1
    assert "Changes this PR makes: 1 to create" in text
    assert "Drift already on the account: 0 to create, 1 to update" in text
