"""``apply --journal FILE``: one JSON line per change outcome, appended, and never a secret."""

from __future__ import annotations

import base64
import json
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from reconciler.cli import main
from tests.apply.scenario import FAULT_SEED, PLANNED_CHANGES, build_scenario, schedules
from tests.support.account import use_account
from tests.support.sandbox_server import MakeSandbox, RunningSandbox

PUBLIC_KEY = "pk_journal_3c1f9a0b7d2e"
PRIVATE_KEY = "sk_journal_8e6d4c2a0f9b1357"


def _entries(journal: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in journal.read_text(encoding="utf-8").splitlines()]


@pytest.fixture
def keyed_account(make_sandbox: MakeSandbox, monkeypatch: pytest.MonkeyPatch) -> RunningSandbox:
    """The HTTP sandbox with keys distinctive enough to search for, in the environment."""
    sandbox = make_sandbox(public_key=PUBLIC_KEY, private_key=PRIVATE_KEY, seed_rng=FAULT_SEED)
    return use_account(sandbox, monkeypatch)


def test_journal_has_one_line_per_change_with_action_name_id_outcome(
    account: RunningSandbox, tmp_path: Path
) -> None:
    """Each change is one JSON line: its action, name, the schedule's id and the outcome."""
    scenario = build_scenario(account, tmp_path)
    before = {str(r["name"]): int(r["id"]) for r in schedules(account)}
    journal = tmp_path / "apply.jsonl"
    args = ["apply", *scenario.args(), "--auto-approve", "--journal", str(journal)]
    assert main(args) == 0
    after = {str(r["name"]): int(r["id"]) for r in schedules(account)}
    entries = _entries(journal)
    assert len(entries) == PLANNED_CHANGES
    for entry in entries:
        assert {"action", "name", "id", "outcome"} <= entry.keys()
        assert entry["outcome"] == "applied"
        assert entry["detail"] is None
        if entry["action"] == "delete":
            assert entry["id"] == before[entry["name"]]
            assert entry["name"] not in after
        else:
            assert entry["id"] == after[entry["name"]]  # a create records its new id
    assert Counter(e["action"] for e in entries) == {"create": 6, "update": 8, "delete": 5}
    assert len({e["name"] for e in entries}) == PLANNED_CHANGES


def test_journal_records_failures_with_the_api_message_and_appends(
    account: RunningSandbox, specs_dir: Path, tmp_path: Path
) -> None:
    """A failed change's line carries the API's message; the next run appends to the file."""
    (specs_dir / "long.yaml").write_text(f"schedules:\n  - name: {'L' * 300}\n")
    journal = tmp_path / "apply.jsonl"
    args = ["apply", "--specs", str(specs_dir), "--auto-approve", "--journal", str(journal)]
    assert main(args) == 1
    first = _entries(journal)
    failed = [e for e in first if e["outcome"] == "failed"]
    assert len(first) == 6
    assert [e["name"] for e in failed] == ["L" * 300]
    assert failed[0]["id"] is None
    assert "is too long (maximum is 255 characters)" in failed[0]["detail"]
    (specs_dir / "long.yaml").unlink()
    (specs_dir / "extra.yaml").write_text("schedules:\n  - name: Extra\n")
    assert main(args) == 0
    entries = _entries(journal)
    assert entries[: len(first)] == first
    assert [(e["action"], e["name"], e["outcome"]) for e in entries[len(first) :]] == [
        ("create", "Extra", "applied")
    ]


def test_journal_and_output_never_hold_the_keys(
    keyed_account: RunningSandbox,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """Neither key, nor the Basic credentials made of them, appears in the journal or output."""
    scenario = build_scenario(keyed_account, tmp_path)
    (scenario.specs / "long.yaml").write_text(f"schedules:\n  - name: {'K' * 300}\n")
    keyed_account.set_faults(error_rate=0.3, drop_after_commit_rate=0.3)
    journal = tmp_path / "apply.jsonl"
    main(["apply", *scenario.args(), "--auto-approve", "--journal", str(journal)])
    keyed_account.set_faults(error_rate=0.0, drop_after_commit_rate=0.0)
    text = journal.read_text(encoding="utf-8")
    captured = capsys.readouterr()
    basic = base64.b64encode(f"{PUBLIC_KEY}:{PRIVATE_KEY}".encode()).decode()
    assert len(_entries(journal)) == PLANNED_CHANGES + 1
    assert any(e["outcome"] == "failed" for e in _entries(journal))
    for secret in (PUBLIC_KEY, PRIVATE_KEY, basic):
        assert secret not in text
        assert secret not in captured.err + captured.out
