"""Saved plans, --only and file errors: the guards an operator relies on."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from reconciler.cli import main
from tests.support.account import record, schedules
from tests.support.sandbox_server import RunningSandbox
from tests.support.steps import apply_saved, pin_rename, plan_to, write_config


def test_saved_plan_refused_on_another_account(
    account: RunningSandbox,
    specs_dir: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """A plan made against one account is refused when applied to another, before any write."""
    plan_file = tmp_path / "plan.json"
    plan_to(specs_dir, plan_file)
    other = ["--sandbox", "--sandbox-db", str(tmp_path / "other.sqlite3")]
    capsys.readouterr()
    assert apply_saved(plan_file, specs_dir, *other) == 1
    err = capsys.readouterr().err
    assert f"planned against {account.base_url}" in err
    assert "Applied" not in err


def test_saved_plan_refused_after_config_change(
    account: RunningSandbox,
    specs_dir: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """A plan made under one reconciler.yaml is refused once the config changed."""
    config = write_config(tmp_path, "prune: true\n")
    plan_file = tmp_path / "plan.json"
    plan_to(specs_dir, plan_file, "--config", str(config))
    config.write_text("prune: false\n")
    assert apply_saved(plan_file, specs_dir, "--config", str(config)) == 1
    assert "another reconciler.yaml" in capsys.readouterr().err


def test_safety_is_recomputed_not_read_from_the_plan_file(
    delete_limited_config: Path,
    specs_dir: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """Deleting the breaches from a saved plan by hand does not get past the thresholds."""
    config = delete_limited_config
    plan_file = tmp_path / "plan.json"
    plan_to(specs_dir, plan_file, "--config", str(config))
    data = json.loads(plan_file.read_text())
    assert data["breaches"]
    data["breaches"] = []
    plan_file.write_text(json.dumps(data))
    capsys.readouterr()
    assert apply_saved(plan_file, specs_dir, "--config", str(config)) == 1
    assert "exceed safety.max_deletes (1)" in capsys.readouterr().err


def test_only_never_turns_a_rename_into_a_delete(
    applied: RunningSandbox,
    specs_dir: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """--only narrows what is shown, after matching: a pinned rename stays a rename."""
    west = record(applied, "Solar - West")
    pin_rename(specs_dir / "solar.yaml", "Solar - West", "Renamed West", west["id"])
    config = write_config(tmp_path, "prune: true\n")
    args = ["plan", "--specs", str(specs_dir), "--config", str(config), "--only", "Solar - West"]
    assert main(args) == 0
    out = capsys.readouterr().out
    assert 'rename "Solar - West" → "Renamed West"' in out
    assert "0 to delete" in out
    assert "\n- delete" not in out


def test_only_with_a_bad_regex_is_a_usage_error(
    account: RunningSandbox, specs_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """An --only pattern that is not a valid regex exits 1 saying so."""
    assert main(["plan", "--specs", str(specs_dir), "--only", "("]) == 1
    assert "not a valid regex" in capsys.readouterr().err


def test_unwritable_out_is_one_line_not_a_traceback(
    account: RunningSandbox,
    specs_dir: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """plan --out pointing at a directory fails with one error line naming it."""
    assert main(["plan", "--specs", str(specs_dir), "--out", str(tmp_path)]) == 1
    err = capsys.readouterr().err
    assert "Traceback" not in err
    assert f"error: {tmp_path}" in err


def test_damaged_plan_file_is_refused_before_any_write(
    account: RunningSandbox,
    specs_dir: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """A hand-edited plan with an update of no fields is refused as damaged, nothing written."""
    plan_file = tmp_path / "plan.json"
    plan_to(specs_dir, plan_file)
    data = json.loads(plan_file.read_text())
    data["changes"][0]["action"] = "update"
    data["changes"][0]["id"] = 1
    data["changes"][0]["fields"] = {}
    plan_file.write_text(json.dumps(data))
    assert apply_saved(plan_file, specs_dir) == 1
    assert "damaged" in capsys.readouterr().err
    assert schedules(account) == []


def test_import_refuses_a_directory_with_specs(
    account: RunningSandbox, specs_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """import does not write new files beside existing specs (they would name schedules twice)."""
    before = sorted(p.name for p in specs_dir.iterdir())
    assert main(["import", "--out", str(specs_dir)]) == 1
    assert "already holds spec files" in capsys.readouterr().err
    assert sorted(p.name for p in specs_dir.iterdir()) == before
