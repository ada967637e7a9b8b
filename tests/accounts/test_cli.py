"""The commands over accounts.yaml: --account, --all-accounts, `reconciler accounts`.

Two real sandbox servers stand for two TrackDrive accounts, each with its own keys, named in
accounts.yaml; the in-process sandbox (``--sandbox``) gives each account its own database.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from reconciler.cli import main
from reconciler.sandbox import SandboxConfig
from tests.support.sandbox_server import MakeSandbox, RunningSandbox

SHARED = """schedules:
  - name: Solar - East
    offer_id: 1001
    paused: false
  - name: Solar - West
    offer_id: 1001
"""
PROD = """schedules:
  - name: Roofing
    offer_id: 77
"""
STAGING = """schedules:
  - name: Solar - West
    offer_id: 1001
    paused: true
"""


def _write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def _repo(root: Path, accounts: str) -> Path:
    """A repository with shared specs and two accounts' own specs, and ``accounts``."""
    _write(root / "accounts.yaml", accounts)
    _write(root / "shared" / "schedules.d" / "solar.yaml", SHARED)
    _write(root / "prod" / "schedules.d" / "prod.yaml", PROD)
    _write(root / "staging" / "schedules.d" / "staging.yaml", STAGING)
    return root


SANDBOX_ACCOUNTS = """shared: [shared/schedules.d]
accounts:
  - key: prod
    subdomain: prod
  - key: staging
    subdomain: staging
"""


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A two-account repository as the working directory (for --sandbox)."""
    root = _repo(tmp_path / "repo", SANDBOX_ACCOUNTS)
    monkeypatch.chdir(root)
    return root


@pytest.fixture
def two_accounts(
    tmp_path: Path, make_sandbox: MakeSandbox, monkeypatch: pytest.MonkeyPatch
) -> tuple[RunningSandbox, RunningSandbox]:
    """Two sandbox servers with different keys, as accounts prod and staging in accounts.yaml."""
    prod = make_sandbox(SandboxConfig(public_key="prod-pub", private_key="prod-priv"))
    staging = make_sandbox(SandboxConfig(public_key="stg-pub", private_key="stg-priv"))
    accounts = f"""shared: [shared/schedules.d]
accounts:
  - key: prod
    api_url: {prod.base_url}
  - key: staging
    api_url: {staging.base_url}
    public_key_env: STAGING_PUBLIC
    private_key_env: STAGING_PRIVATE
"""
    monkeypatch.chdir(_repo(tmp_path / "repo", accounts))
    for name in ("TRACKDRIVE_PUBLIC_KEY", "TRACKDRIVE_PRIVATE_KEY", "TRACKDRIVE_API_URL"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("TRACKDRIVE_PROD_PUBLIC_KEY", "prod-pub")
    monkeypatch.setenv("TRACKDRIVE_PROD_PRIVATE_KEY", "prod-priv")
    monkeypatch.setenv("STAGING_PUBLIC", "stg-pub")
    monkeypatch.setenv("STAGING_PRIVATE", "stg-priv")
    return prod, staging


def _live_names(sandbox: RunningSandbox) -> list[str]:
    with sandbox.client() as http:
        records = http.get("/api/v1/schedules", auth=sandbox.auth).json()["schedules"]
    return sorted(r["name"] for r in records)


def test_accounts_json_is_a_github_actions_matrix(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`accounts --json` prints one line: include entries with account and environment."""
    assert main(["accounts", "--json"]) == 0
    assert json.loads(capsys.readouterr().out) == {
        "include": [
            {
                "account": "prod",
                "environment": "trackdrive-prod",
                "public_key_env": "TRACKDRIVE_PROD_PUBLIC_KEY",
                "private_key_env": "TRACKDRIVE_PROD_PRIVATE_KEY",
            },
            {
                "account": "staging",
                "environment": "trackdrive-staging",
                "public_key_env": "TRACKDRIVE_STAGING_PUBLIC_KEY",
                "private_key_env": "TRACKDRIVE_STAGING_PRIVATE_KEY",
            },
        ]
    }


def test_accounts_without_an_accounts_file_is_an_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Without accounts.yaml there is nothing to list: exit 1 and say why."""
    monkeypatch.chdir(tmp_path)
    assert main(["accounts"]) == 1
    assert capsys.readouterr().err.splitlines() == [
        "error: accounts.yaml does not exist: without it there is one account, chosen by "
        "--subdomain or --api-url",
        "tip: list several accounts in accounts.yaml (docs/accounts.md)",
    ]


def test_account_flag_without_an_accounts_file_is_an_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """--account with no accounts.yaml exits 1, naming the missing file."""
    monkeypatch.chdir(tmp_path)
    assert main(["plan", "--sandbox", "--account", "prod"]) == 1
    assert capsys.readouterr().err.splitlines()[0] == (
        "error: --account needs an accounts file, and accounts.yaml does not exist"
    )


def test_several_accounts_need_one_chosen(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """With two accounts and neither --account nor --all-accounts, plan says how to choose."""
    assert main(["plan", "--sandbox"]) == 1
    assert capsys.readouterr().err.splitlines() == [
        "error: accounts.yaml names 2 accounts (prod, staging): choose one with --account KEY "
        "or every one with --all-accounts"
    ]


def test_options_that_accounts_yaml_sets_are_refused(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """--specs beside accounts.yaml is a usage error (exit 1), not silently ignored."""
    assert main(["plan", "--sandbox", "--account", "prod", "--specs", "elsewhere"]) == 1
    assert (
        "accounts.yaml sets each account's specs, config and URL: drop --specs"
        in capsys.readouterr().err
    )


def test_validate_checks_every_account_and_reports_a_shared_problem_once(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """validate with accounts.yaml checks each account's layers; a shared error shows once."""
    assert main(["validate"]) == 0
    assert capsys.readouterr().err.splitlines() == [
        "ok: prod: 3 schedules in 2 files under shared/schedules.d, prod/schedules.d",
        "ok: staging: 2 schedules in 2 files under shared/schedules.d, staging/schedules.d "
        "(1 overriding a lower layer)",
    ]
    _write(
        repo / "shared" / "schedules.d" / "solar.yaml", "schedules:\n  - name: X\n    pasued: 1\n"
    )
    assert main(["validate"]) == 1
    assert capsys.readouterr().err.splitlines() == [
        "shared/schedules.d/solar.yaml:3:5: unknown key 'pasued' in 'X'; did you mean 'paused'?",
        "error: 1 problem in the specs",
        "tip: fix the lines above and run `reconciler validate` again",
    ]


def test_all_accounts_plan_reads_each_account_with_its_own_keys(
    two_accounts: tuple[RunningSandbox, RunningSandbox], capsys: pytest.CaptureFixture[str]
) -> None:
    """Each account is read with the keys its variables hold; the report ends with the total."""
    code = main(["plan", "--all-accounts", "--detailed-exitcode"])
    captured = capsys.readouterr()
    assert code == 2
    out = captured.out
    assert out.index("== prod: http://127.0.0.1") < out.index("== staging: http://127.0.0.1")
    assert out.splitlines()[-3:] == [
        "Total over 2 accounts: 2 with changes, 0 unchanged, 0 failed.",
        "  prod     3 to create, 0 to update, 0 to delete",
        "  staging  2 to create, 0 to update, 0 to delete",
    ]
    assert "[prod] Reading live schedules from http://127.0.0.1" in captured.err


def test_one_account_failing_does_not_hide_the_other(
    two_accounts: tuple[RunningSandbox, RunningSandbox],
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """Staging's keys missing: its error names its variables; prod's plan is shown; exit 1."""
    monkeypatch.delenv("STAGING_PRIVATE")
    code = main(["plan", "--all-accounts", "--detailed-exitcode"])
    captured = capsys.readouterr()
    assert code == 1
    assert "  prod     3 to create, 0 to update, 0 to delete" in captured.out
    assert (
        "[staging] error: missing STAGING_PRIVATE: set the TrackDrive API keys in the "
        "environment (never in a file in the repository)"
    ) in captured.err.splitlines()
    assert "Total over 2 accounts: 1 with changes, 0 unchanged, 1 failed." in captured.out


def test_apply_one_account_leaves_the_other_alone_and_drift_tells_them_apart(
    two_accounts: tuple[RunningSandbox, RunningSandbox], capsys: pytest.CaptureFixture[str]
) -> None:
    """apply --account prod writes prod only; drift --all-accounts then differs per account."""
    prod, staging = two_accounts
    assert main(["plan", "--all-accounts", "--out", "plans/{account}.json"]) == 0
    assert main(["apply", "plans/prod.json", "--account", "prod"]) == 0
    assert _live_names(prod) == ["Roofing", "Solar - East", "Solar - West"]
    assert _live_names(staging) == []
    capsys.readouterr()
    assert main(["drift", "--all-accounts"]) == 2
    lines = capsys.readouterr().out.splitlines()
    assert lines[-3:] == [
        "Total over 2 accounts: 1 drifted, 1 in sync, 0 failed.",
        "  prod     no drift",
        "  staging  2 missing",
    ]


def test_a_plan_saved_for_one_account_is_refused_for_another(
    two_accounts: tuple[RunningSandbox, RunningSandbox], capsys: pytest.CaptureFixture[str]
) -> None:
    """Applying prod's saved plan with --account staging is refused before any write."""
    prod, staging = two_accounts
    assert main(["plan", "--account", "prod", "--out", "prod-plan.json"]) == 0
    capsys.readouterr()
    assert main(["apply", "prod-plan.json", "--account", "staging"]) == 1
    assert capsys.readouterr().err.splitlines() == [
        f"error: prod-plan.json was planned against {prod.base_url}, not {staging.base_url}",
        "tip: apply it to the account it was planned for, or plan again",
    ]
    assert _live_names(staging) == []


def test_sandbox_gives_each_account_its_own_practice_database(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """--sandbox --all-accounts: one database per account; applying one leaves the other."""
    assert main(["plan", "--sandbox", "--all-accounts", "--out", "p/{account}.json"]) == 0
    assert (repo / ".reconciler" / "accounts" / "prod" / "sandbox.sqlite3").is_file()
    assert (repo / ".reconciler" / "accounts" / "staging" / "sandbox.sqlite3").is_file()
    assert main(["apply", "p/prod.json", "--sandbox", "--account", "prod"]) == 0
    capsys.readouterr()
    assert main(["plan", "--sandbox", "--all-accounts", "--detailed-exitcode"]) == 2
    assert capsys.readouterr().out.splitlines()[-3:] == [
        "Total over 2 accounts: 1 with changes, 1 unchanged, 0 failed.",
        "  prod     no changes",
        "  staging  0 to create, 1 to update, 0 to delete",
    ]


def test_all_accounts_out_must_name_each_accounts_file(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """--out without {account} would overwrite one file per account: a usage error."""
    assert main(["plan", "--sandbox", "--all-accounts", "--out", "plan.json"]) == 1
    assert capsys.readouterr().err == (
        "error: invalid value: with --all-accounts, --out must contain {account} (one file per "
        "account), e.g. --out plans/{account}.json\n"
        "tip: `reconciler plan --help` lists its options\n"
    )


def test_all_accounts_json_lists_each_account_and_the_total(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """--format json: one document, an entry per account with its plan, and the counts."""
    assert main(["plan", "--sandbox", "--all-accounts", "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert [(a["account"], a["status"]) for a in data["accounts"]] == [
        ("prod", "changes"),
        ("staging", "changes"),
    ]
    assert data["total"] == {"changes": 2, "none": 0, "error": 0}


EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "multi-account"


def test_the_two_account_example_plans_applies_and_drifts_per_account(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """examples/multi-account: valid; on sandboxes, each account applies and then converges."""
    root = tmp_path / "example"
    shutil.copytree(EXAMPLE, root)
    monkeypatch.chdir(root)
    assert main(["validate"]) == 0
    assert main(["plan", "--sandbox", "--all-accounts", "--out", "plans/{account}.json"]) == 0
    for key in ("acme-prod", "acme-staging"):
        assert main(["apply", f"plans/{key}.json", "--sandbox", "--account", key]) == 0
    capsys.readouterr()
    assert main(["plan", "--sandbox", "--all-accounts", "--detailed-exitcode"]) == 0
    assert capsys.readouterr().out.splitlines()[-3:] == [
        "Total over 2 accounts: 0 with changes, 2 unchanged, 0 failed.",
        "  acme-prod     no changes",
        "  acme-staging  no changes",
    ]
