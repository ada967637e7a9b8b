"""The Markdown plan, character for character, on small plans built by hand.

Each case is small enough to read whole: the exact output pins every word, separator, fold
and count the pull-request comment shows, and the size-limit cases pin where a cut falls.
"""

from __future__ import annotations

from decimal import Decimal

from reconciler.diff import Change, FieldChange
from reconciler.location import Location
from reconciler.plan import Plan
from reconciler.render.markdown import render_markdown


def plan_of(*changes: Change, warnings: tuple[str, ...] = ()) -> Plan:
    """A plan of exactly these changes, nothing unchanged, unmanaged or ignored."""
    return Plan(
        changes=changes,
        unchanged=0,
        unmanaged=(),
        ignored=0,
        live_count=len(changes),
        warnings=warnings,
    )


def order_update(schedule_id: int, before: int, after: int) -> Change:
    """An update of ``sortable_order`` on schedule ``S<id>``, with no spec location."""
    return Change(
        "update",
        f"S{schedule_id}",
        schedule_id,
        (FieldChange("sortable_order", Decimal(before), Decimal(after)),),
    )


def body(plan: Plan, max_chars: int = 65_000) -> str:
    """The plan's Markdown without marker and counts table (the part under test)."""
    markdown = render_markdown(plan, marker="", max_chars=max_chars)
    return markdown.split("|---:|---:|---:|---:|---:|---:|\n", 1)[1]


def delete(schedule_id: int, reason: str | None = "prune") -> Change:
    """A delete of ``Old <id>``."""
    name = f"Old {schedule_id:02d}"
    return Change("delete", name, schedule_id, (FieldChange("name", name, None),), reason=reason)


def pause(schedule_id: int) -> Change:
    """A pause flip of schedule ``P<id>``."""
    return Change("update", f"P{schedule_id}", schedule_id, (FieldChange("paused", False, True),))


def create(name: str) -> Change:
    """A create of ``name``, unpaused, written in ``schedules.d/a.yaml`` at line 3."""
    return Change(
        "create",
        name,
        None,
        (FieldChange("name", None, name), FieldChange("paused", None, False)),
        source=Location("schedules.d/a.yaml", 3, 5),
    )


def test_a_delete_without_reason_and_changes_without_location_leave_those_parts_empty() -> None:
    """No reason (a hand-edited plan file) and no spec location add no text, only empty cells."""
    plan = plan_of(
        Change("create", "New", None, (FieldChange("name", None, "New"),)),
        order_update(1, 1, 2),
        delete(7, reason=None),
    )
    assert body(plan) == (
        "| 1 | 1 | 1 | 0 | 0 | 0 |\n"
        "\n"
        "#### ⚠️ Deletes and pause changes\n"
        "\n"
        "- 🗑️ **delete** Old 07 (id 7)\n"
        "\n"
        "#### Updates (1)\n"
        "\n"
        "| schedule | change | spec |\n"
        "|---|---|---|\n"
        '| update \\"S1\\" \\(id 1\\) | `sortable_order` 1 → 2 |  |\n'
        "\n"
        "#### Creates (1)\n"
        "\n"
        "| schedule | change | spec |\n"
        "|---|---|---|\n"
        '| create \\"New\\" |  |  |\n'
        "\n"
        "#### Deletes (1)\n"
        "\n"
        "| schedule | change | spec |\n"
        "|---|---|---|\n"
        '| delete \\"Old 07\\" \\(id 7\\) |  |  |\n'
    )


def test_twenty_warnings_are_all_shown_with_no_more_line() -> None:
    """Up to twenty warnings are quoted one by one; no `… and 0 more` line follows them."""
    warnings = tuple(f"w{i}" for i in range(20))
    markdown = render_markdown(plan_of(warnings=warnings), marker="")
    quoted = "".join(f"> w{i}  \n" for i in range(20))
    assert f"> [!WARNING]\n{quoted}\nNo changes:" in markdown


def test_past_twenty_warnings_the_rest_are_counted() -> None:
    """Twenty-one warnings: twenty quoted, then `… and 1 more in the JSON plan`."""
    warnings = tuple(f"w{i}" for i in range(21))
    markdown = render_markdown(plan_of(warnings=warnings), marker="")
    quoted = "".join(f"> w{i}  \n" for i in range(20))
    assert f"> [!WARNING]\n{quoted}> … and 1 more in the JSON plan\n\nNo changes:" in markdown


def test_only_the_same_field_before_and_after_on_three_schedules_is_grouped() -> None:
    """Grouping needs one field, one before and one after on at least three updates."""
    plan = plan_of(
        Change("create", "New", None, (FieldChange("name", None, "New"),)),
        pause(1),
        pause(2),
        pause(3),
        order_update(11, 1, 5),
        order_update(12, 1, 5),
        order_update(13, 1, 5),
        # Same after, different befores: not one edit.
        order_update(21, 2, 6),
        order_update(22, 3, 6),
        order_update(23, 4, 6),
        # Same before, different afters: not one edit.
        order_update(31, 7, 8),
        order_update(32, 7, 9),
        order_update(33, 7, 10),
    )
    markdown = body(plan)
    section = markdown[: markdown.index("#### ⚠️")]
    assert section == (
        "| 1 | 12 | 0 | 0 | 0 | 0 |\n"
        "\n"
        "#### Same edit on many schedules\n"
        "\n"
        "- `paused` false → true on 3 schedules\n"
        "- `sortable_order` 1 → 5 on 3 schedules\n"
        "\n"
    )


def test_ten_rows_are_listed_open_and_eleven_are_folded() -> None:
    """A list of ten stays open; from eleven rows it folds in <details> with its count."""
    ten = body(plan_of(*[delete(i) for i in range(1, 11)]))
    assert ten.startswith(
        "| 0 | 0 | 10 | 0 | 0 | 0 |\n"
        "\n"
        "#### ⚠️ Deletes and pause changes\n"
        "\n"
        "- 🗑️ **delete** Old 01 (id 1) (prune)\n"
    )
    assert "<details>" not in ten
    eleven = body(plan_of(*[delete(i) for i in range(1, 12)]))
    assert eleven.startswith(
        "| 0 | 0 | 11 | 0 | 0 | 0 |\n"
        "\n"
        "#### ⚠️ Deletes and pause changes\n"
        "\n"
        "<details><summary>show 11</summary>\n"
        "\n"
        "- 🗑️ **delete** Old 01 (id 1) (prune)\n"
    )


def test_a_long_text_shortened_to_a_short_one_folds_its_word_diff() -> None:
    """A long `before` alone is enough to fold the change and show what was removed."""
    long = "Routes solar leads from the east coast to the Denver call centre."
    plan = plan_of(Change("update", "D", 4, (FieldChange("description", long, "Short."),)))
    assert body(plan).endswith(
        '| update \\"D\\" \\(id 4\\) | <details><summary>`description` '
        '\\"Routes solar leads from the east coast t…\\" \\(65 characters\\) → \\"Short\\.\\"'
        "</summary>\\~ \\[\\-Routes solar leads from the east coast to the Denver call centre"
        "\\.\\-\\]\\{\\+Short\\.\\+\\}</details> |  |\n"
    )


def test_a_created_text_is_shown_to_2000_characters_then_counted() -> None:
    """A new 2,005-character text shows its first 2,000 characters and `5 more characters`."""
    text = "a" * 2_005
    plan = plan_of(
        Change(
            "create",
            "L",
            None,
            (FieldChange("name", None, "L"), FieldChange("description", None, text)),
        )
    )
    shown = "a" * 2_000
    assert body(plan).endswith(
        f"</summary>{shown}<br>_… 5 more characters in the JSON plan_</details> |  |\n"
    )


GAMMA_ROW = '| create \\"Gamma\\" | `paused` = false | schedules\\.d\\/a\\.yaml\\:3\\:5 |\n'
# Three creates: 452 characters without a marker.
THREE_CREATES = (
    "### TrackDrive plan: 3 to create, 0 to update, 0 to delete\n"
    "\n"
    "| create | update | delete | unchanged | unmanaged | ignored |\n"
    "|---:|---:|---:|---:|---:|---:|\n"
    "| 3 | 0 | 0 | 0 | 0 | 0 |\n"
    "\n"
    "#### Creates (3)\n"
    "\n"
    "| schedule | change | spec |\n"
    "|---|---|---|\n"
    '| create \\"Alpha\\" | `paused` = false | schedules\\.d\\/a\\.yaml\\:3\\:5 |\n'
    '| create \\"Beta\\" | `paused` = false | schedules\\.d\\/a\\.yaml\\:3\\:5 |\n' + GAMMA_ROW
)
# The cut note is 96 characters; room for it is kept whenever the body might be cut.
CUT_NOTE = (
    "\n\n_This comment was cut to fit GitHub's size limit; the JSON plan artifact holds "
    "every change._\n"
)


def test_a_plan_that_fits_exactly_with_room_for_the_note_is_not_cut() -> None:
    """452 characters fit in 548 (452 plus the 96 of the cut note): nothing is cut."""
    assert (len(THREE_CREATES), len(CUT_NOTE)) == (452, 96)
    plan = plan_of(create("Alpha"), create("Beta"), create("Gamma"))
    assert render_markdown(plan, marker="", max_chars=548) == THREE_CREATES


def test_a_cut_table_keeps_whole_rows_while_40_characters_of_room_remain() -> None:
    """At 515 characters the Beta row fits with exactly 40 to spare; Gamma does not; no fold."""
    plan = plan_of(create("Alpha"), create("Beta"), create("Gamma"))
    assert render_markdown(plan, marker="", max_chars=515) == (
        THREE_CREATES.removesuffix("\n" + GAMMA_ROW) + CUT_NOTE
    )


def test_a_cut_inside_a_fold_closes_it_before_the_note() -> None:
    """At 503 characters the list keeps three deletes, then closes </details>, then the note."""
    plan = plan_of(*[delete(i) for i in range(1, 12)])
    assert body(plan, max_chars=503) == (
        "| 0 | 0 | 11 | 0 | 0 | 0 |\n"
        "\n"
        "#### ⚠️ Deletes and pause changes\n"
        "\n"
        "<details><summary>show 11</summary>\n"
        "\n"
        "- 🗑️ **delete** Old 01 (id 1) (prune)\n"
        "- 🗑️ **delete** Old 02 (id 2) (prune)\n"
        "- 🗑️ **delete** Old 03 (id 3) (prune)\n"
        "\n"
        "</details>" + CUT_NOTE
    )
