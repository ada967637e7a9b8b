"""A saved plan meets a UI edit made after it was planned: apply refuses before any write.

The refusal for a schedule edited meanwhile is in tests/cli; these are the other edits.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.apply.scenario import live_names
from tests.support.account import record, ui_create, ui_delete
from tests.support.sandbox_server import RunningSandbox
from tests.support.steps import apply_saved, pin_rename, plan_to, replace_in

_WRITES = ("POST /api/v1/schedules", "PUT /api/v1/schedules/:id", "DELETE /api/v1/schedules/:id")


def _writes(sandbox: RunningSandbox) -> dict[str, int]:
    by_route: dict[str, int] = sandbox.stats()["by_route"]
    return {route: count for route, count in by_route.items() if route in _WRITES}


def _apply_refused(
    sandbox: RunningSandbox, specs_dir: Path, plan_file: Path, capsys: pytest.CaptureFixture[str]
) -> str:
    """Apply the saved plan; assert exit 1 and no write; return stderr."""
    sandbox.reset()  # zero the request counts, keep the schedules
    capsys.readouterr()
    assert apply_saved(plan_file, specs_dir) == 1
    err = capsys.readouterr().err
    assert "refusing to apply a stale plan" in err
    assert "tip: run `reconciler plan` again" in err
    assert "Traceback" not in err
    assert _writes(sandbox) == {}
    return err


def test_saved_plan_refused_when_its_schedule_was_deleted_meanwhile(
    applied: RunningSandbox,
    specs_dir: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """An update whose schedule was deleted in the UI meanwhile refuses the plan, naming it."""
    replace_in(specs_dir / "solar.yaml", "sortable_order: 10\n", "sortable_order: 11\n")
    plan_file = tmp_path / "plan.json"
    plan_to(specs_dir, plan_file)
    east = record(applied, "Solar - East")
    ui_delete(applied, east["id"])
    before = live_names(applied)
    err = _apply_refused(applied, specs_dir, plan_file, capsys)
    assert f'"Solar - East" (id {east["id"]}, deleted meanwhile)' in err
    assert live_names(applied) == before


def test_saved_plan_refused_when_its_create_appeared_meanwhile(
    applied: RunningSandbox,
    specs_dir: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """A create whose name was created in the UI meanwhile refuses the plan: no second copy."""
    (specs_dir / "north.yaml").write_text(
        "schedules:\n  - name: Solar - North\n    offer_id: 1001\n    paused: true\n"
    )
    plan_file = tmp_path / "plan.json"
    plan_to(specs_dir, plan_file)
    ui_create(applied, name="Solar - North")
    err = _apply_refused(applied, specs_dir, plan_file, capsys)
    assert '"Solar - North" (created on the account meanwhile)' in err
    assert live_names(applied).count("Solar - North") == 1


def test_saved_plan_refused_when_a_deleted_schedule_is_already_gone(
    applied: RunningSandbox,
    specs_dir: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """A delete (ensure: absent) whose schedule someone else deleted meanwhile is named too."""
    replace_in(
        specs_dir / "insurance.yaml",
        "  - name: Medicare - Overflow\n",
        "  - name: Medicare - Overflow\n    ensure: absent\n",
    )
    plan_file = tmp_path / "plan.json"
    plan_to(specs_dir, plan_file)
    medicare = record(applied, "Medicare - Overflow")
    ui_delete(applied, medicare["id"])
    err = _apply_refused(applied, specs_dir, plan_file, capsys)
    assert f'"Medicare - Overflow" (id {medicare["id"]}, deleted meanwhile)' in err


def test_saved_plan_refused_when_a_renames_new_name_appeared_meanwhile(
    applied: RunningSandbox,
    specs_dir: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """A rename onto a name created in the UI meanwhile refuses the plan, naming it."""
    west = record(applied, "Solar - West")
    pin_rename(specs_dir / "solar.yaml", "Solar - West", "Solar - Central", west["id"])
    plan_file = tmp_path / "plan.json"
    plan_to(specs_dir, plan_file)
    ui_create(applied, name="Solar - Central")
    applied.reset()
    capsys.readouterr()
    code = apply_saved(plan_file, specs_dir)
    err = capsys.readouterr().err
    assert live_names(applied).count("Solar - Central") == 1
    assert code == 1
    assert '"Solar - Central"' in err
    assert _writes(applied) == {}
