"""Wording shared by the text and Markdown renderers (internal)."""

from __future__ import annotations

from collections.abc import Iterable

from reconciler.diff import Change, FieldChange
from reconciler.normalize import FieldValue, display
from reconciler.plan import Plan, Summary
from reconciler.untrusted import markdown, terminal

__all__ = [
    "brief",
    "counts_line",
    "describe_change",
    "field_line",
    "is_long",
    "is_pause_flip",
    "markdown_cell",
    "shown",
    "summary_line",
    "terminal_lines",
    "unmanaged_line",
]


def summary_line(summary: Summary) -> str:
    """``2 to create, 1 to update, 0 to delete``."""
    return f"{summary.create} to create, {summary.update} to update, {summary.delete} to delete"


def counts_line(plan: Plan) -> str:
    """What was left alone: unchanged, unmanaged, ignored."""
    s = plan.summary
    return f"{s.unchanged} unchanged, {s.unmanaged} unmanaged, {s.ignored} ignored"


def unmanaged_line(count: int) -> str:
    """The one line that stands for the unmanaged schedules unless they are asked for."""
    return f"{count} unmanaged, left alone: --show-unmanaged to list"


# A text value longer than this, or of more than one line, is shown briefly in a change line.
_BRIEF_CHARS = 40


def is_long(value: FieldValue) -> bool:
    """Whether a value is too long or too tall to stand whole in a one-line change."""
    return isinstance(value, str) and ("\n" in value or len(value) > _BRIEF_CHARS)


def brief(value: FieldValue) -> str:
    """A value as ``display`` shows it; a long text as its first words and its size.

    ``"Routes solar leads to the east-coast…" (3 lines, 212 characters)``
    """
    if not isinstance(value, str) or not is_long(value):
        return display(value)
    first = value.split("\n", 1)[0]
    cut = first if len(first) <= _BRIEF_CHARS else first[:_BRIEF_CHARS].rstrip()
    lines = value.count("\n") + 1
    size = f"{lines} lines, {len(value)} characters" if lines > 1 else f"{len(value)} characters"
    return f"{display(cut + '…')} ({size})"


def shown(value: FieldValue) -> str:
    """A value as ``display`` writes it, safe on one line of a terminal or log."""
    return terminal(display(value))


def terminal_lines(lines: Iterable[str]) -> str:
    """Lines joined for a terminal, each made safe: data inside cannot add or break a line."""
    return "".join(terminal(line) + "\n" for line in lines)


def field_line(change: FieldChange, *, creating: bool = False) -> str:
    """``paused: false → true``, or ``offer_id: 12`` for a create; long texts in brief.

    A value set outside the spec's entry (``defaults:``, an anchor) ends with where it was
    written: ``offer_id: 12 → 13  [schedules.d/solar.yaml:2:13]``.
    """
    if creating:
        line = f"{change.field}: {terminal(brief(change.after))}"
    else:
        line = f"{change.field}: {terminal(brief(change.before))} → {terminal(brief(change.after))}"
    return f"{line}  [{terminal(str(change.source))}]" if change.source is not None else line


def describe_change(change: Change) -> str:
    """``update "Solar" (id 12)``, ``rename "A" → "B" (id 12)``, ``create "New"``.

    Safe for a terminal as it is; for Markdown, pass it through ``markdown_cell``.
    """
    ident = f" (id {change.id})" if change.id is not None else ""
    old = change.renamed_from
    if old is not None:
        return f"rename {shown(old)} → {shown(change.name)}{ident}"
    return f"{change.action} {shown(change.name)}{ident}"


def is_pause_flip(change: Change) -> bool:
    """An update that pauses or unpauses a live schedule (reviewers want these in sight)."""
    return change.action == "update" and any(f.field == "paused" for f in change.fields)


def markdown_cell(text: str) -> str:
    """Text that renders as itself in a Markdown table cell or list item (``untrusted``)."""
    return markdown(text)
