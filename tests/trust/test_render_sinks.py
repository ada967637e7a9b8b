"""Every renderer, fed hostile names: text is safe on a terminal, Markdown is inert, JSON exact."""

from __future__ import annotations

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reconciler.diff import Change, FieldChange, UnknownField
from reconciler.drift import DriftItem, DriftReport
from reconciler.location import Location
from reconciler.plan import Plan, UnmanagedSchedule
from reconciler.render import render_plan
from reconciler.render.drift import render_drift
from reconciler.render.review import render_review_markdown, render_review_text
from reconciler.review import Review
from tests.trust.hostile import HOSTILE_NAMES, assert_markdown_inert, assert_terminal_safe


def hostile_plan(name: str, other: str) -> Plan:
    """A plan that carries ``name`` and ``other`` in every place a renderer shows data."""
    where = Location(f"schedules.d/{other}.yaml", 3, 5)
    changes = (
        Change("create", name, None, (FieldChange("name", None, name),), source=where),
        Change(
            "update",
            name,
            7,
            (FieldChange("name", other, name), FieldChange("paused", False, True)),
            source=where,
        ),
        Change("update", other, 8, (FieldChange("paused", True, False),)),
        Change("update", other, 9, (FieldChange("paused", True, False),)),
        Change("update", other, 10, (FieldChange("paused", True, False),)),
        Change(
            "delete",
            other,
            11,
            (FieldChange("name", other, None),),
            reason=f"pruned: {name}",
            source=where,
        ),
    )
    return Plan(
        changes=changes,
        unchanged=1,
        unmanaged=(UnmanagedSchedule(name, 12),),
        ignored=0,
        live_count=5,
        unknown=(UnknownField(other, 13, "paused"),),
        warnings=(f"two schedules are named {name}", other),
        breaches=(f"too many deletes near {name}",),
        refusals=(f"refused {other}",),
    )


def hostile_drift(name: str, other: str) -> DriftReport:
    """A drift report with ``name`` and ``other`` as names, values, audit stamps and paths."""
    audit = {"paused_by_user_id": name, "updated_at": other}
    return DriftReport(
        changed=(DriftItem(name, 1, (FieldChange("name", other, name),), audit),),
        missing=(DriftItem(other, None, source=Location(f"{name}.yaml", 1, 1)),),
        unwanted=(DriftItem(name, 2),),
        unmanaged=(DriftItem(other, 3),),
        in_sync=0,
        ignored=0,
    )


def hostile_review(name: str, other: str) -> Review:
    """A review where the PR's own changes, drift and accepted drift all hold the names."""
    plan = hostile_plan(name, other)
    return Review(
        head=plan,
        introduced=plan.changes[:2],
        existing=plan.changes[2:],
        accepted=(Change("update", name, 21, (FieldChange("paused", False, True),)),),
    )


def check_every_renderer(name: str, other: str) -> None:
    """The text forms are terminal-safe, the Markdown forms inert, for one pair of names."""
    plan = hostile_plan(name, other)
    report = hostile_drift(name, other)
    review = hostile_review(name, other)
    for text in (
        render_plan(plan, "text"),
        render_drift(report, "text"),
        render_review_text(review),
    ):
        assert_terminal_safe(text)
    for text in (
        render_plan(plan, "markdown"),
        render_drift(report, "markdown"),
        render_review_markdown(review),
    ):
        assert_markdown_inert(text)


@pytest.mark.parametrize("name", HOSTILE_NAMES)
def test_hostile_names_are_safe_in_every_renderer(name: str) -> None:
    """Each hostile name reaches no renderer raw: text plan, drift, review, and Markdown ones."""
    check_every_renderer(name, f"{name} (2)")


@settings(max_examples=60, deadline=None)
@given(st.text(min_size=1), st.text(min_size=1))
def test_any_unicode_names_are_safe_in_every_renderer(name: str, other: str) -> None:
    """Whatever Unicode names the account holds, no renderer emits them raw."""
    check_every_renderer(name, other)


def test_accepted_drift_section_escapes_names() -> None:
    """'Drift this PR accepts' shows an HTML name as text, not as an image tag."""
    review = hostile_review('<img src=x onerror="alert(1)">', "b")
    section = render_review_markdown(review).split("#### Drift this PR accepts")[1]
    assert '- update \\"\\<img src\\=x onerror\\=\\\\\\"alert\\(1\\)\\\\\\"\\>\\" \\(id 21\\)' in (
        section
    )


def test_text_plan_shows_a_newline_in_a_name_as_an_escape() -> None:
    """A name with a newline and a workflow command stays on its own line, escaped."""
    text = render_plan(hostile_plan("x\n::error::injected", "b"), "text")
    assert '+ create "x\\n::error::injected"  [schedules.d/b.yaml:3:5]' in text.split("\n")


def test_drift_text_escapes_audit_stamps_and_controls() -> None:
    """An OSC sequence in a name and an audit field shows as escapes in the drift text."""
    text = render_drift(hostile_drift("a\x1b]0;pwned\x07", "b\x9b"), "text")
    assert (
        '~ changed "a\\u001b]0;pwned\\u0007" (id 1)  [updated b\\x9b; paused by user '
        "a\\x1b]0;pwned\\x07]"
    ) in text.split("\n")


@pytest.mark.parametrize("name", HOSTILE_NAMES)
def test_json_keeps_names_exact(name: str) -> None:
    """JSON is for machines: a hostile name round-trips exactly, plan and drift alike."""
    plan = json.loads(render_plan(hostile_plan(name, "b"), "json"))
    assert plan["changes"][0]["name"] == name
    drift = json.loads(render_drift(hostile_drift(name, "b"), "json"))
    assert drift["changed"][0]["name"] == name
