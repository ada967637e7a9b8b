"""Fixtures for end-to-end command tests: a specs tree and an account to point at."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.support.sandbox_server import RunningSandbox

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
    monkeypatch.setenv("TRACKDRIVE_API_URL", sandbox.base_url)
    monkeypatch.setenv("TRACKDRIVE_PUBLIC_KEY", sandbox.config.public_key)
    monkeypatch.setenv("TRACKDRIVE_PRIVATE_KEY", sandbox.config.private_key)
    monkeypatch.delenv("TRACKDRIVE_SUBDOMAIN", raising=False)
    return sandbox
