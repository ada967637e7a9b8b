"""The plan for a terminal: one block per change, then what was left alone and why."""

from __future__ import annotations

from reconciler.plan import Plan
from reconciler.render.common import (
    counts_line,
    describe_change,
    field_line,
    shown,
    summary_line,
    terminal_lines,
    unmanaged_line,
)
from reconciler.render.longtext import text_diff

__all__ = ["render_text"]

_SIGN = {"create": "+", "update": "~", "delete": "-"}
_LIST_LIMIT = 20


def render_text(plan: Plan, *, show_unmanaged: bool = True) -> str:
    """A plan a person reads top to bottom in a terminal; no data can add or break a line.

    Without ``show_unmanaged`` the schedules no spec names are one count, not a list.
    """
    lines: list[str] = []
    for refusal in plan.refusals:
        lines.append(f"REFUSED: {refusal}")
    for breach in plan.breaches:
        lines.append(f"UNSAFE: {breach} (apply needs --force)")
    for warning in plan.warnings:
        lines.append(f"warning: {warning}")
    if lines:
        lines.append("")
    if plan.is_empty:
        lines.append(f"No changes. The account matches the specs ({counts_line(plan)}).")
    else:
        lines.append(f"Plan: {summary_line(plan.summary)} ({counts_line(plan)}).")
        lines.append("")
        for change in plan.changes:
            head = f"{_SIGN[change.action]} {describe_change(change)}"
            if change.reason:
                head += f": {change.reason}"
            if change.source is not None:
                head += f"  [{change.source}]"
            lines.append(head)
            if change.action != "delete":
                creating = change.action == "create"
                for f in change.fields:
                    if creating and f.field == "name":
                        continue
                    lines.append(f"    {field_line(f, creating=creating)}")
                    lines.extend(f"        {line}" for line in text_diff(f.before, f.after))
    if plan.unknown:
        lines.append("")
        lines.append("Not compared (the API hides these fields from this token):")
        lines.extend(
            f"  ? {shown(u.name)} (id {u.id}) {u.field}" for u in plan.unknown[:_LIST_LIMIT]
        )
        if len(plan.unknown) > _LIST_LIMIT:
            lines.append(f"  … and {len(plan.unknown) - _LIST_LIMIT} more")
    if plan.unmanaged and not show_unmanaged:
        lines.append("")
        lines.append(unmanaged_line(len(plan.unmanaged)))
    elif plan.unmanaged:
        lines.append("")
        lines.append(f"Unmanaged (no spec names them; left alone): {len(plan.unmanaged)}")
        lines.extend(f"  {shown(u.name)} (id {u.id})" for u in plan.unmanaged[:_LIST_LIMIT])
        if len(plan.unmanaged) > _LIST_LIMIT:
            lines.append(f"  … and {len(plan.unmanaged) - _LIST_LIMIT} more")
    return terminal_lines(lines)
