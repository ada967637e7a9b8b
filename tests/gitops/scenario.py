"""A pull request's world: base and head specs, and an account with drift already on it.

The account is the base specs applied, then "Solar - East" paused by hand in the UI (drift that
predates the PR). The PR's head moves "Solar - West" from sortable order 20 to 21. A plan of the
head with ``--base-specs`` must therefore show West under "Changes this PR makes" and East under
"Drift already on the account".
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from reconciler.cli import main
from tests.support.sandbox_server import RunningSandbox

EXAMPLES = Path(__file__).resolve().parents[2] / "schedules.d"


@dataclass(frozen=True)
class PullRequest:
    """A checkout as the plan workflow sees it: ``schedules.d/`` (head), ``base/schedules.d/``."""

    root: Path

    @property
    def head(self) -> Path:
        """The PR's specs."""
        return self.root / "schedules.d"

    @property
    def base(self) -> Path:
        """The base branch's specs."""
        return self.root / "base" / "schedules.d"


def make_pull_request(root: Path, sandbox: RunningSandbox) -> PullRequest:
    """Lay out the checkout under ``root`` and bring the account to the base specs plus drift."""
    pr = PullRequest(root)
    shutil.copytree(EXAMPLES, pr.base)
    shutil.copytree(EXAMPLES, pr.head)
    solar = pr.head / "solar.yaml"
    text = solar.read_text(encoding="utf-8")
    assert "sortable_order: 20\n" in text
    solar.write_text(text.replace("sortable_order: 20\n", "sortable_order: 21\n"), "utf-8")
    argv = ["apply", "--specs", str(pr.base), "--auto-approve", "--api-url", sandbox.base_url]
    with pytest.MonkeyPatch.context() as patch:
        for name, value in trackdrive_env(sandbox).items():
            patch.setenv(name, value)
        assert main(argv) == 0
    with sandbox.client() as http:
        records: list[dict[str, Any]] = http.get(
            "/api/v1/schedules", params={"per_page": 100}
        ).json()["schedules"]
        east = next(r for r in records if r["name"] == "Solar - East")
        http.put(f"/api/v1/schedules/{east['id']}", json={"paused": True}).raise_for_status()
    return pr


def trackdrive_env(sandbox: RunningSandbox) -> dict[str, str]:
    """The TrackDrive variables a workflow step gets, pointing at ``sandbox``."""
    return {
        "TRACKDRIVE_PUBLIC_KEY": sandbox.config.public_key,
        "TRACKDRIVE_PRIVATE_KEY": sandbox.config.private_key,
        "TRACKDRIVE_API_URL": sandbox.base_url,
    }
