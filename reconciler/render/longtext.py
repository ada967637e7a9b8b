"""How a long or multi-line text value (a ``description``) changed, in lines a reviewer reads.

A one-line change (``paused: false → true``) says everything about a short value; for a long
text it says only that something changed. Plain equality in ``diff.py`` has already found that
the values differ; DeepDiff does the comparing here, as it does for saved plans:

- a text of several lines: the changed lines, as a unified diff (``@@`` hunks, ``-`` / ``+``);
- one long line: the changed words, as ``git diff --word-diff`` shows them
  (``… to the [-east-]{+west+} coast …``); runs of spaces read as one there;
- a text set or cleared: its lines, all ``+`` or all ``-`` (a unified diff's bodies).

Pure: values in, plain lines out. The renderers indent the lines and make each safe for
their sink (terminal or Markdown), as they do every other piece of data.
"""

from __future__ import annotations

import re

from deepdiff import DeepDiff

from reconciler.normalize import FieldValue
from reconciler.render.common import is_long

__all__ = ["text_diff"]

# Past this, the lines stop with a count; the JSON plan always has both values whole.
_MAX_LINES = 24
_MAX_CHARS = 200
_HUNK = re.compile(r"^@@ -(?P<start>\d+)(?:,(?P<count>\d+))? ")


def text_diff(before: FieldValue, after: FieldValue) -> list[str]:
    """The lines that show how a long text changed; none where the change line says it all."""
    if not (is_long(before) or is_long(after)):
        return []
    if not isinstance(before, str | None) or not isinstance(after, str | None):
        return []
    old, new = before or "", after or ""
    if old == new:
        return []
    if not old or not new:
        sign, text = ("+", new) if new else ("-", old)
        return _limited([sign + _cut(line) for line in text.split("\n")])
    if "\n" in old or "\n" in new:
        return _limited([_cut(line) for line in _unified(old, new)])
    return [_cut(_word_diff(old, new))]


def _unified(old: str, new: str) -> list[str]:
    """DeepDiff's unified diff of two texts, without its empty ``---`` / ``+++`` header."""
    report = DeepDiff(old, new)
    if "diff" not in report["values_changed"]["root"]:
        # DeepDiff writes a unified diff only when a text has a line break.
        return ["@@ -1 +1 @@", f"-{old}", f"+{new}"]
    diff: str = report["values_changed"]["root"]["diff"]
    return [line for line in diff.split("\n") if not line.startswith(("--- ", "+++ "))]


def _word_diff(old: str, new: str) -> str:
    """One line, the changed words marked ``[-old-]{+new+}``, far context left out as ``…``."""
    old_words, new_words = old.split(), new.split()
    if old_words == new_words:
        return "~ (only the spacing changed)"
    lines = _unified("\n".join(old_words), "\n".join(new_words))
    last = len(old_words)
    parts: list[str] = []
    removed: list[str] = []
    added: list[str] = []

    def flush() -> None:
        gone = f"[-{' '.join(removed)}-]" if removed else ""
        came = f"{{+{' '.join(added)}+}}" if added else ""
        if gone or came:
            parts.append(gone + came)
        removed.clear()
        added.clear()

    for line in lines:
        hunk = _HUNK.match(line)
        if hunk is not None:
            flush()
            start = int(hunk.group("start"))
            count = int(hunk.group("count") or 1)
            if parts or start > 1:
                parts.append("…")
            last = start + count - 1
            continue
        sign, word = line[:1], line[1:]
        if sign == "-":
            removed.append(word)
        elif sign == "+":
            added.append(word)
        else:
            flush()
            parts.append(word)
    flush()
    if last < len(old_words):
        parts.append("…")
    return "~ " + " ".join(parts)


def _cut(line: str) -> str:
    return line if len(line) <= _MAX_CHARS else line[:_MAX_CHARS] + "…"


def _limited(lines: list[str]) -> list[str]:
    if len(lines) <= _MAX_LINES:
        return lines
    rest = len(lines) - _MAX_LINES
    return [*lines[:_MAX_LINES], f"… {rest} more lines (the JSON plan has both values whole)"]
