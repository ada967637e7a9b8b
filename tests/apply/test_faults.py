"""The fault matrix: ``reconciler apply`` through ``main`` against the HTTP sandbox's faults.

Each row applies the scenario's 19 changes under one fault and then compares the account, read
from the sandbox's own listing, with a written-out end state (every name, every managed field,
the count), and the exit code with the one written out. The rows run with one request in flight,
so the seeded fault dice meet the same requests in the same order on every run: which change
fails is fixed, and so is the end state. With eight in flight the order is the scheduler's, so
those runs assert what holds whatever the order: what apply reports applied is done exactly, no
name is held twice, and a second apply converges to the exact end state.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import stamina

from reconciler.cli import main
from tests.apply.scenario import (
    FAULTS_OFF,
    FINAL_STATE,
    PLANNED_CHANGES,
    SEEDED_STATE,
    Row,
    Scenario,
    build_scenario,
    duplicated_names,
    end_state,
    reported,
)
from tests.support.sandbox_server import RunningSandbox


def _with(state: list[Row], *rows: Row) -> list[Row]:
    """``state`` with the rows of the same names replaced by ``rows``."""
    replaced = {row.name: row for row in rows}
    return [replaced.get(row.name, row) for row in state]


@dataclass(frozen=True)
class FaultRow:
    """The switches, the stats counter that proves the fault was met, and the written-out result."""

    switches: dict[str, Any]
    evidence: str | None
    exit_code: int
    failed: frozenset[str]  # the changes (by new name) the first apply reports failed
    after_first: list[Row]


# Where a create's PUT of its PUT-only fields failed, the POST's fields are there and the rest not.
_OFTEN_5XX_LEFT = _with(
    FINAL_STATE,
    Row("New 02", 3002, True, None, None, None),
    Row("New 05", 3002, False, None, None, None),
    Row("Update 05", 3001, False, "10.0", None, None),  # as seeded
)

MATRIX: dict[str, FaultRow] = {
    # With the fixture's counting clock a 2 rps bucket throttles about one request in ten
    # after the first ten, however fast the machine runs (see ``faulty_account``).
    "429 bursts": FaultRow({"rate_limit_rps": 2.0}, "throttled", 0, frozenset(), FINAL_STATE),
    "random 5xx": FaultRow({"error_rate": 0.3}, "errors_injected", 0, frozenset(), FINAL_STATE),
    "random 5xx, often": FaultRow(
        {"error_rate": 0.6},
        "errors_injected",
        1,
        frozenset({"Update 05", "New 02", "New 05"}),
        _OFTEN_5XX_LEFT,
    ),
    "responses dropped after commit": FaultRow(
        {"drop_after_commit_rate": 0.3}, "dropped_after_commit", 0, frozenset(), FINAL_STATE
    ),
    "responses dropped after commit, often": FaultRow(
        {"drop_after_commit_rate": 0.7}, "dropped_after_commit", 0, frozenset(), FINAL_STATE
    ),
    "latency": FaultRow({"latency_ms": 20}, None, 0, frozenset(), FINAL_STATE),
    "all at once": FaultRow(
        {
            "rate_limit_rps": 60.0,
            "error_rate": 0.15,
            "drop_after_commit_rate": 0.2,
            "latency_ms": 2,
        },
        "errors_injected",
        0,
        frozenset(),
        FINAL_STATE,
    ),
}

#: The rows run again with eight requests in flight (those whose faults can fail a change).
CONCURRENT_ROWS = ["random 5xx, often", "responses dropped after commit, often", "all at once"]


def _apply(scenario: Scenario, *extra: str) -> list[str]:
    return ["apply", *scenario.args(), "--auto-approve", *extra]


def _apply_under(sandbox: RunningSandbox, row: FaultRow, scenario: Scenario, *extra: str) -> int:
    """Apply with ``row``'s faults on (and off again after); its exit code."""
    sandbox.reset()  # count only what the apply meets
    sandbox.set_faults(**row.switches)
    code = main(_apply(scenario, *extra))
    stats = sandbox.stats()
    sandbox.set_faults(**FAULTS_OFF)
    if row.evidence is not None:
        assert stats[row.evidence] > 0, f"the {row.switches} row met no fault"
    return code


def _rerun_converges(
    sandbox: RunningSandbox, scenario: Scenario, capsys: pytest.CaptureFixture[str]
) -> None:
    """A second apply, faults off, exits 0 and leaves exactly ``FINAL_STATE``."""
    assert main(_apply(scenario)) == 0
    assert "Traceback" not in capsys.readouterr().err
    assert end_state(sandbox) == FINAL_STATE


@pytest.mark.parametrize("name", list(MATRIX))
def test_one_in_flight_under_a_fault_leaves_the_written_out_state_and_a_rerun_converges(
    name: str,
    faulty_account: RunningSandbox,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """Under each fault, apply exits and leaves the account as written out; a rerun converges."""
    row = MATRIX[name]
    scenario = build_scenario(faulty_account, tmp_path)
    code = _apply_under(faulty_account, row, scenario, "--concurrency", "1")
    err = capsys.readouterr().err
    assert "Traceback" not in err
    assert code == row.exit_code, err
    assert end_state(faulty_account) == row.after_first
    lines = reported(err)
    assert [line.done for line in lines] == list(range(1, PLANNED_CHANGES + 1))
    undone = {line.name: line.outcome for line in lines if line.outcome != "applied"}
    assert undone == dict.fromkeys(row.failed, "failed")
    if row.exit_code == 0:
        assert "Verified: a fresh plan is empty." in err
    else:
        applied = PLANNED_CHANGES - len(row.failed)
        assert f"error: {len(row.failed)} failed, 0 skipped, {applied} applied" in err
    _rerun_converges(faulty_account, scenario, capsys)


def _as_applied(state: list[Row], line_name: str, action: str) -> None:
    """What a change reported applied must have left: its final row, or (a delete) no row."""
    held = [row for row in state if row.name == line_name]
    if action == "delete":
        assert held == [], f"{line_name} reported deleted, still listed"
    else:
        assert held == [r for r in FINAL_STATE if r.name == line_name], line_name


@pytest.mark.parametrize("name", CONCURRENT_ROWS)
def test_eight_in_flight_under_a_fault_do_what_they_report_and_a_rerun_converges(
    name: str,
    faulty_account: RunningSandbox,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """With 8 in flight, whatever is reported applied is done, no name twice; a rerun converges."""
    row = MATRIX[name]
    scenario = build_scenario(faulty_account, tmp_path)
    # --no-verify: the exit code then follows from the result lines alone (a fault while
    # verifying would fail a run whose every change applied).
    code = _apply_under(faulty_account, row, scenario, "--no-verify")
    err = capsys.readouterr().err
    assert "Traceback" not in err
    state = end_state(faulty_account)
    assert duplicated_names(faulty_account) == {}
    lines = reported(err)
    if not lines:
        # It failed reading the account, before the first write: nothing may have changed.
        assert code == 1
        assert state == SEEDED_STATE
    else:
        assert sorted(line.done for line in lines) == list(range(1, PLANNED_CHANGES + 1))
        for line in lines:
            if line.outcome == "applied":
                _as_applied(state, line.name, line.action)
            else:
                assert line.detail, f"{line} says neither the API's message nor why it was skipped"
        undone = [line for line in lines if line.outcome != "applied"]
        assert code == (1 if undone else 0), err
    _rerun_converges(faulty_account, scenario, capsys)


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
    assert end_state(account) == FINAL_STATE


# -- timeouts ------------------------------------------------------------------------------

# Writes are parked at the gate until apply gives up on them, so any --timeout makes them time
# out; what it must leave room for is everything else. Reads (the listing, the re-check before
# each create) are answered, and must be within --timeout; a write that is to commit later
# must be read by the server before its client gives up (uvicorn drops the body of a request
# whose client has gone). The test process shares the GIL with the server's thread, so on a
# loaded 2-core machine the server was seen to be late by more than 0.1 s (both tests failed
# in stress runs); a second leaves ten times that room, at the cost of a few seconds.
_TIMEOUT_S = 1.0

#: After every write timed out and then committed: "Chain A → Chain B" was skipped (Chain B was
#: still held when it came up), and each create has its POST's fields only.
_COMMITTED_LATER = [
    Row("Chain A", 3005, False, None, None, None),
    Row("Chain C", 3005, False, None, None, None),
    *(row for row in FINAL_STATE if row.name.startswith("Keep")),
    Row("New 01", 3002, False, None, None, None),
    Row("New 02", 3002, True, None, None, None),
    Row("New 03", 3002, False, None, None, None),
    Row("New 04", 3002, True, None, None, None),
    Row("New 05", 3002, False, None, None, None),
    Row("New 06", 3002, True, None, None, None),
    Row("New Name", 3005, False, None, None, None),
    *(row for row in FINAL_STATE if row.name.startswith("Update")),
]


_STILL_HELD = '"Chain B" is still held by another schedule (its delete or rename did not happen)'


def _skipped(stderr: str) -> dict[str, str | None]:
    """The changes apply reported skipped, by name, with their reasons."""
    return {line.name: line.detail for line in reported(stderr) if line.outcome == "skipped"}


def _apply_while_writes_are_held(
    sandbox: RunningSandbox,
    scenario: Scenario,
    capsys: pytest.CaptureFixture[str],
    *,
    attempts: int,
    read_body_first: bool,
) -> str:
    """Apply with every write parked at the server's door until apply gave up on it; stderr.

    A parked write cannot be answered within --timeout however fast or slow this machine is;
    reads are answered. Leaving the gate releases the parked writes and waits until each is
    answered. Every write times out: apply exits 1 with the 18 changes it sent failed and the
    rename that waited on one of them skipped.
    """
    sandbox.reset()
    with (
        stamina.set_testing(True, attempts=attempts, cap=True),
        sandbox.hold_writes(read_body_first=read_body_first) as gate,
    ):
        code = main(_apply(scenario, "--no-verify", "--timeout", str(_TIMEOUT_S)))
        assert gate.held > 0
    err = capsys.readouterr().err
    assert code == 1
    assert "error: 18 failed, 1 skipped, 0 applied" in err
    assert _skipped(err) == {"Chain B": _STILL_HELD}
    return err


def test_writes_that_time_out_are_reported_and_a_rerun_converges(
    faulty_account: RunningSandbox,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """Writes timed out before being read never commit: account as seeded; a rerun converges."""
    scenario = build_scenario(faulty_account, tmp_path)
    first = _apply_while_writes_are_held(
        faulty_account, scenario, capsys, attempts=2, read_body_first=False
    )
    assert f"no complete answer within {_TIMEOUT_S:g} s (the answer timeout)" in first
    # Each parked write's client had gone before its body was read: none committed.
    assert end_state(faulty_account) == SEEDED_STATE
    _rerun_converges(faulty_account, scenario, capsys)


def test_creates_that_time_out_and_commit_later_are_never_sent_twice(
    faulty_account: RunningSandbox,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """A POST that timed out but commits afterwards is not resent: no name is held twice."""
    scenario = build_scenario(faulty_account, tmp_path)
    # The body is read on arrival, so each parked write commits once released: the
    # "timed out, yet applied later" case that a resend would turn into a duplicate.
    first = _apply_while_writes_are_held(
        faulty_account,
        scenario,
        capsys,
        attempts=2,
        read_body_first=True,
    )
    posts = faulty_account.stats()["by_route"]["POST /api/v1/schedules"]
    creates = first.count("] failed  create ")
    assert posts == creates == 6  # each create POSTed once, never again after its timeout
    # Every parked write committed once released: each POST once (no PUT of its other fields
    # followed, as it had failed), the deletes, the updates and the renames but the skipped one.
    assert end_state(faulty_account) == _COMMITTED_LATER
    _rerun_converges(faulty_account, scenario, capsys)
