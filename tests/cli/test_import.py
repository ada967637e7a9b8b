"""reconciler import (and --adopt) end to end, against a real sandbox over HTTP."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from reconciler.cli import main
from tests.support.sandbox_server import RunningSandbox


def _records(count: int) -> list[dict[str, Any]]:
    return [
        {
            "name": f"Campaign {i:03d}",
            "offer_id": 1000 + i % 7,
            "paused": i % 3 == 0,
            "sortable_order": f"{i}.5",
            "lead_duplicate_timeframe": 60 * i,
        }
        for i in range(count)
    ]


@pytest.mark.parametrize("count", [0, 1, 300])
def test_import_then_plan_is_empty(
    account: RunningSandbox, tmp_path: Path, count: int, capsys: pytest.CaptureFixture[str]
) -> None:
    """Importing an account of 0, 1 or 300 schedules gives specs whose plan is empty."""
    account.seed_schedules(_records(count))
    out = tmp_path / "schedules.d"
    assert main(["import", "--out", str(out)]) == 0
    assert (out / "schedules.yaml").is_file()
    capsys.readouterr()
    assert main(["plan", "--specs", str(out), "--detailed-exitcode"]) == 0
    assert "No changes" in capsys.readouterr().out


def test_import_pins_ids_for_repeated_names(
    account: RunningSandbox, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Two live schedules with one name are imported with their ids pinned; plan is empty."""
    seeded = account.seed_schedules([{"name": "Twin"}, {"name": "Twin"}])
    out = tmp_path / "schedules.d"
    assert main(["import", "--out", str(out)]) == 0
    text = (out / "schedules.yaml").read_text()
    for record in seeded:
        assert f"id: {record['id']}" in text
    assert main(["plan", "--specs", str(out), "--detailed-exitcode"]) == 0


def test_import_refuses_to_overwrite(
    account: RunningSandbox, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """An existing spec file is never overwritten without --adopt."""
    out = tmp_path / "schedules.d"
    out.mkdir()
    (out / "schedules.yaml").write_text("schedules: []\n# mine\n")
    assert main(["import", "--out", str(out)]) == 1
    errors = [e for e in capsys.readouterr().err.splitlines() if e.startswith(("error:", "tip:"))]
    assert errors == [
        f"error: refusing to import into {out}: it already holds spec files "
        f"({out / 'schedules.yaml'}), and new files beside them would name the same schedules "
        "twice",
        "tip: use --adopt to update existing specs in place, or choose an empty --out",
    ]
    assert (out / "schedules.yaml").read_text() == "schedules: []\n# mine\n"


def test_adopt_writes_ui_edit_into_yaml_keeping_comments(
    account: RunningSandbox, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """--adopt turns a UI edit into a YAML change that keeps every comment; plan is then empty."""
    (seeded,) = account.seed_schedules([{"name": "Solar", "paused": False}])
    specs = tmp_path / "schedules.d"
    specs.mkdir()
    original = (
        "# the solar campaign\n"
        "schedules:\n"
        "  - name: Solar  # east coast\n"
        "    paused: false  # keep running\n"
    )
    (specs / "solar.yaml").write_text(original)
    with account.client() as http:
        http.put(f"/api/v1/schedules/{seeded['id']}", json={"paused": True}).raise_for_status()
    assert main(["drift", "--specs", str(specs)]) == 2
    assert main(["import", "--out", str(specs), "--adopt"]) == 0
    assert "paused false → true" in capsys.readouterr().err
    assert (specs / "solar.yaml").read_text() == original.replace(
        "paused: false  # keep running", "paused: true   # keep running"
    )
    assert main(["plan", "--specs", str(specs), "--detailed-exitcode"]) == 0
