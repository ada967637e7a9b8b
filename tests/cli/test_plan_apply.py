"""plan → apply → plan through the command line, against a real sandbox over HTTP."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest

from reconciler.cli import main
from tests.support.account import record, schedules, ui_edit
from tests.support.sandbox_server import RunningSandbox
from tests.support.steps import apply_saved, apply_specs, copy_specs, plan_to, replace_in


def test_plan_apply_plan_converges(
    account: RunningSandbox, specs_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Applying the examples to an empty account leaves a plan with no changes."""
    assert main(["plan", "--specs", str(specs_dir), "--detailed-exitcode"]) == 2
    assert "5 to create" in capsys.readouterr().out
    assert main(["apply", "--specs", str(specs_dir), "--auto-approve"]) == 0
    captured = capsys.readouterr()
    assert "Verified: a fresh plan is empty." in captured.err
    assert main(["plan", "--specs", str(specs_dir), "--detailed-exitcode"]) == 0
    assert "No changes" in capsys.readouterr().out
    names = sorted(r["name"] for r in schedules(account))
    assert names == [
        "Auto Insurance - Inbound",
        "Medicare - Overflow",
        "Solar - East",
        "Solar - Texas Weekend",
        "Solar - West",
    ]


def test_create_sets_put_only_fields(account: RunningSandbox, specs_dir: Path) -> None:
    """A create also sets sortable_order and lead_duplicate_timeframe (the PUT-only fields)."""
    apply_specs(specs_dir)
    records = {r["name"]: r for r in schedules(account)}
    east, weekend = records["Solar - East"], records["Solar - Texas Weekend"]
    # TrackDrive sends decimals as JSON strings: compared as exact decimals, never floats.
    assert Decimal(east["sortable_order"]) == Decimal("10")
    assert Decimal(weekend["sortable_order"]) == Decimal("25.5")
    assert east["lead_duplicate_timeframe"] == 2592000


def test_apply_without_tty_needs_auto_approve(
    account: RunningSandbox, specs_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """With no terminal to ask on, apply refuses without --auto-approve and writes nothing."""
    assert main(["apply", "--specs", str(specs_dir)]) == 1
    assert "--auto-approve" in capsys.readouterr().err
    assert schedules(account) == []


def test_saved_plan_refused_after_ui_edit(
    applied: RunningSandbox,
    specs_dir: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """A UI edit between plan and apply makes apply refuse the saved plan, naming the schedule."""
    east = record(applied, "Solar - East")
    replace_in(specs_dir / "solar.yaml", "sortable_order: 10\n", "sortable_order: 11\n")
    plan_file = tmp_path / "plan.json"
    plan_to(specs_dir, plan_file)
    ui_edit(applied, east["id"], paused=True)
    capsys.readouterr()
    assert apply_saved(plan_file, specs_dir) == 1
    err = capsys.readouterr().err
    assert "stale plan" in err
    assert '"Solar - East"' in err
    after = next(r for r in schedules(applied) if r["id"] == east["id"])
    assert Decimal(after["sortable_order"]) == Decimal("10")


def test_saved_plan_refused_when_specs_changed(
    account: RunningSandbox,
    specs_dir: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """A saved plan whose specs changed since is refused before any write."""
    plan_file = tmp_path / "plan.json"
    assert main(["plan", "--specs", str(specs_dir), "--out", str(plan_file)]) == 0
    (specs_dir / "insurance.yaml").unlink()
    assert apply_saved(plan_file, specs_dir) == 1
    assert "other specs" in capsys.readouterr().err
    assert schedules(account) == []


def test_saved_plan_applies_exactly(
    account: RunningSandbox, specs_dir: Path, tmp_path: Path
) -> None:
    """A saved plan applies without asking and the JSON file is the documented format."""
    plan_file = tmp_path / "plan.json"
    assert main(["plan", "--specs", str(specs_dir), "--out", str(plan_file)]) == 0
    data = json.loads(plan_file.read_text())
    assert data["format_version"] == 1
    assert data["summary"]["create"] == 5
    assert apply_saved(plan_file, specs_dir) == 0
    assert len(schedules(account)) == 5


def test_delete_threshold_needs_force(
    applied: RunningSandbox,
    delete_limited_config: Path,
    specs_dir: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """More deletes than safety.max_deletes refuse the apply, naming --force; --force applies."""
    config = delete_limited_config
    args = ["apply", "--specs", str(specs_dir), "--config", str(config), "--auto-approve"]
    assert main(args) == 1
    err = capsys.readouterr().err
    assert "3 deletes exceed safety.max_deletes (1)" in err
    assert "--force" in err
    assert len(schedules(applied)) == 5
    assert main([*args, "--force"]) == 0
    assert len(schedules(applied)) == 2


def test_missing_credentials_named(
    specs_dir: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Without keys, plan exits 1 naming the variables to set, with no traceback."""
    for name in (
        "TRACKDRIVE_PUBLIC_KEY",
        "TRACKDRIVE_PRIVATE_KEY",
        "TRACKDRIVE_SUBDOMAIN",
        "TRACKDRIVE_API_URL",
    ):
        monkeypatch.delenv(name, raising=False)
    assert main(["plan", "--specs", str(specs_dir)]) == 1
    err = capsys.readouterr().err
    assert "TRACKDRIVE_PUBLIC_KEY" in err
    assert "--subdomain" in err
    assert "Traceback" not in err


def test_wrong_credentials_clear_and_secret_free(
    account: RunningSandbox,
    specs_dir: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """Wrong keys give one line naming the variables to check, never the key itself."""
    monkeypatch.setenv("TRACKDRIVE_PRIVATE_KEY", "wrong-secret-value-123")
    assert main(["plan", "--specs", str(specs_dir)]) == 1
    captured = capsys.readouterr()
    assert "TRACKDRIVE_PRIVATE_KEY" in captured.err
    assert "wrong-secret-value-123" not in captured.err + captured.out
    assert "Traceback" not in captured.err


def test_drift_reports_ui_edit(
    applied: RunningSandbox, specs_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A pause made in the UI shows as drift (exit 2) with the spec and live values."""
    assert main(["drift", "--specs", str(specs_dir)]) == 0
    ui_edit(applied, record(applied, "Solar - West")["id"], paused=True)
    capsys.readouterr()
    assert main(["drift", "--specs", str(specs_dir)]) == 2
    out = capsys.readouterr().out
    assert 'changed "Solar - West"' in out
    assert "Changed fields read live → spec (what apply would set)." in out
    assert "    paused: true → false\n" in out
    assert main(["drift", "--specs", str(specs_dir), "--format", "json"]) == 2
    data = json.loads(capsys.readouterr().out)
    assert data["summary"]["changed"] == 1
    assert data["changed"][0]["fields"]["paused"] == {"spec": False, "live": True}
    assert "paused_at" in data["changed"][0]["audit"]


def test_in_process_sandbox_round_trip(
    specs_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """--sandbox plans and applies against a local state file with no server running."""
    target = ["--sandbox", "--sandbox-db", str(tmp_path / "state.sqlite3")]
    assert main(["apply", "--specs", str(specs_dir), *target, "--auto-approve"]) == 0
    assert main(["plan", "--specs", str(specs_dir), *target, "--detailed-exitcode"]) == 0
    assert "No changes" in capsys.readouterr().out


def test_plan_formats_agree(
    account: RunningSandbox, specs_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Text, Markdown and JSON plans report the same counts."""
    outputs = {}
    for fmt in ("text", "markdown", "json"):
        assert main(["plan", "--specs", str(specs_dir), "--format", fmt]) == 0
        outputs[fmt] = capsys.readouterr().out
    assert "5 to create, 0 to update, 0 to delete" in outputs["text"]
    assert "5 to create, 0 to update, 0 to delete" in outputs["markdown"]
    assert json.loads(outputs["json"])["summary"]["create"] == 5


def test_base_specs_split_pr_changes_from_existing_drift(
    applied: RunningSandbox,
    specs_dir: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """With --base-specs the comment separates this PR's changes from drift already live."""
    ui_edit(applied, record(applied, "Solar - West")["id"], paused=True)
    base = copy_specs(specs_dir, tmp_path / "base")
    replace_in(specs_dir / "solar.yaml", "sortable_order: 10\n", "sortable_order: 11\n")
    args = ["plan", "--specs", str(specs_dir), "--base-specs", str(base), "--format", "markdown"]
    assert main(args) == 0
    out = capsys.readouterr().out
    assert out.startswith("<!-- trackdrive-reconciler:plan -->")
    own, _, drift = out.partition("Drift already on the account")
    assert "Solar \\- East" in own
    assert "`sortable_order` 10 → 11" in own
    assert "Solar \\- West" not in own
    assert "Solar \\- West" in drift
    assert "`paused` true → false" in drift
