"""A saved plan is re-derived: an edited plan file is refused, with nothing written.

Each test plans one update and one create against the sandbox, edits the saved file as someone
who can swap a CI artifact would, and applies it through the CLI.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from reconciler.cli import main
from reconciler.planfile import plan_schema, plan_to_data
from tests.support.sandbox_server import RunningSandbox
from tests.trust.test_render_sinks import hostile_plan

_WRITES = ("POST /api/v1/schedules", "PUT /api/v1/schedules/:id", "DELETE /api/v1/schedules/:id")


def _schedules(sandbox: RunningSandbox) -> list[dict[str, Any]]:
    with sandbox.client() as ui:
        answer = ui.get("/api/v1/schedules", params={"per_page": 100})
        answer.raise_for_status()
        records: list[dict[str, Any]] = answer.json()["schedules"]
    return records


def _saved_plan(specs_dir: Path, tmp_path: Path) -> tuple[Path, dict[str, Any]]:
    """Converge, then plan an update (Solar - East) and a create (Solar - North) to a file."""
    assert main(["apply", "--specs", str(specs_dir), "--auto-approve"]) == 0
    solar = specs_dir / "solar.yaml"
    solar.write_text(solar.read_text().replace("sortable_order: 10\n", "sortable_order: 11\n"))
    (specs_dir / "north.yaml").write_text(
        "schedules:\n  - name: Solar - North\n    offer_id: 1001\n    paused: true\n"
    )
    plan_file = tmp_path / "plan.json"
    assert main(["plan", "--specs", str(specs_dir), "--out", str(plan_file)]) == 0
    return plan_file, json.loads(plan_file.read_text())


def _refused(
    sandbox: RunningSandbox,
    specs_dir: Path,
    plan_file: Path,
    capsys: pytest.CaptureFixture[str],
) -> list[str]:
    """Apply the edited file: exit 1, no write, no traceback; return the error lines."""
    before = _schedules(sandbox)
    sandbox.reset()
    capsys.readouterr()
    assert main(["apply", str(plan_file), "--specs", str(specs_dir)]) == 1
    err = capsys.readouterr().err
    assert "Traceback" not in err
    by_route: dict[str, int] = sandbox.stats()["by_route"]
    assert {r: n for r, n in by_route.items() if r in _WRITES} == {}
    assert _schedules(sandbox) == before
    return [line for line in err.splitlines() if line.startswith(("error:", "tip:"))]


def _id_of(sandbox: RunningSandbox, name: str) -> int:
    return int(next(r["id"] for r in _schedules(sandbox) if r["name"] == name))


TIP = "tip: plan again and review the new plan; an edited plan file is never applied"


def _edit(data: dict[str, Any], change: Callable[[list[dict[str, Any]]], None]) -> str:
    change(data["changes"])
    return json.dumps(data)


def test_an_added_delete_is_refused(
    account: RunningSandbox, specs_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A delete slipped into the file, of a schedule no spec retires, is not applied."""
    plan_file, data = _saved_plan(specs_dir, tmp_path)
    west = _id_of(account, "Solar - West")
    delete = {
        "action": "delete",
        "name": "Solar - West",
        "id": west,
        "reason": "prune: no spec names it",
        "source": None,
        "fields": {"name": {"before": "Solar - West", "after": None}},
    }
    plan_file.write_text(_edit(data, lambda changes: changes.append(delete)))
    assert _refused(account, specs_dir, plan_file, capsys) == [
        f"error: {plan_file} is not the plan these specs and this account give now: change 3 "
        f'(delete "Solar - West" id {west}) is in the file but not planned now; nothing was '
        "applied",
        TIP,
    ]


def test_a_retargeted_update_is_refused(
    account: RunningSandbox, specs_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """An update pointed at another schedule's id is refused, naming both ids."""
    plan_file, data = _saved_plan(specs_dir, tmp_path)
    east = _id_of(account, "Solar - East")
    west = _id_of(account, "Solar - West")
    update = next(i for i, c in enumerate(data["changes"]) if c["action"] == "update")

    def retarget(changes: list[dict[str, Any]]) -> None:
        # The file already holds every live record's fingerprint, so the stale check passes.
        changes[update]["id"] = west

    plan_file.write_text(_edit(data, retarget))
    assert _refused(account, specs_dir, plan_file, capsys) == [
        f"error: {plan_file} is not the plan these specs and this account give now: change "
        f'{update + 1} (update "Solar - East" id {west}): id is {west} in the file, {east} '
        "when planned now; nothing was applied",
        TIP,
    ]


def test_an_added_field_is_refused(
    account: RunningSandbox, specs_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A field added to an update (a pause no spec asked for) is refused, naming the field."""
    plan_file, data = _saved_plan(specs_dir, tmp_path)
    east = _id_of(account, "Solar - East")
    update = next(i for i, c in enumerate(data["changes"]) if c["action"] == "update")

    def pause(changes: list[dict[str, Any]]) -> None:
        changes[update]["fields"]["paused"] = {"before": False, "after": True}

    plan_file.write_text(_edit(data, pause))
    assert _refused(account, specs_dir, plan_file, capsys) == [
        f"error: {plan_file} is not the plan these specs and this account give now: change "
        f'{update + 1} (update "Solar - East" id {east}): the file adds fields.paused = '
        '{"before": false, "after": true}; nothing was applied',
        TIP,
    ]


def test_a_duplicated_create_is_refused(
    account: RunningSandbox, specs_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A create listed twice would make two schedules; the file is refused instead."""
    plan_file, data = _saved_plan(specs_dir, tmp_path)
    create = next(c for c in data["changes"] if c["action"] == "create")
    plan_file.write_text(_edit(data, lambda changes: changes.append(dict(create))))
    assert _refused(account, specs_dir, plan_file, capsys) == [
        f"error: {plan_file} is not the plan these specs and this account give now: change 3 "
        '(create "Solar - North") is in the file but not planned now; nothing was applied',
        TIP,
    ]


def test_an_untouched_saved_plan_still_applies(
    account: RunningSandbox, specs_dir: Path, tmp_path: Path
) -> None:
    """Re-deriving refuses edits only: the file as written by plan --out applies."""
    plan_file, _ = _saved_plan(specs_dir, tmp_path)
    assert main(["apply", str(plan_file), "--specs", str(specs_dir)]) == 0
    names = {r["name"]: r for r in _schedules(account)}
    assert names["Solar - East"]["sortable_order"] in (11, "11", "11.0")
    assert "Solar - North" in names


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "[" * 100_000,
            "error: the plan file nests more than 16 levels deep (line 1, column 17); it is not "
            "a plan this tool wrote",
        ),
        (
            '{"format_version": 1, "evil": true}',
            "error: the plan file does not match the plan format at the top level: 'summary' is "
            "a required property",
        ),
    ],
)
def test_a_malformed_plan_file_is_a_one_line_error(
    account: RunningSandbox,
    specs_dir: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    text: str,
    message: str,
) -> None:
    """A deeply nested or mis-shaped file is refused before any value is read from it."""
    plan_file = tmp_path / "plan.json"
    plan_file.write_text(text)
    assert main(["apply", str(plan_file), "--specs", str(specs_dir)]) == 1
    err = capsys.readouterr().err
    assert "Traceback" not in err
    assert err.splitlines()[0] == message


def test_every_plan_written_matches_the_published_schema() -> None:
    """What ``plan --out`` writes, hostile names and ``only`` included, passes the schema."""
    plan = dataclasses.replace(
        hostile_plan("a\x1b]0;x\x07", "<b>"),
        only="^a",
        account="x",
        specs_digest="0" * 64,
        config_digest="1" * 64,
    )
    jsonschema.Draft202012Validator(plan_schema()).validate(plan_to_data(plan))
