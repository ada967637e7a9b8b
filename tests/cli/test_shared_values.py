"""A spec using description, defaults: and a merge key, through every command, on the sandbox.

validate (and --explain), plan, apply, drift, import --adopt and import --split offer each
see the same schedules, and the plan is empty after each step that should leave it so.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from reconciler.cli import main
from tests.support.golden import check_golden
from tests.support.sandbox_server import RunningSandbox

SPEC = """\
defaults: &solar
  offer_id: 1234
  lead_duplicate_timeframe: 3600
  description: |
    Solar leads, east coast.
    Owner: ops.
schedules:
  - name: Solar - East
    paused: false
  - <<: *solar
    name: Solar - West
    paused: true
    description: Solar leads, west coast.
  - name: Solar - Night
    <<: {sortable_order: 5, paused: false}
"""


def _plan(specs: Path, capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    capsys.readouterr()
    code = main(["plan", "--specs", str(specs), "--detailed-exitcode"])
    return code, capsys.readouterr().out


def test_description_defaults_and_merge_keys_round_trip_through_every_command(
    account: RunningSandbox,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """validate, plan, apply, drift, adopt and import agree; the plan is empty after each."""
    monkeypatch.chdir(tmp_path)
    specs = Path("schedules.d")
    specs.mkdir()
    spec_file = specs / "solar.yaml"
    spec_file.write_text(SPEC, encoding="utf-8")

    assert main(["validate", "--specs", str(specs), "--explain", "Solar - Night"]) == 0
    check_golden("explain-shared-values.txt", capsys.readouterr().out)

    code, planned = _plan(specs, capsys)
    assert code == 2
    assert "Plan: 3 to create, 0 to update, 0 to delete" in planned
    assert f"    offer_id: 1234  [{spec_file}:2:13]\n" in planned
    assert (
        '    description: "Solar leads, east coast.…" (2 lines, 36 characters)'
        f"  [{spec_file}:4:16]\n"
    ) in planned

    assert main(["apply", "--specs", str(specs), "--auto-approve"]) == 0
    code, planned = _plan(specs, capsys)
    assert (code, planned.splitlines()[0]) == (
        0,
        "No changes. The account matches the specs (3 unchanged, 0 unmanaged, 0 ignored).",
    )

    with account.client() as http:
        listed = http.get("/api/v1/schedules").json()["schedules"]
        by_name = {r["name"]: r for r in listed}
        assert by_name["Solar - East"]["description"] == "Solar leads, east coast.\nOwner: ops."
        east = by_name["Solar - East"]["id"]
        http.put(
            f"/api/v1/schedules/{east}",
            json={"offer_id": 999, "description": "Edited in the UI\r\n"},
        ).raise_for_status()
    assert main(["drift", "--specs", str(specs)]) == 2

    assert main(["import", "--out", str(specs), "--adopt"]) == 0
    assert spec_file.read_text(encoding="utf-8") == SPEC.replace(
        "    paused: false\n  - <<: *solar",
        "    paused: false\n    offer_id: 999\n    description: Edited in the UI\n  - <<: *solar",
    )
    assert _plan(specs, capsys)[0] == 0

    imported = Path("imported.d")
    assert main(["import", "--out", str(imported), "--split", "offer"]) == 0
    offer_file = (imported / "offer-1234.yaml").read_text(encoding="utf-8")
    assert "defaults:  # every schedule below has these, unless it sets its own\n" in offer_file
    assert "  offer_id: 1234\n" in offer_file
    assert _plan(imported, capsys)[0] == 0
