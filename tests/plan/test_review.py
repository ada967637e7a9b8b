"""Splitting a PR's plan: a write is the PR's when head and base specs differ for that field;
drift is what the base specs would revert too; accepted drift is what only the base reverts.

Every combination of {drifted, not drifted} by {the PR edits the drifted field, another field,
renames, deletes} is written out with its exact expected split.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from reconciler.diff import Change, FieldChange
from reconciler.plan import Plan, build_plan
from reconciler.render.review import render_review_markdown, render_review_text
from reconciler.review import Review, split_review
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


def _drift_review() -> Review:
    """A PR that pauses A (drifted), sets B and C to their drifted live values, and creates N.

    Live: A sortable_order 15 (main says 10); B paused (main says not); C sortable_order 15.
    So the PR's own: create N, pause A; drift already there: A's sortable_order 15 -> 10;
    drift the PR accepts: B's pause and C's sortable_order.
    """
    lives = [
        live(1, "A", paused=False, sortable_order="15"),
        live(2, "B", paused=True, sortable_order="10"),
        live(3, "C", paused=False, sortable_order="15"),
    ]
    main_specs = [spec(name, paused=False, sortable_order=10) for name in ("A", "B", "C")]
    pr_specs = [
        spec("A", paused=True, sortable_order=10),
        spec("B", paused=True, sortable_order=10),
        spec("C", paused=False, sortable_order=15),
        spec("N", paused=True),
    ]
    return split_review(
        build_plan(main_specs, lives, config()), build_plan(pr_specs, lives, config())
    )


def test_review_comment_matches_its_golden_file(golden: Callable[[str, str], None]) -> None:
    """The PR comment: marker, the PR's own plan, drift with its note, accepted drift, by byte."""
    golden("review-drift.md", render_review_markdown(_drift_review()))


def test_review_text_matches_its_golden_file(golden: Callable[[str, str], None]) -> None:
    """The terminal review: the three headed sections in order, each once, by byte."""
    golden("review-drift.txt", render_review_text(_drift_review()))


def _accepting(count: int) -> Review:
    """A review whose only content is ``count`` accepted drifts (ids 1..count)."""
    accepted = tuple(
        Change("update", f"S{i}", i, (FieldChange("paused", True, False),))
        for i in range(1, count + 1)
    )
    head = Plan(changes=(), unchanged=count, unmanaged=(), ignored=0, live_count=count)
    return Review(head=head, introduced=(), existing=(), accepted=accepted)


def _accepted_lines(text: str) -> list[str]:
    return text.split("#### Drift this PR accepts (main would have reverted it)\n\n")[1].split("\n")


def test_review_comment_lists_50_accepted_drifts_whole() -> None:
    """Fifty accepted drifts are all listed, with no '… and N more' line."""
    lines = _accepted_lines(render_review_markdown(_accepting(50)))
    assert len(lines) == 51
    assert lines[0] == '- update \\"S1\\" \\(id 1\\)'
    assert lines[-2:] == ['- update \\"S50\\" \\(id 50\\)', ""]


def test_review_comment_folds_accepted_drift_after_50() -> None:
    """The 51st accepted drift is not listed: '… and 1 more' stands for it."""
    lines = _accepted_lines(render_review_markdown(_accepting(51)))
    assert len(lines) == 52
    assert lines[-3:] == ['- update \\"S50\\" \\(id 50\\)', "- … and 1 more", ""]


DRIFT_NOTE = (
    "_These differ on the account already: main's specs would change them too, so applying "
    "this PR applies them as well._\n\n"
)


def test_a_huge_review_comment_splits_githubs_limit_two_thirds_to_one_quarter() -> None:
    """The PR's own plan is cut near 43,333 characters, the drift near 16,250; all under 65,000.

    One marker, at the top; 2,000 creates and 2,000 updates overflow both budgets.
    """
    creates = tuple(
        Change("create", f"S{i:04}", None, (FieldChange("name", None, f"S{i:04}"),))
        for i in range(2000)
    )
    updates = tuple(
        Change("update", f"U{i:04}", 5000 + i, (FieldChange("paused", True, False),))
        for i in range(2000)
    )
    head = Plan(changes=creates + updates, unchanged=0, unmanaged=(), ignored=0, live_count=2000)
    review = Review(head=head, introduced=creates, existing=updates, accepted=())
    text = render_review_markdown(review)
    assert len(text) <= 65_000
    assert text.startswith("<!-- trackdrive-reconciler:plan -->\n### Changes this PR makes: ")
    assert text.count("<!-- trackdrive-reconciler:plan -->") == 1
    own, drift = text.split("\n---\n\n")
    assert 43_333 - 200 < len(own) <= 43_333
    assert drift.startswith(DRIFT_NOTE + "### Drift already on the account: ")
    assert 16_250 - 200 < len(drift) - len(DRIFT_NOTE) <= 16_250
