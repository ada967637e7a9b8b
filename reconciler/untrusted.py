"""The one sanitizer for text that comes from outside: names, paths, server messages.

Anyone with UI access to the account writes schedule names; anyone who opens a pull request
names the spec files; a server writes its own error text. None of it may reach a sink raw
(README, "Untrusted input"). Two forms, one per kind of sink:

- ``terminal(text)`` for terminals, CI logs and ``error:`` lines: every control character
  (C0, DEL, C1), format character (bidi controls U+202A to U+202E and U+2066 to U+2069, zero-width
  characters, the BOM, tag characters), line and paragraph separator (U+2028, U+2029) and lone
  surrogate becomes a visible escape such as ``\\x1b`` or ``\\u202e``. ``\\n`` and ``\\r`` become
  ``\\n`` and ``\\r``, so a value never spans two lines and no line can begin with data: a
  ``::error::`` in a name is never a GitHub workflow command.
- ``html_text(text)`` inside an HTML element of a Markdown body: the terminal rules, then
  entities for ``<``, ``>`` and ``&``, and the same zero-width space after ``@`` and ``#``.
- ``markdown(text)`` for a Markdown table cell or list item: the terminal rules, then a
  backslash before every ASCII punctuation character CommonMark lets one escape, so no link,
  image, autolink, HTML tag or comment, emphasis, code span or table break can form; an ``@``
  or ``#`` is followed by a zero-width space entity, so no mention or issue reference forms.

Printable text, letters of every script and emoji are kept as they are. Backslashes in data
are kept too (so ``display``'s JSON quoting stays as it is); a name that spells ``\\x1b`` out
reads the same as one holding the escape character, and both are equally harmless.

JSON output is not escaped here: machines read it, and ``json.dumps`` encodes it exactly.
"""

from __future__ import annotations

import html
import re
import unicodedata
from typing import Final

__all__ = ["MARKDOWN_PUNCTUATION", "html_text", "is_unsafe_char", "markdown", "terminal"]

#: The ASCII punctuation characters CommonMark allows to be backslash-escaped (spec 2.4).
MARKDOWN_PUNCTUATION: Final = "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~"

# Cc: C0, DEL, C1. Cf: bidi controls, zero-width characters, soft hyphen, BOM, tags.
# Zl/Zp: U+2028/U+2029, which some terminals and JavaScript treat as line breaks.
# Cs: lone surrogates (from JSON "\ud800"), which cannot even be encoded for output.
_UNSAFE_CATEGORIES: Final = frozenset({"Cc", "Cf", "Zl", "Zp", "Cs"})
_NAMED: Final = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}
_ZWSP_ENTITY: Final = "&#8203;"


def is_unsafe_char(char: str) -> bool:
    """Whether one character must never reach a terminal, a log or a Markdown body raw."""
    return unicodedata.category(char) in _UNSAFE_CATEGORIES


def _escape_char(char: str) -> str:
    named = _NAMED.get(char)
    if named is not None:
        return named
    code = ord(char)
    if code <= 0xFF:
        return f"\\x{code:02x}"
    if code <= 0xFFFF:
        return f"\\u{code:04x}"
    return f"\\U{code:08x}"


# Every character outside the few safe ranges is checked by category; the fast path below
# keeps plain printable ASCII (nearly every real name) out of that per-character work.
_PLAIN_ASCII: Final = re.compile(r"[\x20-\x7e]*")


def terminal(text: str) -> str:
    """``text`` safe on one line of a terminal or CI log: unsafe characters as escapes."""
    if _PLAIN_ASCII.fullmatch(text):
        return text
    return "".join(_escape_char(c) if is_unsafe_char(c) else c for c in text)


_PINGS: Final = re.compile("[@#]")
_MARKDOWN_SPECIAL: Final = re.compile("[" + re.escape(MARKDOWN_PUNCTUATION) + "]")


def _markdown_char(match: re.Match[str]) -> str:
    char = match.group(0)
    if char in "@#":
        # GitHub turns "@name" and "#12" into mentions and references after Markdown is
        # rendered, so an escaped "@" still pings; a zero-width space after it does not.
        return f"\\{char}{_ZWSP_ENTITY}"
    return f"\\{char}"


def markdown(text: str) -> str:
    """``text`` as inert Markdown for a table cell or list item: it renders as itself."""
    return _MARKDOWN_SPECIAL.sub(_markdown_char, terminal(text))


def html_text(text: str) -> str:
    """``text`` inside an HTML element of a Markdown body (a ``<summary>``): entities, no tags.

    Markdown escapes would show as backslashes there; entities do not. The terminal rules
    apply first, and ``@``/``#`` get the same zero-width space as in ``markdown``.
    """
    escaped = html.escape(terminal(text), quote=False)
    return _PINGS.sub(lambda found: found.group(0) + _ZWSP_ENTITY, escaped)
