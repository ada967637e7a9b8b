"""Honest drift: exit 2 only for what apply would change, unmanaged schedules reported apart.

An account always holds schedules that are not in git; they are listed (counted, folded away in
Markdown) but are drift only with ``prune: true`` (apply would delete them) or when
``reconciler.yaml`` says ``drift: {unmanaged: fail}``. Against a real sandbox over HTTP.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from reconciler.cli import main
from tests.support.sandbox_server import RunningSandbox

EXAMPLES = Path(__file__).resolve().parents[2] / "schedules.d"


@pytest.fixture
def specs_dir(tmp_path: Path) -> Path:
    """A copy of the example specs, with no reconciler.yaml beside it."""
    target = tmp_path / "repo" / "schedules.d"
    target.mkdir(parents=True)
    for source in EXAMPLES.glob("*.yaml"):
        (target / source.name).write_text(source.read_text(encoding="utf-8"), encoding="utf-8")
    return target


@pytest.fixture
def applied(
    sandbox: RunningSandbox, specs_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> RunningSandbox:
    """The account with the examples applied, plus two schedules made in the UI (unmanaged)."""
    monkeypatch.setenv("TRACKDRIVE_API_URL", sandbox.base_url)
    monkeypatch.setenv("TRACKDRIVE_PUBLIC_KEY", sandbox.config.public_key)
    monkeypatch.setenv("TRACKDRIVE_PRIVATE_KEY", sandbox.config.private_key)
    monkeypatch.delenv("TRACKDRIVE_SUBDOMAIN", raising=False)
    assert main(["apply", "--specs", str(specs_dir), "--auto-approve"]) == 0
    sandbox.seed_schedules([{"name": "Made in the UI"}, {"name": "Also by hand"}])
    return sandbox


def _config(specs_dir: Path, text: str) -> None:
    (specs_dir.parent / "reconciler.yaml").write_text(text, encoding="utf-8")


def _ui_edit(sandbox: RunningSandbox, name: str, **fields: Any) -> None:
    with sandbox.client() as http:
        records = http.get("/api/v1/schedules", params={"per_page": 100}).json()["schedules"]
        record = next(r for r in records if r["name"] == name)
        http.put(f"/api/v1/schedules/{record['id']}", json=fields).raise_for_status()


def test_unmanaged_alone_is_not_drift_by_default(
    applied: RunningSandbox, specs_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Unmanaged schedules with prune off: exit 0, one line that still counts them."""
    capsys.readouterr()
    assert main(["drift", "--specs", str(specs_dir)]) == 0
    assert capsys.readouterr().out == (
        "No drift: the account matches the specs (5 in sync; 2 live schedules are in no spec: "
        "reported, not drift (prune is off)).\n"
    )


def test_unmanaged_alone_markdown_lists_them_folded(
    applied: RunningSandbox, specs_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The Markdown report of a clean account still lists the unmanaged ones, in <details>."""
    capsys.readouterr()
    assert main(["drift", "--specs", str(specs_dir), "--format", "markdown"]) == 0
    out = capsys.readouterr().out
    assert out.splitlines()[:4] == [
        "<!-- trackdrive-reconciler:drift -->",
        "### TrackDrive drift: 0 changed, 0 missing, 0 present despite ensure: absent, "
        "2 unmanaged (5 in sync, 0 ignored)",
        "",
        "No drift: the account matches the specs.",
    ]
    assert "#### Unmanaged (live, in no spec) (2)" in out
    assert "_2 live schedules are in no spec: reported, not drift (prune is off)._" in out
    folded = out[out.index("<details><summary>show 2</summary>") : out.index("</details>")]
    assert "- Made in the UI (id " in folded
    assert "- Also by hand (id " in folded


def test_unmanaged_is_drift_when_prune_is_on(
    applied: RunningSandbox, specs_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """With prune: true apply would delete them, so they are drift: exit 2."""
    _config(specs_dir, "prune: true\n")
    capsys.readouterr()
    assert main(["drift", "--specs", str(specs_dir), "--format", "json"]) == 2
    data = json.loads(capsys.readouterr().out)
    assert (data["drift"], data["unmanaged_is_drift"]) == (True, True)
    assert sorted(i["name"] for i in data["unmanaged"]) == ["Also by hand", "Made in the UI"]


def test_unmanaged_is_drift_when_the_config_opts_in(
    applied: RunningSandbox, specs_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """drift: {unmanaged: fail} makes unmanaged schedules drift with prune off."""
    _config(specs_dir, "drift:\n  unmanaged: fail\n")
    capsys.readouterr()
    assert main(["drift", "--specs", str(specs_dir)]) == 2
    out = capsys.readouterr().out
    assert out.splitlines()[0] == (
        "Drift: 0 changed, 0 missing, 0 present despite ensure: absent, 2 unmanaged "
        "(5 in sync, 0 ignored)."
    )
    assert '? unmanaged "Made in the UI" (id ' in out


def test_a_changed_managed_schedule_is_drift_beside_unmanaged(
    applied: RunningSandbox, specs_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A UI edit of a managed schedule exits 2 with prune off; reverting it exits 0 again."""
    _ui_edit(applied, "Solar - West", paused=True)
    capsys.readouterr()
    assert main(["drift", "--specs", str(specs_dir), "--format", "json"]) == 2
    data = json.loads(capsys.readouterr().out)
    assert data["summary"]["changed"] == 1
    assert data["summary"]["unmanaged"] == 2
    assert (data["drift"], data["unmanaged_is_drift"]) == (True, False)
    _ui_edit(applied, "Solar - West", paused=False)
    assert main(["drift", "--specs", str(specs_dir)]) == 0


def test_a_missing_managed_schedule_is_drift(
    applied: RunningSandbox, specs_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A schedule deleted in the UI that a spec names is drift: exit 2, listed as missing."""
    with applied.client() as http:
        records = http.get("/api/v1/schedules", params={"per_page": 100}).json()["schedules"]
        east = next(r for r in records if r["name"] == "Solar - East")
        http.delete(f"/api/v1/schedules/{east['id']}").raise_for_status()
    capsys.readouterr()
    assert main(["drift", "--specs", str(specs_dir), "--format", "json"]) == 2
    data = json.loads(capsys.readouterr().out)
    assert [i["name"] for i in data["missing"]] == ["Solar - East"]
