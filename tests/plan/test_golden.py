"""Golden files: the plans and drift reports a person (or a program) reads, byte for byte.

Each scenario in ``tests/plan/scenarios.py`` is rendered as text, Markdown and JSON and
compared with ``tests/golden/plan-<scenario>.{txt,md,json}``; the scenarios without a
matching issue also give ``drift-<scenario>.{txt,md,json}``. Refreshing them, and the rules
that keep a refresh honest, are in ``tests/support/golden.py``.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest

from reconciler.drift import build_drift
from reconciler.render import Format, render_plan
from reconciler.render.drift import render_drift
from tests.plan.scenarios import SCENARIOS, Scenario
from tests.support.golden import GOLDEN_DIR, check_golden

__all__ = ["check_golden"]  # kept for the golden tests that import it from here

SUFFIX: dict[Format, str] = {"text": "txt", "markdown": "md", "json": "json"}
#: The scenarios drift can report on (the others stop at a matching issue, as plan does).
DRIFT_SCENARIOS = [s for s in SCENARIOS if s.name in {"empty", "mixed"}]


@pytest.mark.parametrize("fmt", list(SUFFIX))
@pytest.mark.parametrize("scenario", SCENARIOS, ids=[s.name for s in SCENARIOS])
def test_plan_matches_its_golden_file(
    scenario: Scenario, fmt: Format, golden: Callable[[str, str], None]
) -> None:
    """The text, Markdown and JSON plans of each scenario are exactly the checked-in files."""
    golden(f"plan-{scenario.name}.{SUFFIX[fmt]}", render_plan(scenario.plan(), fmt))


@pytest.mark.parametrize("fmt", list(SUFFIX))
@pytest.mark.parametrize("scenario", DRIFT_SCENARIOS, ids=[s.name for s in DRIFT_SCENARIOS])
def test_drift_matches_its_golden_file(
    scenario: Scenario, fmt: Format, golden: Callable[[str, str], None]
) -> None:
    """The text, Markdown and JSON drift reports of each scenario are the checked-in files."""
    report = build_drift(scenario.specs, scenario.live, scenario.config)
    golden(f"drift-{scenario.name}.{SUFFIX[fmt]}", render_drift(report, fmt))


def test_golden_files_are_all_in_use() -> None:
    """Every plan or drift file in tests/golden/ belongs to a scenario here."""
    expected = {f"plan-{s.name}.{suffix}" for s in SCENARIOS for suffix in SUFFIX.values()}
    expected |= {f"drift-{s.name}.{suffix}" for s in DRIFT_SCENARIOS for suffix in SUFFIX.values()}
    present = {p.name for p in [*GOLDEN_DIR.glob("plan-*"), *GOLDEN_DIR.glob("drift-*")]}
    assert present == expected
