"""Fixtures for end-to-end command tests: a specs tree and an account to point at."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.support.account import use_account
from tests.support.sandbox_server import RunningSandbox
from tests.support.steps import apply_specs, write_config

EXAMPLES = Path(__file__).resolve().parents[2] / "schedules.d"


@pytest.fixture
def specs_dir(tmp_path: Path) -> Path:
    """A copy of the example specs, free to edit."""
    target = tmp_path / "schedules.d"
    target.mkdir()
    for source in EXAMPLES.glob("*.yaml"):
        (target / source.name).write_text(source.read_text(encoding="utf-8"), encoding="utf-8")
    return target


@pytest.fixture
def account(sandbox: RunningSandbox, monkeypatch: pytest.MonkeyPatch) -> RunningSandbox:
    """The HTTP sandbox as the TrackDrive account, keys in the environment."""
    return use_account(sandbox, monkeypatch)


@pytest.fixture
def applied(
    account: RunningSandbox, specs_dir: Path, capsys: pytest.CaptureFixture[str]
) -> RunningSandbox:
    """``account`` once ``specs_dir`` (the examples) is applied to it; that apply's output dropped.

    The starting point of every "apply, then someone edits the specs or the UI" test.
    """
    apply_specs(specs_dir)
    capsys.readouterr()
    return account


@pytest.fixture
def delete_limited_config(applied: RunningSandbox, specs_dir: Path, tmp_path: Path) -> Path:
    """After ``applied``: solar.yaml removed (3 deletes to plan), under a config allowing 1.

    Returns the config's path (``tmp_path/reconciler.yaml``, prune on).
    """
    (specs_dir / "solar.yaml").unlink()
    return write_config(tmp_path, "prune: true\nsafety:\n  max_deletes: 1\n")
