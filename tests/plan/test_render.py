"""What the text and Markdown renderers promise beyond the golden files: grouping, size, marker."""

from __future__ import annotations

from decimal import Decimal
from functools import cache

import pytest

from reconciler.diff import Change, FieldChange
from reconciler.location import Location
from reconciler.plan import Plan, UnmanagedSchedule, build_plan
from reconciler.render import render_plan
from reconciler.render.markdown import MARKER
from tests.plan.builders import config, live, spec
from tests.plan.scenarios import SCENARIOS, Scenario

TRUNCATION_POINTER = (
    "_This comment was cut to fit GitHub's size limit; the JSON plan artifact holds "
    "every change._\n"
)


def huge_plan(size: int = 20_000, warnings: tuple[str, ...] = ()) -> Plan:
    """A plan of ``size`` changes: pause flips, creates and deletes, made without diffing."""
    changes: list[Change] = []
    for i in range(size):
        where = Location("schedules.d/big.yaml", 3 * i + 1, 5)
        match i % 4:
            case 0:
                changes.append(
                    Change(
                        "create",
                        f"New {i:05d}",
                        None,
                        (FieldChange("name", None, f"New {i:05d}"),),
                        source=where,
                    )
                )
            case 3:
                changes.append(
                    Change(
                        "delete",
                        f"Old {i:05d}",
                        i,
                        (FieldChange("name", f"Old {i:05d}", None),),
                        reason="prune: no spec names it",
                    )
                )
            case _:
                fields = (
                    FieldChange("paused", False, True),
                    FieldChange("sortable_order", Decimal(i), Decimal(i + 1)),
                )
                changes.append(Change("update", f"Live {i:05d}", i, fields, source=where))
    order = ("create", "update", "delete")
    return Plan(
        changes=tuple(sorted(changes, key=lambda c: order.index(c.action))),
        unchanged=0,
        unmanaged=tuple(UnmanagedSchedule(f"Other {i}", 100_000 + i) for i in range(50)),
        ignored=0,
        live_count=size,
        warnings=warnings,
    )


@cache
def huge_markdown() -> str:
    """The Markdown of ``huge_plan()``, rendered once for the tests that read it."""
    return render_plan(huge_plan(), "markdown")


@pytest.mark.parametrize("scenario", SCENARIOS, ids=[s.name for s in SCENARIOS])
def test_the_markdown_marker_is_the_first_line(scenario: Scenario) -> None:
    """The hidden marker CI looks for to update one sticky comment opens every Markdown plan."""
    markdown = render_plan(scenario.plan(), "markdown")
    assert markdown.splitlines()[0] == "<!-- trackdrive-reconciler:plan -->"
    assert MARKER == "<!-- trackdrive-reconciler:plan -->"


def test_markdown_of_20000_changes_stays_under_the_limit_and_points_to_json() -> None:
    """A huge plan is cut under 65,000 characters and ends by pointing to the JSON plan."""
    markdown = huge_markdown()
    assert len(markdown) < 65_000
    assert markdown.startswith(MARKER + "\n")
    assert markdown.endswith(TRUNCATION_POINTER)
    assert "| 5000 | 10000 | 5000 | 0 | 50 | 0 |" in markdown
    assert markdown.count("<details>") == markdown.count("</details>")


def test_markdown_of_a_small_plan_is_not_cut() -> None:
    """A plan that fits is rendered whole, without the truncation pointer."""
    markdown = render_plan(huge_plan(size=100), "markdown")
    assert TRUNCATION_POINTER not in markdown
    assert "#### Unmanaged (50)" in markdown


def test_identical_edits_are_grouped_and_long_lists_folded() -> None:
    """Forty identical pause flips are one grouped line; their long lists fold in <details>."""
    scenario = next(s for s in SCENARIOS if s.name == "big-pause")
    markdown = render_plan(scenario.plan(), "markdown")
    assert "- `paused` false → true on 40 schedules\n" in markdown
    assert markdown.count("<details><summary>show 40</summary>") == 2


def test_two_identical_edits_are_not_grouped() -> None:
    """Grouping starts at three schedules; two identical edits are listed one by one."""
    plan = build_plan(
        [spec("A", paused=True), spec("B", paused=True)],
        [live(1, "A", paused=False), live(2, "B", paused=False)],
        config(),
    )
    assert "Same edit on many schedules" not in render_plan(plan, "markdown")


def test_deletes_and_pause_flips_have_their_own_section_before_the_tables() -> None:
    """Deletes, pauses and unpauses are listed together above every per-kind table."""
    scenario = next(s for s in SCENARIOS if s.name == "mixed")
    markdown = render_plan(scenario.plan(), "markdown")
    attention = markdown.index("#### ⚠️ Deletes and pause changes")
    assert attention < markdown.index("#### Updates")
    section = markdown[attention : markdown.index("#### Updates")]
    assert "⏸️ **pause** Solar \\- East (id 201)" in section
    assert "▶️ **unpause** Solar \\- West (id 202)" in section
    assert "🗑️ **delete** Old campaign (id 205) (ensure\\: absent)" in section


def test_markdown_cells_escape_pipes_and_html() -> None:
    """A name with `|` or `<` cannot break a table row or inject HTML into the comment."""
    plan = build_plan([spec("a|b <script>", paused=True)], [], config())
    markdown = render_plan(plan, "markdown")
    assert 'create \\"a\\|b \\<script\\>\\"' in markdown
    assert "<script>" not in markdown


def test_text_summary_line_reads_like_terraform() -> None:
    """The text plan's summary line gives the writes, then what was left alone."""
    plan = build_plan(
        [spec("A", paused=True), spec("New")],
        [live(1, "A", paused=False), live(2, "Z"), live(3, "tmp")],
        config(ignore=("^tmp$",)),
    )
    assert (
        "Plan: 1 to create, 1 to update, 0 to delete (0 unchanged, 1 unmanaged, 1 ignored).\n"
        in render_plan(plan, "text")
    )


def test_markdown_with_thousands_of_warnings_stays_under_the_limit() -> None:
    """However many warnings a plan has, its Markdown stays under 65,000 characters."""
    warnings = tuple(
        f"schedules.d/big.yaml:{i}:5: 'tmp - {i}' matches an ignore pattern in reconciler.yaml; "
        "the spec is skipped"
        for i in range(2_000)
    )
    markdown = render_plan(huge_plan(size=10, warnings=warnings), "markdown")
    assert len(markdown) < 65_000


def test_a_cut_markdown_plan_still_shows_the_grouped_edits() -> None:
    """The one-line summary of identical edits survives truncation of a huge plan."""
    markdown = huge_markdown()
    assert "- `paused` false → true on 10000 schedules" in markdown


def test_the_truncation_pointer_is_its_own_markdown_paragraph() -> None:
    """The pointer to the JSON plan is separated from a closing </details> by a blank line."""
    markdown = huge_markdown()
    assert "\n\n" + TRUNCATION_POINTER in markdown


def test_an_update_from_null_shows_null_as_the_before_value() -> None:
    """An update of a field that was null shows `null → value`, not just the value."""
    plan = build_plan(
        [spec("A", sortable_order="2")], [live(1, "A", sortable_order=None)], config()
    )
    assert "    sortable_order: null → 2\n" in render_plan(plan, "text")
    assert "`sortable_order` null → 2" in render_plan(plan, "markdown")
