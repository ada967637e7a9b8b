"""Golden files: the text and Markdown plans a person reads, compared byte for byte.

Each scenario in ``tests/plan/scenarios.py`` is rendered as text and as Markdown and compared
with ``tests/golden/plan-<scenario>.txt`` and ``tests/golden/plan-<scenario>.md``.

When a change to the output is intended, refresh the files and review the diff::

    UPDATE_GOLDEN=1 .venv/bin/pytest tests/plan/test_golden.py
    git diff tests/golden/

Without ``UPDATE_GOLDEN=1`` the tests never write: a missing or different file fails.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from reconciler.render import Format, render_plan
from tests.plan.scenarios import SCENARIOS, Scenario

GOLDEN_DIR = Path(__file__).resolve().parent.parent / "golden"
SUFFIX: dict[Format, str] = {"text": "txt", "markdown": "md"}


def check_golden(name: str, actual: str) -> None:
    """Compare ``actual`` with the golden file ``name``, or rewrite it under UPDATE_GOLDEN=1."""
    path = GOLDEN_DIR / name
    if os.environ.get("UPDATE_GOLDEN") == "1":
        GOLDEN_DIR.mkdir(parents=True, exist_ok=True)
        path.write_bytes(actual.encode("utf-8"))
    if not path.exists():
        pytest.fail(f"{path} is missing; create it with UPDATE_GOLDEN=1 and review it")
    expected = path.read_bytes().decode("utf-8")
    assert actual == expected, f"{name} differs; if intended, refresh with UPDATE_GOLDEN=1"


@pytest.mark.parametrize("fmt", ["text", "markdown"])
@pytest.mark.parametrize("scenario", SCENARIOS, ids=[s.name for s in SCENARIOS])
def test_plan_matches_its_golden_file(scenario: Scenario, fmt: Format) -> None:
    """The text and Markdown plans of each scenario are exactly the checked-in files."""
    check_golden(f"plan-{scenario.name}.{SUFFIX[fmt]}", render_plan(scenario.plan(), fmt))


def test_golden_files_are_all_in_use() -> None:
    """Every file in tests/golden/ that looks like a plan belongs to a scenario here."""
    expected = {f"plan-{s.name}.{suffix}" for s in SCENARIOS for suffix in SUFFIX.values()}
    present = {p.name for p in GOLDEN_DIR.glob("plan-*")}
    assert present == expected
