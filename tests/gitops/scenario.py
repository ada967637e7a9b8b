"""A pull request's world: base and head specs, and an account with drift already on it.

The account is the base specs applied, then "Solar - East" paused by hand in the UI (drift that
predates the PR). The PR's head moves "Solar - West" from sortable order 20 to 21. A plan of the
head with ``--base-specs`` must therefore show West under "Changes this PR makes" and East under
"Drift already on the account".
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest

from reconciler.gitops.comment import PLAN_MARKER
from tests.support.account import record, ui_edit
from tests.support.sandbox_server import RunningSandbox
from tests.support.steps import apply_specs, copy_specs, replace_in

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
    copy_specs(EXAMPLES, pr.base)
    copy_specs(EXAMPLES, pr.head)
    replace_in(pr.head / "solar.yaml", "sortable_order: 20\n", "sortable_order: 21\n")
    with pytest.MonkeyPatch.context() as patch:
        for name, value in trackdrive_env(sandbox).items():
            patch.setenv(name, value)
        apply_specs(pr.base, "--api-url", sandbox.base_url)
    ui_edit(sandbox, record(sandbox, "Solar - East")["id"], paused=True)
    return pr


def assert_west_is_the_prs_change_and_east_is_drift(body: str) -> None:
    """The plan comment of this PR: West under its own changes, East under the older drift."""
    assert body.startswith(PLAN_MARKER)
    own, _, drift = body.partition("Drift already on the account")
    assert "### Changes this PR makes: 0 to create, 1 to update, 0 to delete" in own
    assert "Solar \\- West" in own
    assert "Solar \\- East" not in own
    assert "Solar \\- East" in drift
    assert "Solar \\- West" not in drift


def trackdrive_env(sandbox: RunningSandbox) -> dict[str, str]:
    """The TrackDrive variables a workflow step gets, pointing at ``sandbox``."""
    return {
        "TRACKDRIVE_PUBLIC_KEY": sandbox.config.public_key,
        "TRACKDRIVE_PRIVATE_KEY": sandbox.config.private_key,
        "TRACKDRIVE_API_URL": sandbox.base_url,
    }
