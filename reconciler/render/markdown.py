"""The plan as a pull-request comment.

Summary first; refusals and warnings up top; deletes and pause flips in their own section so a
reviewer cannot miss them; a table per kind; identical edits grouped; long lists folded in
``<details>``. A hidden marker lets CI find and update one sticky comment. The body always
stays under GitHub's 65,536-character limit, cut with a pointer to the JSON plan.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence

from reconciler.diff import Change, FieldChange
from reconciler.normalize import FieldValue, display
from reconciler.plan import Plan
from reconciler.render.common import (
    brief,
    counts_line,
    describe_change,
    is_long,
    is_pause_flip,
    markdown_cell,
    summary_line,
)
from reconciler.render.longtext import text_diff

__all__ = ["MARKER", "MAX_CHARS", "render_markdown"]

MARKER = "<!-- trackdrive-reconciler:plan -->"
MAX_CHARS = 65_000
_FOLD_AFTER = 10
_GROUP_AT = 3
_MAX_ALERTS = 20
# A long text is shown whole in its folded block up to this size; the JSON plan has the rest.
_SHOWN_CHARS = 2_000


def render_markdown(
    plan: Plan,
    *,
    title: str = "TrackDrive plan",
    marker: str = MARKER,
    max_chars: int = MAX_CHARS,
) -> str:
    """The plan as GitHub-flavoured Markdown, under ``max_chars``."""
    head = [f"### {title}: {summary_line(plan.summary)}", "", _counts_table(plan), ""]
    if marker:
        head.insert(0, marker)
    head.extend(_alerts(plan))
    sections = [
        _grouped_edits(plan.changes),
        _attention(plan.changes),
        _table_section("Updates", [c for c in plan.changes if c.action == "update"]),
        _table_section("Creates", [c for c in plan.changes if c.action == "create"]),
        _table_section("Deletes", [c for c in plan.changes if c.action == "delete"]),
        _unmanaged(plan),
        _unknown(plan),
    ]
    if plan.is_empty:
        head.append(f"No changes: the account matches the specs ({counts_line(plan)}).")
        head.append("")
    return _fit("\n".join(head), [s for s in sections if s], max_chars)


def _counts_table(plan: Plan) -> str:
    s = plan.summary
    return (
        "| create | update | delete | unchanged | unmanaged | ignored |\n"
        "|---:|---:|---:|---:|---:|---:|\n"
        f"| {s.create} | {s.update} | {s.delete} | {s.unchanged} | {s.unmanaged} | {s.ignored} |"
    )


def _alerts(plan: Plan) -> list[str]:
    lines: list[str] = []
    if plan.refusals or plan.breaches:
        lines.append("> [!CAUTION]")
        lines.extend(f"> **Refused:** {markdown_cell(r)}" for r in plan.refusals)
        lines.extend(
            f"> **Unsafe, apply needs `--force`:** {markdown_cell(b)}" for b in plan.breaches
        )
        lines.append("")
    if plan.warnings:
        lines.append("> [!WARNING]")
        lines.extend(f"> {markdown_cell(w)}  " for w in plan.warnings[:_MAX_ALERTS])
        if len(plan.warnings) > _MAX_ALERTS:
            lines.append(f"> … and {len(plan.warnings) - _MAX_ALERTS} more in the JSON plan")
        lines.append("")
    return lines


def _attention(changes: Sequence[Change]) -> str:
    risky = [c for c in changes if c.action == "delete" or is_pause_flip(c)]
    if not risky:
        return ""
    rows = []
    for change in risky:
        if change.action == "delete":
            what = f"🗑️ **delete** {_name(change)}" + (
                f" ({markdown_cell(change.reason)})" if change.reason else ""
            )
        else:
            paused = next(f for f in change.fields if f.field == "paused")
            verb = "⏸️ **pause**" if paused.after is True else "▶️ **unpause**"
            what = f"{verb} {_name(change)}"
        rows.append(f"- {what}")
    return _folded("#### ⚠️ Deletes and pause changes", rows)


def _grouped_edits(changes: Sequence[Change]) -> str:
    groups: dict[tuple[str, str, str], list[FieldChange]] = defaultdict(list)
    for change in changes:
        if change.action != "update":
            continue
        for f in change.fields:
            groups[(f.field, display(f.before), display(f.after))].append(f)
    # Values are user text (a description): escaped, and long ones in brief.
    rows = [
        f"- `{key[0]}` {markdown_cell(brief(members[0].before))} → "
        f"{markdown_cell(brief(members[0].after))} on {len(members)} schedules"
        for key, members in sorted(groups.items())
        if len(members) >= _GROUP_AT
    ]
    return "#### Same edit on many schedules\n\n" + "\n".join(rows) + "\n" if rows else ""


def _table_section(title: str, changes: Sequence[Change]) -> str:
    if not changes:
        return ""
    rows = ["| schedule | change | spec |", "|---|---|---|"]
    rows.extend(
        f"| {markdown_cell(describe_change(c))} | {_fieldsmarkdown_cell(c)} | "
        f"{markdown_cell(str(c.source)) if c.source else ''} |"
        for c in changes
    )
    return _folded(f"#### {title} ({len(changes)})", rows, table=True)


def _fieldsmarkdown_cell(change: Change) -> str:
    if change.action == "delete":
        return markdown_cell(change.reason or "")
    creating = change.action == "create"
    shown = [f for f in change.fields if not (creating and f.field == "name")]
    return "<br>".join(_field_text(f, creating=creating) for f in shown)


def _field_text(f: FieldChange, *, creating: bool) -> str:
    """One field's change, escaped for a table cell; a long text folded in ``<details>``."""
    if creating:
        line = f"`{f.field}` = {markdown_cell(brief(f.after))}"
    else:
        line = f"`{f.field}` {markdown_cell(brief(f.before))} → {markdown_cell(brief(f.after))}"
    if f.source is not None:
        line += f" {markdown_cell(f'(set at {f.source})')}"
    if not (is_long(f.before) or is_long(f.after)):
        return line
    if creating:
        parts = _text_lines(f.after)
    else:
        parts = [markdown_cell(line) for line in text_diff(f.before, f.after)]
    return f"<details><summary>{line}</summary>{'<br>'.join(parts)}</details>"


def _text_lines(value: FieldValue) -> list[str]:
    """A value's lines, each escaped, cut after ``_SHOWN_CHARS`` characters."""
    if not isinstance(value, str):
        return [markdown_cell(display(value))]
    shown = value[:_SHOWN_CHARS]
    lines = [markdown_cell(line) for line in shown.split("\n")]
    if len(value) > len(shown):
        lines.append(f"_… {len(value) - len(shown)} more characters in the JSON plan_")
    return lines


def _unmanaged(plan: Plan) -> str:
    if not plan.unmanaged:
        return ""
    rows = [f"- {markdown_cell(u.name)} (id {u.id})" for u in plan.unmanaged]
    return _folded(
        f"#### Unmanaged ({len(plan.unmanaged)}): live, named by no spec, left alone",
        rows,
        force_fold=True,
    )


def _unknown(plan: Plan) -> str:
    if not plan.unknown:
        return ""
    rows = [f"- {markdown_cell(u.name)} (id {u.id}): `{u.field}`" for u in plan.unknown]
    return _folded(
        f"#### Not compared ({len(plan.unknown)}): fields the API hides from this token",
        rows,
        force_fold=True,
    )


def _folded(
    title: str, rows: Sequence[str], *, table: bool = False, force_fold: bool = False
) -> str:
    body = "\n".join(rows)
    count = len(rows) - (2 if table else 0)
    if force_fold or count > _FOLD_AFTER:
        return f"{title}\n\n<details><summary>show {count}</summary>\n\n{body}\n\n</details>\n"
    return f"{title}\n\n{body}\n"


def _name(change: Change) -> str:
    ident = f" (id {change.id})" if change.id is not None else ""
    return f"{markdown_cell(change.name)}{ident}"


def _fit(head: str, sections: Iterable[str], max_chars: int) -> str:
    note = (
        "\n\n_This comment was cut to fit GitHub's size limit; the JSON plan artifact holds "
        "every change._\n"
    )
    budget = max_chars - len(note)
    out = head
    for section in sections:
        candidate = f"{out}\n{section}"
        if len(candidate) <= budget:
            out = candidate
            continue
        lines = section.split("\n")
        kept: list[str] = []
        for line in lines:
            if len(out) + len("\n".join(kept)) + len(line) + 40 > budget:
                break
            kept.append(line)
        if "<details>" in "\n".join(kept):
            kept.append("\n</details>")
        return f"{out}\n" + "\n".join(kept) + note
    return out
