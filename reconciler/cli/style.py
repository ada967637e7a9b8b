"""Colour for plans and drift reports on a terminal, applied to the renderers' plain lines.

The renderers stay plain (plan files, JSON, Markdown and pipes never carry colour); this module
styles a rendered line by its shape: the leading ``+`` / ``~`` / ``-`` / ``?`` marker in green /
yellow / red / dim, the old value of ``old → new`` dimmed and the new one bold, as Terraform
does. Styling never changes a character: ``style_line(line).plain == line``.

Colour is on when stdout is a terminal, off with ``--no-color`` or ``NO_COLOR``, forced by
``FORCE_COLOR`` (https://no-color.org, https://force-color.org).
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from rich.console import Console
from rich.text import Text

__all__ = ["colour_console", "style_line", "style_report", "wants_colour"]

_SIGNS = {"+": "green", "~": "yellow", "-": "red", "?": "dim"}
_HEAD = re.compile(r"^(?P<sign>[+~?-]) (?P<word>[a-z]+)\b")
_SOURCE = re.compile(r"  \[[^\]]*\]$")
_FIELD = re.compile(r"^ {4}(?P<field>[a-z_]+): ")
_ARROW = " → "
# Under a field, how a long text changed (render/longtext.py): unified lines or marked words.
_TEXT_DIFF = re.compile(r"^ {8}(?P<sign>[-+~@ ])")
_DIFF_SIGNS = {"+": "green", "-": "red", "@": "cyan"}
_WORD_MARKS = re.compile(r"(?P<gone>\[-.*?-\])|(?P<came>\{\+.*?\+\})")
_STARTS = (
    ("Plan: ", "bold"),
    ("Drift: ", "bold"),
    ("No changes.", "green"),
    ("No drift", "green"),
    ("REFUSED: ", "bold red"),
    ("UNSAFE: ", "bold red"),
    ("warning: ", "yellow"),
    ("error: ", "bold red"),
)
# --all-accounts: each account's section under "== key: where ==", then the total and its rows.
_ACCOUNT_HEAD = re.compile(r"^== .* ==$")
_TOTAL = "Total over "


def wants_colour(*, no_color_flag: bool, env: Mapping[str, str], is_terminal: bool) -> bool:
    """Whether to colour what a person reads on stdout."""
    if no_color_flag or env.get("NO_COLOR"):
        return False
    if env.get("FORCE_COLOR"):
        return True
    return is_terminal


def colour_console() -> Console:
    """A stdout console that emits colour even when stdout is not a terminal (FORCE_COLOR)."""
    return Console(
        force_terminal=True,
        highlight=False,
        soft_wrap=True,
        markup=False,
        emoji=False,
    )


def style_report(report: str) -> list[Text]:
    """Every line of a rendered plan or drift report, styled; a create's values are green."""
    styled: list[Text] = []
    block = ""
    in_totals = False
    for line in report.splitlines():
        if _ACCOUNT_HEAD.match(line) or line.startswith(_TOTAL):
            styled.append(Text(line, style="bold"))
            block, in_totals = "", line.startswith(_TOTAL)
            continue
        if in_totals:
            styled.append(_total_row(line))
            continue
        head = _HEAD.match(line)
        if head is not None or not line.startswith("    "):
            block = head.group("sign") if head is not None else ""
        styled.append(style_line(line, creating=block == "+"))
    return styled


def style_line(line: str, *, creating: bool = False) -> Text:
    """One rendered plan or drift line, styled by its shape; the characters are unchanged."""
    text = Text(line)
    for start, style in _STARTS:
        if line.startswith(start):
            text.stylize(style, 0, len(start.rstrip(": ")))
            return text
    if _is_aside(line):
        text.stylize("dim")
        return text
    text_diff = _TEXT_DIFF.match(line)
    if text_diff is not None:
        _style_text_diff(text, line, text_diff.group("sign"))
        return text
    head = _HEAD.match(line)
    if head is not None:
        text.stylize(f"bold {_SIGNS[head.group('sign')]}", 0, head.end())
        source = _SOURCE.search(line)
        if source is not None:
            text.stylize("dim", source.start())
        if head.group("sign") == "?":
            text.stylize("dim")
        return text
    field = _FIELD.match(line)
    if field is not None:
        # A value that came from `defaults:` says where: "offer_id: 1234  [main.yaml:2:3]".
        source = _SOURCE.search(line)
        end = source.start() if source is not None else len(line)
        if creating:
            text.stylize("green", field.end(), end)
        else:
            _style_values(text, line[:end], field.end())
        if source is not None:
            text.stylize("dim", end)
    return text


def _total_row(line: str) -> Text:
    """``  key  result`` under the total: an account that failed in red."""
    text = Text(line)
    if " error: " in line:
        text.stylize("red")
    return text


def _style_text_diff(text: Text, line: str, sign: str) -> None:
    """A removed line red, an added one green, a hunk header cyan; in a word diff, the words."""
    if sign in _DIFF_SIGNS:
        text.stylize(_DIFF_SIGNS[sign], 8)
        return
    if sign == "~":
        for mark in _WORD_MARKS.finditer(line):
            text.stylize("red" if mark.group("gone") else "green", mark.start(), mark.end())


def _is_aside(line: str) -> bool:
    """What was left alone: the unmanaged count or list, the fields not compared."""
    if " unmanaged, left alone: " in line or line.startswith(("Unmanaged (", "Not compared (")):
        return True
    return line.startswith("  ") and not line.startswith("    ")


def _style_values(text: Text, line: str, start: int) -> None:
    """``old → new`` (plan and drift alike): old dimmed, new bold."""
    value = line[start:]
    arrow = _find_outside_quotes(value, _ARROW)
    if arrow is None:
        text.stylize("bold", start, len(line))
        return
    text.stylize("dim", start, start + arrow + len(_ARROW))
    text.stylize("bold", start + arrow + len(_ARROW), len(line))


def _find_outside_quotes(value: str, needle: str) -> int | None:
    """The first ``needle`` not inside a double-quoted (JSON-escaped) value."""
    quoted = False
    escaped = False
    for index, char in enumerate(value):
        if quoted:
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == '"':
                quoted = False
        elif char == '"':
            quoted = True
        elif value.startswith(needle, index):
            return index
    return None
