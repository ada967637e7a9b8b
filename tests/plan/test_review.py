"""Splitting a PR's plan into its own changes, existing drift, and drift it accepts."""

from __future__ import annotations

from reconciler.plan import build_plan
from reconciler.render.review import render_review_markdown
from reconciler.review import split_review
from tests.plan.builders import config, live, spec

LIVE = [live(1, "A", paused=True), live(2, "B", paused=False), live(3, "C", paused=True)]


def _review() -> tuple[list[str], list[str], list[str]]:
    base = build_plan([spec("A", paused=False), spec("B"), spec("C", paused=False)], LIVE, config())
    head = build_plan(
        [spec("A", paused=False), spec("B", paused=True), spec("C", paused=True)], LIVE, config()
    )
    review = split_review(base, head)
    return (
        [c.name for c in review.introduced],
        [c.name for c in review.existing],
        [c.name for c in review.accepted],
    )


def test_change_only_in_head_is_the_prs_own() -> None:
    """A change the base specs would not make is introduced by the PR."""
    assert _review()[0] == ["B"]


def test_change_in_both_is_existing_drift() -> None:
    """A change both plans make is drift already on the account."""
    assert _review()[1] == ["A"]


def test_change_only_in_base_is_accepted_drift() -> None:
    """A change only the base would make is drift the PR accepts."""
    assert _review()[2] == ["C"]


def test_review_markdown_has_one_marker_and_both_sections() -> None:
    """The review comment starts with the marker once and names each section."""
    base = build_plan([spec("A", paused=False)], LIVE[:1], config())
    head = build_plan([spec("A", paused=False), spec("N")], LIVE[:1], config())
    text = render_review_markdown(split_review(base, head))
    assert text.startswith("<!-- trackdrive-reconciler:plan -->")
    assert text.count("<!-- trackdrive-reconciler:plan -->") == 1
    assert "Changes this PR makes: 1 to create" in text
    assert "Drift already on the account: 0 to create, 1 to update" in text
