"""Hostile strings, and the checks every sink must pass with them (shared by the trust tests)."""

from __future__ import annotations

import re
from typing import Final

from markdown_it import MarkdownIt
from markdown_it.token import Token

from reconciler.untrusted import is_unsafe_char

#: Names someone with UI access could give a schedule, one per attack.
HOSTILE_NAMES: Final = (
    "a\x1b]0;pwned\x07",  # OSC: set the terminal title
    "\x1b]52;c;cHduZWQ=\x07clip",  # OSC 52: write the clipboard
    "\x1b[2J\x1b[Hcleared",  # CSI: clear the screen
    "x\n::error::injected",  # a GitHub workflow command on its own line
    "x\r\n::add-mask::secret",
    "::stop-commands::tok",
    "r\rrow",
    "c1\x9b31mred",  # C1 CSI
    "del\x7fete",
    "\u202egnp.exe",  # bidi override
    "iso\u2066late\u2069",
    "zero\u200bwidth\u200d\ufeff",
    "line\u2028sep\u2029para",
    "tag\U000e0041chars",
    '<img src=x onerror="alert(1)">',
    "<!-- hidden -->",
    "<script>alert(1)</script>",
    "@someone and @org/team",
    "fixes #1",
    "[text](https://evil.example)",
    "![img](https://evil.example/x.png)",
    "<https://evil.example>",
    "[ref]\n\n[ref]: https://evil.example",
    "*emph* _u_ **b** ~~s~~ `code`",
    "a | b |",
    "&lt;entity&gt; &#64;",
    "\\[escaped\\]",
    "# heading",
    "> quote",
    "    indented",
    "---",
)

_MARKDOWN: Final = MarkdownIt("commonmark").enable("table")
_OURS_HTML_INLINE: Final = ("<br>", "<details>", "<summary>", "</summary>", "</details>")
_OURS_HTML_BLOCK: Final = re.compile(
    r"<!-- trackdrive-reconciler:(plan|drift) -->\n?|<details><summary>show \d+</summary>\n?"
    r"|</details>\n?"
)


def assert_terminal_safe(text: str) -> None:
    """No raw control, bidi or zero-width character; no line starts with a workflow command."""
    bad = sorted({f"U+{ord(c):04X}" for c in text if c != "\n" and is_unsafe_char(c)})
    assert not bad, f"raw unsafe characters in terminal output: {bad}"
    for line in text.split("\n"):
        assert not line.lstrip().startswith(("::", "##[")), f"a line starts with data: {line!r}"


def _tokens(tokens: list[Token]) -> list[Token]:
    out: list[Token] = []
    for token in tokens:
        out.append(token)
        if token.children:
            out.extend(_tokens(token.children))
    return out


def assert_markdown_inert(text: str) -> None:
    """Data formed no link, image, HTML, mention or issue reference; no raw control chars."""
    bad = sorted({f"U+{ord(c):04X}" for c in text if c != "\n" and is_unsafe_char(c)})
    assert not bad, f"raw unsafe characters in Markdown output: {bad}"
    tokens = _tokens(_MARKDOWN.parse(text))
    kinds = {t.type for t in tokens}
    assert not kinds & {"link_open", "image", "autolink"}, sorted(kinds)
    for token in tokens:
        if token.type == "html_inline":
            assert token.content in _OURS_HTML_INLINE, f"HTML from data: {token.content!r}"
        if token.type == "html_block":
            assert _OURS_HTML_BLOCK.fullmatch(token.content), f"HTML from data: {token.content!r}"
    html = _MARKDOWN.render(text)
    assert not re.search(r"@\w", html), "an @mention can form"
    assert not re.search(r"#\d", html), "an issue reference can form"
