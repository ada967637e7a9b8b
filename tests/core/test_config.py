"""``reconciler.yaml``: found beside the specs, defaults when absent, every problem located."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from reconciler.errors import SpecError
from reconciler.loader import find_config, load_config
from reconciler.spec import ReconcilerConfig, SafetyConfig
from tests.core._scenarios import (
    CONFIG_FILE,
    CONFIG_SCENARIOS,
    ERRORS_FILE,
    expected_lines,
    relative,
    scenario_dirs,
    scenarios,
)

CONFIG_NAME = "reconciler.yaml"


def test_every_config_scenario_states_one_expectation() -> None:
    """Each config scenario holds a reconciler.yaml and exactly one expected file."""
    problems = []
    for directory in scenario_dirs(CONFIG_SCENARIOS):
        found = [name for name in (ERRORS_FILE, CONFIG_FILE) if (directory / name).is_file()]
        if len(found) != 1 or not (directory / CONFIG_NAME).is_file():
            problems.append(f"{directory.name}: {found or 'no expected file'}")
    assert problems == []


@pytest.mark.parametrize("scenario", scenarios(CONFIG_SCENARIOS, ERRORS_FILE))
def test_invalid_config_reports_exactly_the_expected_lines(scenario: Path) -> None:
    """An invalid reconciler.yaml raises one located line per problem."""
    with pytest.raises(SpecError) as raised:
        load_config(scenario / CONFIG_NAME)
    issues = raised.value.issues
    assert all(issue.location is not None for issue in issues)
    assert [relative(str(issue), scenario) for issue in issues] == expected_lines(
        scenario / ERRORS_FILE
    )


@pytest.mark.parametrize("scenario", scenarios(CONFIG_SCENARIOS, CONFIG_FILE))
def test_valid_config_loads_the_expected_values(scenario: Path) -> None:
    """A valid reconciler.yaml loads to exactly the expected settings."""
    config = load_config(scenario / CONFIG_NAME)
    expected = json.loads((scenario / CONFIG_FILE).read_text(encoding="utf-8"))
    assert config.model_dump(mode="json") == expected


def test_no_config_file_means_the_documented_defaults() -> None:
    """Without reconciler.yaml: no pruning, no ignore patterns, thresholds 10 / 30% / 50% / 10."""
    config = load_config(None)
    assert config == ReconcilerConfig()
    assert config.prune is False
    assert config.ignore == ()
    assert config.safety == SafetyConfig(
        max_deletes=10, max_delete_percent=30, max_update_percent=50, min_live_for_percent=10
    )


def test_a_named_config_file_that_does_not_exist_is_an_error(tmp_path: Path) -> None:
    """``--config FILE`` naming a missing file is a SpecError naming it, not the defaults."""
    missing = tmp_path / CONFIG_NAME
    with pytest.raises(SpecError) as raised:
        load_config(missing)
    assert [str(issue) for issue in raised.value.issues] == [
        f"config file '{missing}' does not exist"
    ]


@pytest.mark.parametrize("name", ["reconciler.yaml", "reconciler.yml"])
def test_the_config_is_found_beside_the_specs_directory(tmp_path: Path, name: str) -> None:
    """reconciler.yaml (or .yml) in the specs directory's parent is the config."""
    specs = tmp_path / "schedules.d"
    specs.mkdir()
    (tmp_path / name).write_text("prune: true\n", encoding="utf-8")
    assert find_config(specs) == tmp_path / name


def test_no_config_beside_the_specs_directory_is_found_as_none(tmp_path: Path) -> None:
    """Without reconciler.yaml beside the specs directory, none is found (one inside is not it)."""
    specs = tmp_path / "schedules.d"
    specs.mkdir()
    (specs / CONFIG_NAME).write_text("prune: true\n", encoding="utf-8")
    assert find_config(specs) is None
