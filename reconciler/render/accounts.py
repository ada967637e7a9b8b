"""Several accounts' plans or drift reports as one output: each account, then a total.

Each account arrives as an ``AccountSection``: its key, where it points, a one-line result and
its own rendered body (or the error that stopped it). Text puts the sections one after the
other and ends with a total table. Markdown (the pull request's one sticky comment) puts the
summary table first, then one ``<details>`` per account, open when it has changes or failed,
collapsed when unchanged; when the whole would pass GitHub's limit, the longest details are
replaced by a pointer to the job summary until it fits, and the table itself is cut last.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Final, Literal

from reconciler.render.common import markdown_cell, terminal_lines
from reconciler.untrusted import html_text

__all__ = [
    "AccountSection",
    "render_accounts_markdown",
    "render_accounts_text",
    "total_line",
]

Status = Literal["changes", "none", "error"]

#: Under GitHub's 65,536-character limit on a comment, with room for its marker.
MAX_CHARS: Final = 65_000
_TRIMMED: Final = "_Details trimmed to fit GitHub's size limit: see {where}._"


@dataclass(frozen=True, slots=True)
class AccountSection:
    """One account's part of the output."""

    key: str
    where: str
    status: Status
    result: str
    body: str = ""


def total_line(
    sections: Sequence[AccountSection], *, changes: str = "with changes", none: str = "unchanged"
) -> str:
    """``2 accounts: 1 with changes, 1 unchanged, 0 failed``."""
    count = {s: sum(1 for x in sections if x.status == s) for s in ("changes", "none", "error")}
    total = len(sections)
    return (
        f"{total} account{'s' if total != 1 else ''}: {count['changes']} {changes}, "
        f"{count['none']} {none}, {count['error']} failed"
    )


def render_accounts_text(
    sections: Sequence[AccountSection], *, changes: str = "with changes", none: str = "unchanged"
) -> str:
    """Each account's body under a header, then the total and one line per account."""
    lines: list[str] = []
    for section in sections:
        lines.append(
            f"== {section.key}: {section.where} ==" if section.where else f"== {section.key} =="
        )
        # A body is a rendered report, already safe line by line; it keeps its lines.
        lines.extend(section.body.rstrip("\n").split("\n") if section.body else [section.result])
        lines.append("")
    lines.append(f"Total over {total_line(sections, changes=changes, none=none)}.")
    width = max((len(s.key) for s in sections), default=0)
    lines.extend(f"  {s.key:<{width}}  {s.result}" for s in sections)
    return terminal_lines(lines)


def render_accounts_markdown(
    sections: Sequence[AccountSection],
    *,
    title: str,
    marker: str,
    details_at: str,
    changes: str = "with changes",
    none: str = "unchanged",
    max_chars: int = MAX_CHARS,
) -> str:
    """One Markdown body for every account, at most ``max_chars`` characters.

    ``details_at`` says where the untrimmed output is (a link to the job summary).
    """
    note = _TRIMMED.format(where=details_at)
    words = {"changes": changes, "none": none}
    head = _head(sections, title=title, marker=marker, words=words)
    parts = [_details(s) for s in sections]
    length = len(head) + sum(len(p) for p in parts)
    # Trim the longest details first: the accounts a reviewer most needs to see stay whole
    # for as long as possible, and every account keeps its summary line.
    for index in sorted(range(len(parts)), key=lambda i: -len(parts[i])):
        if length <= max_chars:
            break
        trimmed = _details(replace(sections[index], body=note))
        length += len(trimmed) - len(parts[index])
        parts[index] = trimmed
    if length <= max_chars:
        return head + "".join(parts)
    # Too many accounts even for one line each: cut the table, then point at the summary.
    return _head(sections, title=title, marker=marker, words=words, room=max_chars, note=note)


def _head(
    sections: Sequence[AccountSection],
    *,
    title: str,
    marker: str,
    words: dict[str, str],
    room: int | None = None,
    note: str = "",
) -> str:
    lines = [marker] if marker else []
    lines += [f"### {title}: {total_line(sections, **words)}", ""]
    lines += ["| account | result |", "|---|---|"]
    rows = [f"| `{s.key}` | {_icon(s.status)} {markdown_cell(s.result)} |" for s in sections]
    if room is None:
        return "\n".join([*lines, *rows, "", ""])
    tail = ["", note, ""]
    used = sum(len(x) + 1 for x in (*lines, *tail)) + 80
    kept = 0
    for row in rows:
        if used + len(row) + 1 > room:
            break
        used += len(row) + 1
        kept += 1
    cut = [f"| … | {len(rows) - kept} more accounts |"] if kept < len(rows) else []
    return "\n".join([*lines, *rows[:kept], *cut, *tail])


def _icon(status: Status) -> str:
    return {"changes": "🟡", "none": "✅", "error": "❌"}[status]


def _details(section: AccountSection) -> str:
    opened = " open" if section.status != "none" else ""
    # An HTML block: Markdown escapes would show as backslashes there, entities do not.
    summary = f"<code>{section.key}</code>: {_html_text(section.result)}"
    body = section.body.strip("\n") or markdown_cell(section.result)
    return f"<details{opened}><summary>{summary}</summary>\n\n{body}\n\n</details>\n\n"


def _html_text(text: str) -> str:
    """Text inside an HTML element: the one sanitizer's HTML form (``untrusted.html_text``)."""
    return html_text(text)
