"""The fault matrix: ``reconciler apply`` through ``main`` against the HTTP sandbox's faults.

Under each fault the first apply either exits 0 with a verified empty plan, or exits 1 having
printed one result line per change, such that everything a fresh plan still wants is among the
changes it reported as failed or skipped, and nothing it reported applied is. A second apply
with the faults off then converges, and no name is ever held by two schedules.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any

import pytest
import stamina

from reconciler.cli import main
from tests.apply.scenario import (
    FAULTS_OFF,
    FINAL_NAMES,
    PLANNED_CHANGES,
    Scenario,
    build_scenario,
    duplicated_names,
    live_names,
    reported,
)
from tests.support.sandbox_server import RunningSandbox

# The switch set for each row, and the stats counter that proves the fault was met.
MATRIX: dict[str, tuple[dict[str, Any], str | None]] = {
    # With the fixture's counting clock a 2 rps bucket throttles about one request in ten
    # after the first ten, however fast the machine runs (see ``faulty_account``).
    "429 bursts": ({"rate_limit_rps": 2.0}, "throttled"),
    "random 5xx": ({"error_rate": 0.3}, "errors_injected"),
    "random 5xx, often": ({"error_rate": 0.6}, "errors_injected"),
    "responses dropped after commit": ({"drop_after_commit_rate": 0.3}, "dropped_after_commit"),
    "responses dropped after commit, often": (
        {"drop_after_commit_rate": 0.7},
        "dropped_after_commit",
    ),
    "latency": ({"latency_ms": 20}, None),
    "all at once": (
        {
            "rate_limit_rps": 60.0,
            "error_rate": 0.15,
            "drop_after_commit_rate": 0.2,
            "latency_ms": 2,
        },
        "errors_injected",
    ),
}


def _apply(scenario: Scenario, *extra: str) -> list[str]:
    return ["apply", *scenario.args(), "--auto-approve", *extra]


def _check_first_apply(code: int, stderr: str, sandbox: RunningSandbox, scenario: Scenario) -> None:
    """Exit 0 and converged, or exit 1 with exactly what did not happen reported as such."""
    assert "Traceback" not in stderr
    assert duplicated_names(sandbox) == {}
    lines = reported(stderr)
    residual = {change.name for change in scenario.replan(sandbox).changes}
    if code == 0:
        assert len(lines) == PLANNED_CHANGES
        assert {line.outcome for line in lines} == {"applied"}
        assert "Verified: a fresh plan is empty." in stderr
        assert residual == set()
        return
    assert code == 1
    assert "error: " in stderr
    if not lines:
        # It failed before the first write (reading the account): nothing may have changed.
        assert live_names(sandbox) == scenario.seeded
        return
    assert [line.done for line in lines] == list(range(1, PLANNED_CHANGES + 1))
    assert {line.total for line in lines} == {PLANNED_CHANGES}
    assert len({line.name for line in lines}) == PLANNED_CHANGES  # each change once
    not_done = {line.name for line in lines if line.outcome != "applied"}
    done = {line.name for line in lines if line.outcome == "applied"}
    assert residual <= not_done, f"left undone but reported applied: {residual - not_done}"
    assert not residual & done
    for line in lines:
        if line.outcome != "applied":
            assert line.detail, f"{line} says neither the API's message nor why it was skipped"
    outcomes = Counter(line.outcome for line in lines)
    if outcomes["applied"] < PLANNED_CHANGES:
        assert (
            f"error: {outcomes['failed']} failed, {outcomes['skipped']} skipped, "
            f"{outcomes['applied']} applied"
        ) in stderr
    # else every change applied and the error is the verification's (a fault while re-reading)


def _converges(sandbox: RunningSandbox, scenario: Scenario, stderr: str) -> None:
    assert "Traceback" not in stderr
    assert "Verified: a fresh plan is empty." in stderr or "Nothing to apply." in stderr
    assert live_names(sandbox) == FINAL_NAMES
    assert scenario.replan(sandbox).is_empty


@pytest.mark.parametrize("row", list(MATRIX))
def test_apply_under_faults_reports_exactly_and_a_second_apply_converges(
    row: str,
    faulty_account: RunningSandbox,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """Under each fault, apply succeeds or names what failed; a rerun converges; no duplicates."""
    switches, evidence = MATRIX[row]
    scenario = build_scenario(faulty_account, tmp_path)
    faulty_account.reset()  # count only what the apply meets
    faulty_account.set_faults(**switches)
    code = main(_apply(scenario))
    stats = faulty_account.stats()
    faulty_account.set_faults(**FAULTS_OFF)
    first = capsys.readouterr().err
    if evidence is not None:
        assert stats[evidence] > 0, f"the {row} row met no fault"
    else:
        assert code == 0, first
    _check_first_apply(code, first, faulty_account, scenario)
    assert main(_apply(scenario)) == 0
    _converges(faulty_account, scenario, capsys.readouterr().err)


def test_a_failure_names_the_change_and_the_api_message(
    account: RunningSandbox, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A create TrackDrive refuses fails alone with its 422 message; the rest apply; exit 1."""
    scenario = build_scenario(account, tmp_path)
    long_name = "N" * 300
    specs = scenario.specs / "main.yaml"
    specs.write_text(
        specs.read_text(encoding="utf-8") + f'  - {{"name": "{long_name}"}}\n', encoding="utf-8"
    )
    assert main(_apply(scenario)) == 1
    err = capsys.readouterr().err
    lines = reported(err)
    failed = [line for line in lines if line.outcome != "applied"]
    assert len(lines) == PLANNED_CHANGES + 1
    assert [(f.outcome, f.name) for f in failed] == [("failed", long_name)]
    assert failed[0].detail is not None
    assert "answered 422" in failed[0].detail
    assert "is too long (maximum is 255 characters)" in failed[0].detail
    assert "error: 1 failed, 0 skipped, 19 applied" in err
    assert live_names(account) == FINAL_NAMES


# -- timeouts ------------------------------------------------------------------------------

_TIMEOUT_S = 0.1


def test_writes_that_time_out_are_reported_and_a_rerun_converges(
    faulty_account: RunningSandbox,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """Writes that time out (and may commit later) are reported failed; a rerun converges."""
    scenario = build_scenario(faulty_account, tmp_path)
    faulty_account.reset()
    # Every write is parked at the server's door until apply has given up on it: it cannot be
    # answered within --timeout however fast or slow this machine is. Reads are answered.
    with (
        stamina.set_testing(True, attempts=2, cap=True),
        faulty_account.hold_writes() as gate,
    ):
        code = main(_apply(scenario, "--no-verify", "--timeout", str(_TIMEOUT_S)))
        assert gate.held > 0
    # Leaving the block released the parked writes and waited until each was answered.
    first = capsys.readouterr().err
    assert code == 1
    assert f"no complete answer within {_TIMEOUT_S:g} s (the answer timeout)" in first
    _check_first_apply(code, first, faulty_account, scenario)
    assert main(_apply(scenario)) == 0
    _converges(faulty_account, scenario, capsys.readouterr().err)


def test_creates_that_time_out_and_commit_later_are_never_sent_twice(
    faulty_account: RunningSandbox,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """A POST that timed out but commits afterwards is not resent: no name is held twice."""
    scenario = build_scenario(faulty_account, tmp_path)
    faulty_account.reset()
    # The body is read on arrival, so each parked write commits once released: the
    # "timed out, yet applied later" case that a resend would turn into a duplicate.
    with (
        stamina.set_testing(True, attempts=3, cap=True),
        faulty_account.hold_writes(read_body_first=True) as gate,
    ):
        code = main(_apply(scenario, "--no-verify", "--timeout", str(_TIMEOUT_S)))
        assert gate.held > 0
    first = capsys.readouterr().err
    posts = faulty_account.stats()["by_route"]["POST /api/v1/schedules"]
    assert code == 1
    creates = first.count("] failed  create ")
    assert creates > 0
    assert posts == creates  # each create POSTed once, never again after its timeout
    assert duplicated_names(faulty_account) == {}
    assert main(_apply(scenario)) == 0
    _converges(faulty_account, scenario, capsys.readouterr().err)
    assert duplicated_names(faulty_account) == {}
