"""Default settings against a server limited to 3 requests a second that the client is not told.

The client must find the limit itself: plan and apply succeed, every retry shows as one line
with its reason and wait, and the account converges. Nothing here depends on timing: the
outcome is asserted, not how many 429s the server happened to send.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from reconciler.cli import main
from tests.apply.scenario import schedules, write_specs
from tests.support.sandbox_server import RunningSandbox

_UPDATES = 20
_RETRY_LINE = re.compile(
    r"retrying (GET|PUT|POST|DELETE) \S+( \(.*\))? after \S.*, waiting \d+\.\d s \(\d+/8\)"
)


def test_plan_and_apply_complete_against_a_3_rps_limit_with_default_settings(
    account: RunningSandbox, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Plan exits 2 (changes), apply exits 0 and verifies, with no failed request."""
    account.seed_schedules([{"name": f"Slow {i:02}", "paused": False} for i in range(_UPDATES)])
    write_specs(
        tmp_path / "specs", [{"name": f"Slow {i:02}", "paused": True} for i in range(_UPDATES)]
    )
    args = ["--specs", str(tmp_path / "specs")]
    account.reset()
    account.set_faults(rate_limit_rps=3.0)
    try:
        planned = main(["plan", *args, "--detailed-exitcode"])
        plan_err = capsys.readouterr().err
        applied = main(["apply", *args, "--auto-approve", "--force"])  # 100% are updates
        apply_err = capsys.readouterr().err
    finally:
        account.set_faults(rate_limit_rps=None)
    assert (planned, applied) == (2, 0), plan_err + apply_err
    assert "error:" not in plan_err + apply_err
    assert f"Applied {_UPDATES}, failed 0, skipped 0" in apply_err
    assert "Verified: a fresh plan is empty." in apply_err
    retries = [line for line in (plan_err + apply_err).splitlines() if "retrying" in line]
    assert all(_RETRY_LINE.fullmatch(line) for line in retries), retries
    assert {bool(r["paused"]) for r in schedules(account)} == {True}
