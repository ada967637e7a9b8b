"""Look-alike names (NFKC-equal, or mixing scripts) get a warning in the plan."""

from __future__ import annotations

from reconciler.lookalike import lookalike_warnings
from reconciler.plan import build_plan
from reconciler.render import render_plan
from tests.plan.builders import config, live, spec

CYRILLIC_SOLAR = "S\u043elar - East"


def test_a_cyrillic_imitation_of_a_spec_name_is_warned_about() -> None:
    """A live name with a Cyrillic o beside the spec's 'Solar - East' is warned about."""
    plan = build_plan([spec("Solar - East")], [live(7, CYRILLIC_SOLAR)], config())
    assert plan.warnings == (
        'the name "S\\u043elar - East" mixes scripts (CYRILLIC, LATIN); it may imitate another '
        "name",
    )
    assert 'warning: the name "S\\u043elar - East" mixes scripts' in render_plan(plan, "text")


def test_names_equal_after_nfkc_are_grouped() -> None:
    """A fullwidth letter or a zero-width space makes a different name that looks the same."""
    assert lookalike_warnings(["Solar", "\uff33olar", "xy", "x\u200by"]) == (
        'these names look alike but differ: "Solar", "\\uff33olar" (equal once '
        "Unicode-normalized); check which one each spec means",
        'these names look alike but differ: "xy", "x\\u200by" (equal once Unicode-normalized); '
        "check which one each spec means",
        'the name "\\uff33olar" mixes scripts (FULLWIDTH, LATIN); it may imitate another name',
    )


def test_ordinary_names_in_one_script_give_no_warning() -> None:
    """Accents, Japanese kana with kanji, digits and punctuation are not look-alikes."""
    assert lookalike_warnings(["Été - Paris", "日本語テスト", "Solar 2 (East)", "Solar"]) == ()
