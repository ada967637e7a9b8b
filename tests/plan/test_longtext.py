"""How a long text's change is shown: the changed lines or words, never the whole text twice."""

from __future__ import annotations

from decimal import Decimal

from reconciler.diff import Change, FieldChange
from reconciler.plan import Plan
from reconciler.render.longtext import text_diff
from reconciler.render.text import render_text

_EAST = (
    "Routes solar leads to the east coast call centres on weekdays only, "
    "from nine in the morning to five"
)
_WEST = (
    "Routes solar leads to the west coast call centres on weekdays only, "
    "from nine in the morning to six"
)


def test_short_values_need_no_diff_lines() -> None:
    """A change a one-line ``old → new`` shows whole gets no extra lines."""
    assert text_diff("East-coast solar", "East coast solar") == []
    assert text_diff(False, True) == []
    assert text_diff(Decimal("1.5"), Decimal("2")) == []
    assert text_diff(None, "short") == []


def test_multi_line_text_shows_the_changed_lines_as_a_unified_diff() -> None:
    """Lines of a description: a hunk header, context, the removed and the added line."""
    before = "Routes solar leads\nfrom 9 to 5\nweekdays"
    after = "Routes solar leads\nfrom 8 to 6\nweekdays"
    assert text_diff(before, after) == [
        "@@ -1,3 +1,3 @@",
        " Routes solar leads",
        "-from 9 to 5",
        "+from 8 to 6",
        " weekdays",
    ]


def test_one_long_line_shows_the_changed_words_with_far_context_left_out() -> None:
    """One long line: only the words that changed are marked, git's word-diff style."""
    assert text_diff(_EAST, _WEST) == [
        "~ … leads to the [-east-]{+west+} coast call centres … the morning to [-five-]{+six+}"
    ]


def test_a_word_added_at_the_start_is_marked_and_the_rest_elided() -> None:
    """An insertion before the first word: no leading ``…``, a trailing one for the rest."""
    before = "one two three four five six seven eight nine ten eleven twelve"
    assert text_diff(before, "zero " + before) == ["~ {+zero+} one two three …"]


def test_one_long_word_replaced_by_another() -> None:
    """Two texts without a space or line break still get a removed and an added part."""
    assert text_diff("x" * 45, "y" * 45) == [f"~ [-{'x' * 45}-]{{+{'y' * 45}+}}"]


def test_spacing_only_changes_are_named_as_such() -> None:
    """The word diff reads runs of spaces as one; it says so rather than showing nothing."""
    assert text_diff("a  " + "b" * 45, "a " + "b" * 45) == ["~ (only the spacing changed)"]


def test_a_text_set_or_cleared_is_all_added_or_all_removed_lines() -> None:
    """From none to a text, every line is ``+``; from a text to none, every line is ``-``."""
    assert text_diff(None, "Line one\n\nLine three") == ["+Line one", "+", "+Line three"]
    assert text_diff("x" * 41, None) == ["-" + "x" * 41]


def test_long_diffs_stop_with_a_count_and_long_lines_are_cut() -> None:
    """At most 24 lines and 200 characters a line; the JSON plan has both values whole."""
    after = "\n".join(f"line {n}" for n in range(30))
    lines = text_diff(None, after)
    assert len(lines) == 25
    assert lines[23] == "+line 23"
    assert lines[24] == "… 6 more lines (the JSON plan has both values whole)"
    assert text_diff(None, "z" * 250) == ["+" + "z" * 200 + "…"]


def test_the_terminal_plan_shows_the_diff_under_the_field_with_data_made_safe() -> None:
    """The diff lines sit under their field, indented; an escape code in them is shown, not run."""
    change = Change(
        action="update",
        name="Solar",
        id=7,
        fields=(
            FieldChange(
                field="description",
                before="Owner: ops\nHours: 9-5",
                after="Owner: ops\nHours: 8-6 \x1b[2J\x1b]52;c;QQ==\x07",
            ),
        ),
    )
    plan = Plan(changes=(change,), unchanged=0, unmanaged=(), ignored=0, live_count=1)
    text = render_text(plan)
    assert "\x1b" not in text
    assert "\x07" not in text
    assert text.splitlines()[2:8] == [
        '~ update "Solar" (id 7)',
        '    description: "Owner: ops…" (2 lines, 21 characters) → '
        '"Owner: ops…" (2 lines, 38 characters)',
        "        @@ -1,2 +1,2 @@",
        "         Owner: ops",
        "        -Hours: 9-5",
        "        +Hours: 8-6 \\x1b[2J\\x1b]52;c;QQ==\\x07",
    ]


def test_several_words_replaced_together_are_one_marked_run() -> None:
    """Neighbouring changed words stay together, spaced as in the text: ``[-a b-]{+c d+}``."""
    before = "Calls go to the east coast team on weekdays from nine until five"
    after = "Calls go to the west region team on weekdays from nine until five"
    assert text_diff(before, after) == [
        "~ … go to the [-east coast-]{+west region+} team on weekdays …"
    ]


def test_far_context_is_elided_on_both_sides_by_exact_word_counts() -> None:
    """Three words of context each side: a change at word 6 of 10 shows words 3 to 9."""
    words = "w1 w2 w3 w4 w5 w6 w7 w8 w9 w10 " + "x" * 30
    assert text_diff(words, words.replace("w6", "six")) == ["~ … w3 w4 w5 [-w6-]{+six+} w7 w8 w9 …"]


def test_limits_are_inclusive_24_lines_and_200_characters_are_shown_whole() -> None:
    """Exactly 24 lines get no count line; a line of exactly 200 characters is not cut."""
    lines = text_diff(None, "\n".join(f"line {n}" for n in range(24)))
    assert lines[-1] == "+line 23"
    assert len(lines) == 24
    assert text_diff(None, "z" * 200) == ["+" + "z" * 200]
