"""Bounds on untrusted text, checked before any parser sees it.

The YAML C composer recurses once per nesting level and segfaults near 50,000 nested ``[``
(no Python exception to catch), and a 50 MB spec costs a minute and gigabytes. So the loader
checks each file's size before reading it and its nesting depth with a cheap line scan before
composing it; the plan-file reader does the same for JSON. A bound that trips is one located
issue naming the bound and the ``reconciler.yaml`` key that raises it.

The YAML scan over-counts rather than under-counts: it is a bound, not a parser. It follows
block indentation (each deeper indent, ``- `` and ``? `` is a level), flow brackets outside
quoted scalars and comments, and skips block scalar (``|``, ``>``) bodies.
"""

from __future__ import annotations

import re
from typing import Final

from pydantic import BaseModel, ConfigDict, Field

from reconciler.errors import Issue
from reconciler.location import Location

__all__ = [
    "DEFAULT_MAX_DEPTH",
    "DEFAULT_MAX_FILE_BYTES",
    "InputLimits",
    "json_depth_issue",
    "size_issue",
    "yaml_depth_issue",
]

DEFAULT_MAX_FILE_BYTES: Final = 5_000_000
DEFAULT_MAX_DEPTH: Final = 64


class InputLimits(BaseModel):
    """``limits:`` in ``reconciler.yaml``: how big and how deep one input file may be."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    max_file_bytes: int = Field(
        default=DEFAULT_MAX_FILE_BYTES, ge=1, description="Largest spec file read, in bytes."
    )
    max_depth: int = Field(
        default=DEFAULT_MAX_DEPTH, ge=1, description="Deepest nesting allowed in a spec file."
    )


def size_issue(size: int, file: str, limits: InputLimits) -> Issue | None:
    """An issue when a file of ``size`` bytes is over the limit."""
    if size <= limits.max_file_bytes:
        return None
    return Issue(
        f"the file is {size:,} bytes, over the limit of {limits.max_file_bytes:,}; "
        "split it, or raise limits.max_file_bytes in reconciler.yaml",
        Location(file, 1, 1),
    )


def _too_deep(file: str, line: int, column: int, limits: InputLimits) -> Issue:
    return Issue(
        f"nested more than {limits.max_depth} levels deep; "
        "flatten it, or raise limits.max_depth in reconciler.yaml",
        Location(file, line, column),
    )


# Characters that can open or close a level, start a quoted scalar, a comment or a block scalar.
_SPECIAL: Final = re.compile(r"""[\[\]{}"'#|>]""")
# Where a value may start: after these (then whitespace), a quote or bracket is syntax.
_VALUE_LEAD: Final = frozenset(":,[{-?")
# The rest of a quoted scalar up to its closing quote, when it closes on this line.
_DOUBLE_REST: Final = re.compile(r'(?:[^"\\]|\\.)*"')
_SINGLE_REST: Final = re.compile(r"(?:[^']|'')*'")


def yaml_depth_issue(text: str, file: str, limits: InputLimits) -> Issue | None:
    """An issue at the first place ``text`` nests deeper than ``limits.max_depth``."""
    scan = _YamlScan(limits.max_depth)
    for number, raw in enumerate(text.split("\n"), start=1):
        column = scan.line(raw.rstrip("\r"))
        if column is not None:
            return _too_deep(file, number, column, limits)
    return None


class _YamlScan:
    """The state carried from line to line: indents, open brackets, an open quote.

    Erring is only safe one way, counting too deep: so a quote opens a quoted scalar only where
    a node can start (a plain scalar never starts with one), and in block context an open quote
    is dropped at the end of the line; brackets inside a wrongly shut quote are then counted.
    """

    def __init__(self, max_depth: int) -> None:
        self.max_depth = max_depth
        self.indents: list[int] = []
        self.flow = 0
        self.quote: str | None = None
        self.block_scalar_parent: int | None = None
        self.last = ""  # the last significant character, carried across lines in flow context

    def line(self, line: str) -> int | None:
        """Scan one line; the 1-based column where the depth first goes over, if it does."""
        stripped = line.lstrip(" ")
        indent = len(line) - len(stripped)
        if self.block_scalar_parent is not None:
            if not stripped or indent > self.block_scalar_parent:
                return None
            self.block_scalar_parent = None
        if self.flow == 0:
            self.quote = None
            if not stripped or stripped.startswith("#"):
                return None
            if indent == 0 and stripped.startswith(("---", "...")):
                self.indents.clear()
                return None
            while self.indents and self.indents[-1] >= indent:
                self.indents.pop()
            start = indent
            while line.startswith(("- ", "? "), start) or line[start:] in ("-", "?"):
                if self._push(start):
                    return start + 1
                self.last = line[start]
                start += 1
                while start < len(line) and line[start] == " ":
                    start += 1
            if start < len(line) and self._push(start):
                return start + 1
            return self._rest(line, start, block_start=start)
        return self._rest(line, 0, block_start=-1)

    def _push(self, column: int) -> bool:
        self.indents.append(column)
        return len(self.indents) + self.flow > self.max_depth

    def _rest(self, line: str, start: int, *, block_start: int) -> int | None:
        i = start
        end = len(line)
        while i < end:
            if self.quote is not None:
                closed = (_DOUBLE_REST if self.quote == '"' else _SINGLE_REST).match(line, i)
                if closed is None:
                    return None  # the quoted scalar goes on past this line
                self.quote = None
                i = closed.end()
                continue
            found = _SPECIAL.search(line, i)
            if found is None:
                self._remember(line, end)
                return None
            i = found.start()
            c = line[i]
            if c == "#" and (i == 0 or line[i - 1] in " \t"):
                self._remember(line, i)
                return None
            if self.flow > 0 and c in "[{]}":
                if c in "]}":
                    self.flow -= 1
                else:
                    self.flow += 1
                    if len(self.indents) + self.flow > self.max_depth:
                        return i + 1
            elif c in "[{\"'|>" and self._node_starts(line, i, block_start):
                if c in "[{":
                    self.flow += 1
                    if len(self.indents) + self.flow > self.max_depth:
                        return i + 1
                elif c in "\"'":
                    self.quote = c
                elif self.flow == 0:  # | or >: the lines below, more indented, are its text
                    own = bool(self.indents) and self.indents[-1] == i
                    parents = self.indents[:-1] if own else self.indents
                    self.block_scalar_parent = parents[-1] if parents else -1
                    return None
            i += 1
        self._remember(line, end)
        return None

    def _remember(self, line: str, stop: int) -> None:
        """Keep the line's last significant character, for the next line in flow context."""
        kept = line[:stop].rstrip(" \t")
        if kept:
            self.last = kept[-1]

    def _node_starts(self, line: str, i: int, block_start: int) -> bool:
        """Whether position ``i`` begins a node (so a bracket or quote there is syntax)."""
        if i == block_start:
            return True
        j = i - 1
        while j >= 0 and line[j] in " \t":
            j -= 1
        if j < 0:  # the line so far is blank: a continuation line in flow context
            return self.flow > 0 and self.last in "[{,:?"
        lead = line[j]
        if self.flow > 0 and lead in "[{,":
            return True
        return j < i - 1 and lead in _VALUE_LEAD


def json_depth_issue(text: str, file: str, limits: InputLimits) -> Issue | None:
    """An issue at the first place JSON ``text`` nests deeper than ``limits.max_depth``."""
    depth = 0
    in_string = False
    escaped = False
    line, line_start = 1, 0
    for index, c in enumerate(text):
        if in_string:
            if escaped:
                escaped = False
            elif c == "\\":
                escaped = True
            elif c == '"':
                in_string = False
        elif c == '"':
            in_string = True
        elif c in "[{":
            depth += 1
            if depth > limits.max_depth:
                return _too_deep(file, line, index - line_start + 1, limits)
        elif c in "]}":
            depth -= 1
        elif c == "\n":
            line, line_start = line + 1, index + 1
    return None
