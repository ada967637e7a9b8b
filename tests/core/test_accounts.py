"""``accounts.yaml``: every account resolved, every problem located, paths kept in the repo."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from reconciler.accounts import AccountLayout, find_accounts, load_accounts, load_layers
from reconciler.errors import AccountError, SpecError
from reconciler.loader import load_specs
from tests.core._scenarios import (
    ERRORS_FILE,
    FIXTURES,
    SPECS_FILE,
    describe,
    expected_lines,
    relative,
    scenario_dirs,
    scenarios,
)

ACCOUNT_SCENARIOS = FIXTURES / "accounts"
ACCOUNTS_FILE = "expected-accounts.json"
TWO_ACCOUNTS = ACCOUNT_SCENARIOS / "valid-two-accounts"


def _described(layout: AccountLayout, base: Path) -> dict[str, object]:
    def rel(path: Path | None) -> str | None:
        return None if path is None else path.relative_to(base).as_posix()

    return {
        "key": layout.key,
        "base_url": layout.base_url,
        "public_key_env": layout.public_key_env,
        "private_key_env": layout.private_key_env,
        "specs": rel(layout.specs),
        "config": rel(layout.config),
        "shared": [rel(p) for p in layout.shared],
        "environment": layout.environment,
        "location": relative(str(layout.location), base),
    }


def test_every_account_scenario_states_one_expectation() -> None:
    """Each scenario holds an accounts.yaml and exactly one expected file."""
    problems = []
    for directory in scenario_dirs(ACCOUNT_SCENARIOS):
        found = [n for n in (ERRORS_FILE, ACCOUNTS_FILE) if (directory / n).is_file()]
        if len(found) != 1 or not (directory / "accounts.yaml").is_file():
            problems.append(f"{directory.name}: {found or 'no expected file'}")
    assert problems == []


@pytest.mark.parametrize("scenario", scenarios(ACCOUNT_SCENARIOS, ERRORS_FILE))
def test_invalid_accounts_file_reports_exactly_the_expected_lines(scenario: Path) -> None:
    """An invalid accounts.yaml raises one located line per problem, all at once."""
    with pytest.raises(SpecError) as raised:
        load_accounts(scenario / "accounts.yaml")
    issues = raised.value.issues
    assert all(issue.location is not None for issue in issues)
    assert [relative(str(issue), scenario) for issue in issues] == expected_lines(
        scenario / ERRORS_FILE
    )


@pytest.mark.parametrize("scenario", scenarios(ACCOUNT_SCENARIOS, ACCOUNTS_FILE))
def test_valid_accounts_file_resolves_to_the_expected_accounts(scenario: Path) -> None:
    """Defaults filled in (key variables, specs, config, shared, environment), URLs normalized."""
    accounts = load_accounts(scenario / "accounts.yaml")
    expected = json.loads((scenario / ACCOUNTS_FILE).read_text(encoding="utf-8"))
    assert [_described(a, scenario) for a in accounts.accounts] == expected


def test_the_matrix_lists_each_account_with_its_environment() -> None:
    """``matrix()`` is a GitHub Actions matrix: one include entry per account, in file order."""
    accounts = load_accounts(TWO_ACCOUNTS / "accounts.yaml")
    assert accounts.matrix() == {
        "include": [
            {
                "account": "acme-prod",
                "environment": "trackdrive-acme-prod",
                "public_key_env": "TRACKDRIVE_ACME_PROD_PUBLIC_KEY",
                "private_key_env": "TRACKDRIVE_ACME_PROD_PRIVATE_KEY",
            },
            {
                "account": "acme-staging",
                "environment": "staging",
                "public_key_env": "STAGING_PUBLIC",
                "private_key_env": "STAGING_PRIVATE",
            },
        ]
    }


def test_an_unknown_account_key_suggests_the_closest_one() -> None:
    """``get`` of a misspelt key is an AccountError with a "did you mean"."""
    accounts = load_accounts(TWO_ACCOUNTS / "accounts.yaml")
    with pytest.raises(AccountError) as raised:
        accounts.get("acme-prd")
    assert raised.value.message == (
        f"no account with the key 'acme-prd' in {TWO_ACCOUNTS / 'accounts.yaml'}; "
        "did you mean 'acme-prod'?"
    )
    assert raised.value.hint == "`reconciler accounts` lists them"


def test_accounts_yaml_is_found_only_at_the_given_root(tmp_path: Path) -> None:
    """No accounts.yaml in the root means None: one account, as before."""
    assert find_accounts(tmp_path) is None
    (tmp_path / "accounts.yaml").write_text("accounts: []\n", encoding="utf-8")
    assert find_accounts(tmp_path) == tmp_path / "accounts.yaml"


def test_a_symlink_leading_out_of_the_repository_is_refused(tmp_path: Path) -> None:
    """A specs directory that is a symlink to a directory outside the root is an error."""
    outside = tmp_path / "outside"
    (outside / "schedules.d").mkdir(parents=True)
    repo = tmp_path / "repo"
    repo.mkdir()
    (repo / "acme").symlink_to(outside, target_is_directory=True)
    (repo / "accounts.yaml").write_text(
        "accounts:\n  - key: acme\n    subdomain: acme\n", encoding="utf-8"
    )
    with pytest.raises(SpecError) as raised:
        load_accounts(repo / "accounts.yaml")
    assert [str(issue) for issue in raised.value.issues] == [
        f"{repo / 'accounts.yaml'}:2:5: 'acme/schedules.d' leads out of the repository "
        "through a symlink"
    ]


LAYER_SCENARIOS = FIXTURES / "layers"


def _layers(scenario: Path) -> list[Path]:
    """A layer scenario's spec directories, bottom first (they are named 1-…, 2-…)."""
    return sorted(p for p in scenario.iterdir() if p.is_dir())


def test_every_layer_scenario_states_one_expectation() -> None:
    """Each layering scenario holds at least two layers and exactly one expected file."""
    problems = []
    for directory in scenario_dirs(LAYER_SCENARIOS):
        found = [n for n in (ERRORS_FILE, SPECS_FILE) if (directory / n).is_file()]
        if len(found) != 1 or len(_layers(directory)) < 2:
            problems.append(f"{directory.name}: {found or 'no expected file'}")
    assert problems == []


@pytest.mark.parametrize("scenario", scenarios(LAYER_SCENARIOS, SPECS_FILE))
def test_layers_combine_to_exactly_the_expected_specs(scenario: Path) -> None:
    """A later layer replaces an earlier layer's spec of the same name whole; others add up."""
    layered = load_layers(_layers(scenario))
    assert [describe(s, scenario) for s in layered.specs.specs] == expected_lines(
        scenario / SPECS_FILE
    )


@pytest.mark.parametrize("scenario", scenarios(LAYER_SCENARIOS, ERRORS_FILE))
def test_invalid_layers_report_exactly_the_expected_lines(scenario: Path) -> None:
    """Problems in every layer, and ids pinned twice once combined, are reported at once."""
    with pytest.raises(SpecError) as raised:
        load_layers(_layers(scenario))
    assert [relative(str(issue), scenario) for issue in raised.value.issues] == expected_lines(
        scenario / ERRORS_FILE
    )


def test_overrides_name_the_replaced_spec_and_its_replacement() -> None:
    """``overrides`` pairs each replaced spec with the one that replaced it, by location."""
    scenario = LAYER_SCENARIOS / "override-by-name"
    layered = load_layers(_layers(scenario))
    assert [
        (relative(str(old.location), scenario), relative(str(new.location), scenario))
        for old, new in layered.overrides
    ] == [("1-shared/base.yaml:2:5", "2-account/acme.yaml:2:5")]


def test_one_layer_is_exactly_the_spec_loader() -> None:
    """Without shared directories, layering changes nothing: the same specs and files."""
    directory = FIXTURES / "specs" / "valid-full-example"
    assert load_layers([directory]).specs == load_specs(directory)
