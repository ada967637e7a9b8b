"""Drift reports as text (one line when clean), Markdown (an issue body) and JSON."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from datetime import datetime
from decimal import Decimal
from typing import Any, Literal, assert_never

from reconciler.drift import DriftItem, DriftReport
from reconciler.normalize import FieldValue
from reconciler.render.common import brief, markdown_cell, shown, terminal_lines, unmanaged_line
from reconciler.render.longtext import text_diff

__all__ = [
    "DRIFT_FORMAT_VERSION",
    "DRIFT_MARKER",
    "audit_text",
    "drift_to_data",
    "readable_moment",
    "render_drift",
]

DRIFT_FORMAT_VERSION = 1
DRIFT_MARKER = "<!-- trackdrive-reconciler:drift -->"
_AUDIT_LABELS = (
    ("user_updated_at", "edited"),
    ("updated_at", "updated"),
    ("paused_at", "paused at"),
    ("paused_by_user_id", "paused by user"),
)


def render_drift(
    report: DriftReport,
    fmt: Literal["text", "markdown", "json"],
    *,
    show_unmanaged: bool = True,
) -> str:
    """The report in the chosen format; ``show_unmanaged`` False makes text list no names."""
    match fmt:
        case "text":
            return _text(report, show_unmanaged=show_unmanaged)
        case "markdown":
            return _markdown(report)
        case "json":
            return json.dumps(drift_to_data(report), indent=2, ensure_ascii=False) + "\n"
        case _:
            assert_never(fmt)


def _summary(report: DriftReport) -> str:
    c = report.counts()
    return (
        f"{c['changed']} changed, {c['missing']} missing, {c['unwanted']} present despite "
        f"ensure: absent, {c['unmanaged']} unmanaged ({c['in_sync']} in sync, "
        f"{c['ignored']} ignored)"
    )


def readable_moment(value: str) -> str:
    """``2026-08-11T17:17:12.378-04:00`` → ``2026-08-11 17:17:12 UTC-04:00``.

    To the second, in the zone the account answered in (TrackDrive stamps times in the
    account's zone), with that zone's offset stated; a time without an offset is said to be
    UTC only when it is marked so. Text that is not a time is returned unchanged (the renderer
    escapes it like any other live text).
    """
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return value
    shown_time = moment.strftime("%Y-%m-%d %H:%M:%S")
    offset = moment.utcoffset()
    if offset is None:
        return f"{shown_time} (no zone given)"
    if not offset:
        return f"{shown_time} UTC"
    minutes = int(offset.total_seconds()) // 60
    sign = "-" if minutes < 0 else "+"
    hours, rest = divmod(abs(minutes), 60)
    return f"{shown_time} UTC{sign}{hours:02d}:{rest:02d}"


def audit_text(audit: Mapping[str, str] | None) -> str:
    """When and by whom, each time once: ``updated`` is left out when it equals ``edited``."""
    if not audit:
        return ""
    values = {key: audit[key] for key, _ in _AUDIT_LABELS if key in audit}
    times = {key: readable_moment(v) for key, v in values.items() if key != "paused_by_user_id"}
    if "user_updated_at" in times and times.get("updated_at") == times["user_updated_at"]:
        del values["updated_at"]
    parts = [
        f"{label} {times.get(key, values[key])}" for key, label in _AUDIT_LABELS if key in values
    ]
    return "; ".join(parts)


def _unmanaged_note(report: DriftReport) -> str:
    """Why the unmanaged schedules do or do not count, for a reader wondering about the exit."""
    n = len(report.unmanaged)
    noun = "schedule is" if n == 1 else "schedules are"
    if report.unmanaged_is_drift:
        return f"{n} live {noun} in no spec: drift (prune is on, or drift.unmanaged is fail)"
    return f"{n} live {noun} in no spec: reported, not drift (prune is off)"


def _text(report: DriftReport, *, show_unmanaged: bool) -> str:
    if report.is_clean:
        extra = f"; {_unmanaged_note(report)}" if report.unmanaged else ""
        return f"No drift: the account matches the specs ({report.in_sync} in sync{extra}).\n"
    lines = [f"Drift: {_summary(report)}.", ""]
    if report.changed:
        # The plan's form, `live → spec`, so a field change reads the same in plan and drift.
        lines.extend(["Changed fields read live → spec (what apply would set).", ""])
    for item in report.changed:
        stamp = audit_text(item.audit)
        lines.append(
            f"~ changed {shown(item.name)} (id {item.id})" + (f"  [{stamp}]" if stamp else "")
        )
        for f in item.fields:
            lines.append(f"    {f.field}: {brief(f.before)} → {brief(f.after)}")
            lines.extend(f"        {line}" for line in text_diff(f.before, f.after))
    lines.extend(
        f"+ missing {shown(i.name)}" + (f"  [{i.source}]" if i.source else "")
        for i in report.missing
    )
    lines.extend(
        f"- unwanted {shown(i.name)} (id {i.id}): spec says absent" for i in report.unwanted
    )
    # Counted as drift (prune, or drift.unmanaged: fail), they are listed: they are the news.
    if show_unmanaged or report.unmanaged_is_drift:
        lines.extend(f"? unmanaged {shown(i.name)} (id {i.id})" for i in report.unmanaged)
    elif report.unmanaged:
        lines.append(f"? {unmanaged_line(len(report.unmanaged))}")
    return terminal_lines(lines)


def _markdown(report: DriftReport) -> str:
    lines = [DRIFT_MARKER, f"### TrackDrive drift: {_summary(report)}", ""]
    if report.is_clean:
        lines += ["No drift: the account matches the specs.", ""]
        lines += _unmanaged(report)
        return "\n".join(lines).rstrip("\n") + "\n"
    if report.changed:
        lines += [
            "#### Changed on the account",
            "",
            "| schedule | field | spec | live | when / who |",
        ]
        lines.append("|---|---|---|---|---|")
        for item in report.changed:
            stamp = markdown_cell(audit_text(item.audit))
            for f in item.fields:
                spec_value = markdown_cell(brief(f.after))
                live_value = markdown_cell(brief(f.before))
                lines.append(
                    f"| {markdown_cell(item.name)} (id {item.id}) | `{f.field}` | {spec_value}"
                    f" | {live_value} | {stamp} |"
                )
        lines.append("")
    lines += _list("Missing (in specs, not live)", report.missing)
    lines += _list("Present despite `ensure: absent`", report.unwanted)
    lines += _unmanaged(report)
    lines.append(
        "_Fix by applying the specs (`reconciler apply`), or accept the live values into git "
        "with `reconciler import --adopt`._"
    )
    return "\n".join(lines) + "\n"


def _unmanaged(report: DriftReport) -> list[str]:
    """Unmanaged schedules, always folded away: on most accounts they are the long list."""
    if not report.unmanaged:
        return []
    return [
        f"#### Unmanaged (live, in no spec) ({len(report.unmanaged)})",
        "",
        f"_{_unmanaged_note(report)}._",
        "",
        f"<details><summary>show {len(report.unmanaged)}</summary>",
        "",
        *_rows(report.unmanaged),
        "",
        "</details>",
        "",
    ]


def _rows(items: Sequence[DriftItem]) -> list[str]:
    return [
        f"- {markdown_cell(i.name)}"
        + (f" (id {i.id})" if i.id is not None else "")
        + (f" — {markdown_cell(str(i.source))}" if i.source else "")
        for i in items
    ]


def _list(title: str, items: Sequence[DriftItem]) -> list[str]:
    if not items:
        return []
    rows = _rows(items)
    body = "\n".join(rows)
    if len(rows) > 10:
        body = f"<details><summary>show {len(rows)}</summary>\n\n{body}\n\n</details>"
    return [f"#### {title} ({len(items)})", "", body, ""]


def _json_value(value: FieldValue) -> Any:
    return str(value) if isinstance(value, Decimal) else value


def drift_to_data(report: DriftReport) -> dict[str, Any]:
    """The report as versioned JSON-able data."""

    def item(i: DriftItem) -> dict[str, Any]:
        data: dict[str, Any] = {"name": i.name, "id": i.id}
        if i.fields:
            data["fields"] = {
                f.field: {"spec": _json_value(f.after), "live": _json_value(f.before)}
                for f in i.fields
            }
        if i.audit:
            data["audit"] = dict(i.audit)
        if i.source is not None:
            data["source"] = str(i.source)
        return data

    return {
        "format_version": DRIFT_FORMAT_VERSION,
        "kind": "drift",
        "drift": not report.is_clean,
        "unmanaged_is_drift": report.unmanaged_is_drift,
        "summary": report.counts(),
        "changed": [item(i) for i in report.changed],
        "missing": [item(i) for i in report.missing],
        "unwanted": [item(i) for i in report.unwanted],
        "unmanaged": [item(i) for i in report.unmanaged],
    }
