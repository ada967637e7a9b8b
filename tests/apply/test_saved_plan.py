"""A saved plan meets a UI edit made after it was planned: apply refuses before any write.

The refusal for a schedule edited meanwhile is in tests/cli; these are the other edits.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from reconciler.cli import main
from tests.apply.scenario import live_names, schedules
from tests.support.sandbox_server import RunningSandbox

_WRITES = ("POST /api/v1/schedules", "PUT /api/v1/schedules/:id", "DELETE /api/v1/schedules/:id")


def _writes(sandbox: RunningSandbox) -> dict[str, int]:
    by_route: dict[str, int] = sandbox.stats()["by_route"]
    return {route: count for route, count in by_route.items() if route in _WRITES}


def _record(sandbox: RunningSandbox, name: str) -> dict[str, Any]:
    return next(r for r in schedules(sandbox) if r["name"] == name)


def _plan_saved(specs_dir: Path, plan_file: Path) -> None:
    assert main(["plan", "--specs", str(specs_dir), "--out", str(plan_file)]) == 0


def _apply_refused(
    sandbox: RunningSandbox, specs_dir: Path, plan_file: Path, capsys: pytest.CaptureFixture[str]
) -> str:
    """Apply the saved plan; assert exit 1 and no write; return stderr."""
    sandbox.reset()  # zero the request counts, keep the schedules
    capsys.readouterr()
    assert main(["apply", str(plan_file), "--specs", str(specs_dir)]) == 1
    err = capsys.readouterr().err
    assert "refusing to apply a stale plan" in err
    assert "tip: run `reconciler plan` again" in err
    assert "Traceback" not in err
    assert _writes(sandbox) == {}
    return err


def test_saved_plan_refused_when_its_schedule_was_deleted_meanwhile(
    account: RunningSandbox,
    specs_dir: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """An update whose schedule was deleted in the UI meanwhile refuses the plan, naming it."""
    assert main(["apply", "--specs", str(specs_dir), "--auto-approve"]) == 0
    solar = specs_dir / "solar.yaml"
    solar.write_text(solar.read_text().replace("sortable_order: 10\n", "sortable_order: 11\n"))
    plan_file = tmp_path / "plan.json"
    _plan_saved(specs_dir, plan_file)
    east = _record(account, "Solar - East")
    with account.client() as ui:
        ui.delete(f"/api/v1/schedules/{east['id']}").raise_for_status()
    before = live_names(account)
    err = _apply_refused(account, specs_dir, plan_file, capsys)
    assert f'"Solar - East" (id {east["id"]}, deleted meanwhile)' in err
    assert live_names(account) == before


def test_saved_plan_refused_when_its_create_appeared_meanwhile(
    account: RunningSandbox,
    specs_dir: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """A create whose name was created in the UI meanwhile refuses the plan: no second copy."""
    assert main(["apply", "--specs", str(specs_dir), "--auto-approve"]) == 0
    (specs_dir / "north.yaml").write_text(
        "schedules:\n  - name: Solar - North\n    offer_id: 1001\n    paused: true\n"
    )
    plan_file = tmp_path / "plan.json"
    _plan_saved(specs_dir, plan_file)
    with account.client() as ui:
        ui.post("/api/v1/schedules", json={"name": "Solar - North"}).raise_for_status()
    err = _apply_refused(account, specs_dir, plan_file, capsys)
    assert '"Solar - North" (created on the account meanwhile)' in err
    assert live_names(account).count("Solar - North") == 1


def test_saved_plan_refused_when_a_deleted_schedule_is_already_gone(
    account: RunningSandbox,
    specs_dir: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """A delete (ensure: absent) whose schedule someone else deleted meanwhile is named too."""
    assert main(["apply", "--specs", str(specs_dir), "--auto-approve"]) == 0
    insurance = specs_dir / "insurance.yaml"
    insurance.write_text(
        insurance.read_text().replace(
            "  - name: Medicare - Overflow\n", "  - name: Medicare - Overflow\n    ensure: absent\n"
        )
    )
    plan_file = tmp_path / "plan.json"
    _plan_saved(specs_dir, plan_file)
    medicare = _record(account, "Medicare - Overflow")
    with account.client() as ui:
        ui.delete(f"/api/v1/schedules/{medicare['id']}").raise_for_status()
    err = _apply_refused(account, specs_dir, plan_file, capsys)
    assert f'"Medicare - Overflow" (id {medicare["id"]}, deleted meanwhile)' in err


def test_saved_plan_refused_when_a_renames_new_name_appeared_meanwhile(
    account: RunningSandbox,
    specs_dir: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """A rename onto a name created in the UI meanwhile refuses the plan, naming it."""
    assert main(["apply", "--specs", str(specs_dir), "--auto-approve"]) == 0
    west = _record(account, "Solar - West")
    solar = specs_dir / "solar.yaml"
    solar.write_text(
        solar.read_text().replace(
            "  - name: Solar - West\n", f"  - name: Solar - Central\n    id: {west['id']}\n"
        )
    )
    plan_file = tmp_path / "plan.json"
    _plan_saved(specs_dir, plan_file)
    with account.client() as ui:
        ui.post("/api/v1/schedules", json={"name": "Solar - Central"}).raise_for_status()
    account.reset()
    capsys.readouterr()
    code = main(["apply", str(plan_file), "--specs", str(specs_dir)])
    err = capsys.readouterr().err
    assert live_names(account).count("Solar - Central") == 1
    assert code == 1
    assert '"Solar - Central"' in err
    assert _writes(account) == {}
