"""Every directory under ``tests/fixtures/specs/`` loads to exactly what its expectation says."""

from __future__ import annotations

from pathlib import Path

import pytest

from reconciler.errors import SpecError
from reconciler.loader import load_specs
from tests.core._scenarios import (
    ERRORS_FILE,
    SPEC_SCENARIOS,
    SPECS_FILE,
    XFAIL_FILE,
    describe,
    expected_lines,
    relative,
    scenario_dirs,
    scenarios,
)


def test_every_spec_scenario_states_one_expectation() -> None:
    """Each scenario directory holds exactly one expected file, so none is silently skipped."""
    problems = []
    for directory in scenario_dirs(SPEC_SCENARIOS):
        found = [name for name in (ERRORS_FILE, SPECS_FILE) if (directory / name).is_file()]
        if len(found) != 1:
            problems.append(f"{directory.name}: {found or 'no expected file'}")
        if (directory / XFAIL_FILE).is_file() and found != [ERRORS_FILE]:
            problems.append(f"{directory.name}: {XFAIL_FILE} only goes with {ERRORS_FILE}")
    assert problems == []


def test_spec_scenarios_cover_errors_and_valid_forms() -> None:
    """The fixture tree holds both invalid and valid scenarios (a guard against an empty tree)."""
    assert len(scenarios(SPEC_SCENARIOS, ERRORS_FILE)) >= 20
    assert len(scenarios(SPEC_SCENARIOS, SPECS_FILE)) >= 10


@pytest.mark.parametrize("scenario", scenarios(SPEC_SCENARIOS, ERRORS_FILE))
def test_invalid_specs_report_exactly_the_expected_lines(scenario: Path) -> None:
    """An invalid directory raises one located line per problem, all files at once, in order."""
    with pytest.raises(SpecError) as raised:
        load_specs(scenario)
    issues = raised.value.issues
    assert all(issue.location is not None for issue in issues)
    assert [relative(str(issue), scenario) for issue in issues] == expected_lines(
        scenario / ERRORS_FILE
    )


@pytest.mark.parametrize("scenario", scenarios(SPEC_SCENARIOS, SPECS_FILE))
def test_valid_specs_load_exactly_the_expected_specs(scenario: Path) -> None:
    """A valid directory loads every spec, in file order, with only the fields it gives."""
    loaded = load_specs(scenario)
    actual = [describe(spec, scenario) for spec in loaded.specs]
    assert actual == expected_lines(scenario / SPECS_FILE)
