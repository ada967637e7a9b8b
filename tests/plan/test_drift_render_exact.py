"""The drift report, character for character, on small reports built by hand.

Text, Markdown and JSON of one small report pin every part a reader or a script relies on:
the audit stamp in each format, items without id or location, the unmanaged count line, the
fold of a long list, and non-ASCII names written as they are.
"""

from __future__ import annotations

from reconciler.diff import FieldChange
from reconciler.drift import DriftItem, DriftReport
from reconciler.render.drift import readable_moment, render_drift

# A user id whose digits also read as a date (2026-08-11): it must stay an id.
AUDIT = {"user_updated_at": "2026-08-11T17:17:12-04:00", "paused_by_user_id": "20260811"}
REPORT = DriftReport(
    changed=(DriftItem("Café", 7, (FieldChange("paused", True, False),), audit=AUDIT),),
    missing=(DriftItem("Roofing", None), DriftItem("Solar", None)),
    unwanted=(),
    unmanaged=(DriftItem("Other", 9),),
    in_sync=1,
    ignored=0,
)
FIX_LINE = (
    "_Fix by applying the specs (`reconciler apply`), or accept the live values into git "
    "with `reconciler import --adopt`._\n"
)


def missing(count: int) -> DriftReport:
    """A report of ``count`` missing schedules ``M01``, ``M02``, … and nothing else."""
    items = tuple(DriftItem(f"M{i:02d}", None) for i in range(1, count + 1))
    return DriftReport((), items, (), (), in_sync=0, ignored=0)


def test_text_shows_the_audit_stamp_no_empty_location_and_counts_hidden_unmanaged() -> None:
    """Text: the stamp with the user id as given, no `[None]`, and unmanaged as one count."""
    assert render_drift(REPORT, "text", show_unmanaged=False) == (
        "Drift: 1 changed, 2 missing, 0 present despite ensure: absent, 1 unmanaged "
        "(1 in sync, 0 ignored).\n"
        "\n"
        "Changed fields read live → spec (what apply would set).\n"
        "\n"
        '~ changed "Café" (id 7)  [edited 2026-08-11 17:17:12 UTC-04:00; '
        "paused by user 20260811]\n"
        "    paused: true → false\n"
        '+ missing "Roofing"\n'
        '+ missing "Solar"\n'
        "? 1 unmanaged, left alone: --show-unmanaged to list\n"
    )


def test_markdown_shows_the_audit_stamp_in_the_changed_table() -> None:
    """Markdown: each changed field's row ends with the escaped `when / who` stamp."""
    assert render_drift(REPORT, "markdown") == (
        "<!-- trackdrive-reconciler:drift -->\n"
        "### TrackDrive drift: 1 changed, 2 missing, 0 present despite ensure: absent, "
        "1 unmanaged (1 in sync, 0 ignored)\n"
        "\n"
        "#### Changed on the account\n"
        "\n"
        "| schedule | field | spec | live | when / who |\n"
        "|---|---|---|---|---|\n"
        "| Café (id 7) | `paused` | false | true | edited 2026\\-08\\-11 17\\:17\\:12 "
        "UTC\\-04\\:00\\; paused by user 20260811 |\n"
        "\n"
        "#### Missing (in specs, not live) (2)\n"
        "\n"
        "- Roofing\n"
        "- Solar\n"
        "\n"
        "#### Unmanaged (live, in no spec) (1)\n"
        "\n"
        "_1 live schedule is in no spec: reported, not drift (prune is off)._\n"
        "\n"
        "<details><summary>show 1</summary>\n"
        "\n"
        "- Other (id 9)\n"
        "\n"
        "</details>\n"
        "\n" + FIX_LINE
    )


def test_json_writes_names_as_they_are_and_the_audit_under_its_key() -> None:
    """JSON: `Café` unescaped, the audit mapping under `audit`, ids null when not live."""
    assert render_drift(REPORT, "json") == (
        "{\n"
        '  "format_version": 1,\n'
        '  "kind": "drift",\n'
        '  "drift": true,\n'
        '  "unmanaged_is_drift": false,\n'
        '  "summary": {\n'
        '    "changed": 1,\n'
        '    "missing": 2,\n'
        '    "unwanted": 0,\n'
        '    "unmanaged": 1,\n'
        '    "in_sync": 1,\n'
        '    "ignored": 0\n'
        "  },\n"
        '  "changed": [\n'
        "    {\n"
        '      "name": "Café",\n'
        '      "id": 7,\n'
        '      "fields": {\n'
        '        "paused": {\n'
        '          "spec": false,\n'
        '          "live": true\n'
        "        }\n"
        "      },\n"
        '      "audit": {\n'
        '        "user_updated_at": "2026-08-11T17:17:12-04:00",\n'
        '        "paused_by_user_id": "20260811"\n'
        "      }\n"
        "    }\n"
        "  ],\n"
        '  "missing": [\n'
        "    {\n"
        '      "name": "Roofing",\n'
        '      "id": null\n'
        "    },\n"
        "    {\n"
        '      "name": "Solar",\n'
        '      "id": null\n'
        "    }\n"
        "  ],\n"
        '  "unwanted": [],\n'
        '  "unmanaged": [\n'
        "    {\n"
        '      "name": "Other",\n'
        '      "id": 9\n'
        "    }\n"
        "  ]\n"
        "}\n"
    )


def test_a_clean_report_without_unmanaged_is_one_line_with_nothing_appended() -> None:
    """Clean, nothing unmanaged: the one text line ends with the in-sync count alone."""
    clean = DriftReport((), (), (), (), in_sync=3, ignored=0)
    assert render_drift(clean, "text") == "No drift: the account matches the specs (3 in sync).\n"


def test_ten_missing_are_listed_open_and_eleven_fold() -> None:
    """A Markdown list of ten stays open; eleven fold in <details> with their count."""
    ten = "".join(f"- M{i:02d}\n" for i in range(1, 11))
    assert render_drift(missing(10), "markdown").endswith(
        f"#### Missing (in specs, not live) (10)\n\n{ten}\n{FIX_LINE}"
    )
    eleven = "".join(f"- M{i:02d}\n" for i in range(1, 12))
    assert render_drift(missing(11), "markdown").endswith(
        "#### Missing (in specs, not live) (11)\n\n<details><summary>show 11</summary>\n\n"
        f"{eleven}\n</details>\n\n{FIX_LINE}"
    )


def test_a_positive_offset_under_a_minute_reads_as_plus() -> None:
    """An offset of +30 seconds rounds to `UTC+00:00`, never to a negative zone."""
    assert readable_moment("2026-08-11T17:17:12+00:00:30") == "2026-08-11 17:17:12 UTC+00:00"
