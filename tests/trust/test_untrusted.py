"""The one sanitizer: exact escapes for terminals and Markdown."""

from __future__ import annotations

import html
import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from reconciler.untrusted import html_text, markdown, terminal
from tests.trust.hostile import HOSTILE_NAMES, assert_markdown_inert, assert_terminal_safe


@pytest.mark.parametrize(
    ("raw", "safe"),
    [
        ("a\x1b]0;pwned\x07", "a\\x1b]0;pwned\\x07"),
        ("x\n::error::injected", "x\\n::error::injected"),
        ("r\rrow\ttab", "r\\rrow\\ttab"),
        ("c1\x9b31m del\x7f nul\x00", "c1\\x9b31m del\\x7f nul\\x00"),
        ("\u202egnp.exe \u2066i\u2069", "\\u202egnp.exe \\u2066i\\u2069"),
        ("z\u200bw\u200dj\ufeff", "z\\u200bw\\u200dj\\ufeff"),
        ("l\u2028p\u2029", "l\\u2028p\\u2029"),
        ("tag\U000e0041", "tag\\U000e0041"),
        ("lone \ud800", "lone \\ud800"),
        ('Solar \u2013 Été 日本 🚀 \\ "q"', 'Solar \u2013 Été 日本 🚀 \\ "q"'),
    ],
)
def test_terminal_turns_unsafe_characters_into_visible_escapes(raw: str, safe: str) -> None:
    """Controls, bidi, zero-width, separators and surrogates show as escapes; text stays."""
    assert terminal(raw) == safe


@pytest.mark.parametrize(
    ("raw", "safe"),
    [
        ("[t](https://e.x)", "\\[t\\]\\(https\\:\\/\\/e\\.x\\)"),
        ("<img src=x>", "\\<img src\\=x\\>"),
        ("@team #12", "\\@&#8203;team \\#&#8203;12"),
        ("a|b\nc", "a\\|b\\\\nc"),
        ("*_`~&!", "\\*\\_\\`\\~\\&\\!"),
        ("Été 日本", "Été 日本"),
    ],
)
def test_markdown_escapes_every_punctuation_character(raw: str, safe: str) -> None:
    """Every ASCII punctuation is backslash-escaped; @ and # also get a zero-width space."""
    assert markdown(raw) == safe


@pytest.mark.parametrize("name", HOSTILE_NAMES)
def test_hostile_names_are_inert_in_both_forms(name: str) -> None:
    """Each hostile name is safe on a terminal line and inert in a Markdown list item."""
    assert "\n" not in terminal(name)
    assert_terminal_safe(f"name: {terminal(name)}")
    assert_markdown_inert(f"- {markdown(name)}\n")
    assert_markdown_inert(f"| a |\n|---|\n| {markdown(name)} |\n")


@given(st.text())
def test_terminal_output_is_one_safe_line_for_any_text(name: str) -> None:
    """Whatever the text, its terminal form is one line with no unsafe character."""
    safe = terminal(name)
    assert "\n" not in safe
    assert_terminal_safe(f"name: {safe}")
    assert terminal(safe) == safe


@given(st.text())
def test_markdown_form_is_inert_for_any_text(name: str) -> None:
    """Whatever the text, its Markdown form forms no link, image, HTML or mention."""
    assert_markdown_inert(f"- {markdown(name)}\n")
    assert_markdown_inert(f"| a | b |\n|---|---|\n| {markdown(name)} | x |\n")


def test_html_text_uses_entities_and_breaks_mentions() -> None:
    """Inside an HTML element: entities for markup, a zero-width space after @ and #."""
    assert html_text("<b>x</b> @team #12 &\x1b") == (
        "&lt;b&gt;x&lt;/b&gt; @&#8203;team #&#8203;12 &amp;\\x1b"
    )


@given(st.text())
def test_html_text_is_inert_for_any_text(name: str) -> None:
    """Whatever the text, inside a <summary> it forms no tag, link or mention."""
    safe = html_text(name)
    assert "<" not in safe
    assert "\n" not in safe
    shown = html.unescape(safe)
    assert not re.search(r"@\w", shown)
    assert not re.search(r"#\d", shown)
    assert_terminal_safe(f"x {shown.replace(chr(0x200B), '')}")
