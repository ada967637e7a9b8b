"""Ctrl-C during an apply: a real process, a real SIGINT, against the HTTP sandbox with latency.

Apply must stop starting writes, let those in flight finish, print what was done and exit
non-zero without a traceback; running apply again must finish the job.
"""

from __future__ import annotations

import json
import os
import queue
import re
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import IO

import pytest

from reconciler.cli import main
from tests.apply.scenario import duplicated_names, live_names, reported, write_specs
from tests.support.gates import WriteGate
from tests.support.sandbox_server import RunningSandbox

CHANGES = 30
_FIRST_RESULT = re.compile(rf"^\[\d+/{CHANGES}\] ")
_ACKNOWLEDGED = re.compile(r"^Interrupted: ")
_DEADLINE_S = 30.0
#: Apply's writes in flight at once; both are parked at the sandbox when SIGINT is sent.
CONCURRENCY = 2


def _read_lines(stream: IO[str] | None, into: queue.Queue[str | None]) -> None:
    """Put each line of ``stream`` into ``into``, then None at its end."""
    assert stream is not None
    for line in iter(stream.readline, ""):
        into.put(line)
    into.put(None)


def _interrupted_apply(
    account: RunningSandbox, tmp_path: Path, args: list[str], *, signals: int, gate: WriteGate
) -> tuple[int, str]:
    """Run apply in a process; SIGINT it while exactly two writes are in flight.

    ``gate`` lets the first write through and parks the rest. Once apply has printed that
    first result and the next two writes are parked at the sandbox, SIGINT; a second one
    (``signals=2``) once the first was acknowledged. The parked writes are released after
    the first SIGINT's acknowledgement, or, with two, once the process has exited. Nothing
    here depends on timing. Returns the exit code and everything the process wrote to stderr.
    """
    stderr: list[str] = []
    lines: queue.Queue[str | None] = queue.Queue()
    deadline = time.monotonic() + _DEADLINE_S

    def read_until(pattern: re.Pattern[str]) -> None:
        while True:
            line = lines.get(timeout=max(0.0, deadline - time.monotonic()))
            assert line is not None, f"apply ended before {pattern.pattern!r}: " + "".join(stderr)
            stderr.append(line)
            if pattern.match(line):
                return

    with (
        (tmp_path / "stdout.txt").open("w") as stdout,
        subprocess.Popen(
            [sys.executable, "-m", "reconciler", *args],
            cwd=tmp_path,
            env={**os.environ, "PYTHONUNBUFFERED": "1"},
            stdin=subprocess.DEVNULL,
            stdout=stdout,
            stderr=subprocess.PIPE,
            text=True,
            encoding="utf-8",
        ) as process,
    ):
        reader = threading.Thread(target=_read_lines, args=(process.stderr, lines), daemon=True)
        reader.start()
        try:
            read_until(_FIRST_RESULT)
            gate.wait_until_held(CONCURRENCY)
            process.send_signal(signal.SIGINT)
            read_until(_ACKNOWLEDGED)
            if signals == 2:
                process.send_signal(signal.SIGINT)
                code = process.wait(timeout=_DEADLINE_S)
                gate.release()
            else:
                gate.release()
                code = process.wait(timeout=_DEADLINE_S)
        finally:
            if process.poll() is None:
                process.kill()
        while (rest := lines.get(timeout=5)) is not None:  # the lines up to the end
            stderr.append(rest)
        reader.join(timeout=5)
    gate.wait_until_settled()
    assert "Traceback" not in (tmp_path / "stdout.txt").read_text(encoding="utf-8")
    return code, "".join(stderr)


def _batch(tmp_path: Path) -> tuple[list[str], Path]:
    names = [f"Batch {i:02}" for i in range(1, CHANGES + 1)]
    specs = tmp_path / "schedules.d"
    write_specs(specs, [{"name": n, "paused": True} for n in names])
    return names, specs


def test_sigint_stops_new_writes_and_a_rerun_converges(
    account: RunningSandbox,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """SIGINT after the first result: in-flight writes finish, the rest skip, exit 130."""
    names, specs = _batch(tmp_path)
    journal = tmp_path / "apply.jsonl"
    args = ["apply", "--specs", str(specs), "--auto-approve", "--concurrency", str(CONCURRENCY)]
    with account.hold_writes(let_through=1) as gate:
        code, err = _interrupted_apply(
            account, tmp_path, [*args, "--journal", str(journal)], signals=1, gate=gate
        )

    assert code == 130, err
    assert "Traceback" not in err
    assert "Interrupted: finishing the writes in flight, starting no new ones" in err
    assert "error: interrupted; the changes above marked skipped were not started" in err
    results = reported(err)
    applied = sorted(r.name for r in results if r.outcome == "applied")
    skipped = [r for r in results if r.outcome == "skipped"]
    assert len(results) == CHANGES
    # The first write, then the two in flight when SIGINT came: they finish, nothing else starts.
    assert applied == ["Batch 01", "Batch 02", "Batch 03"]
    assert len(skipped) == CHANGES - 3
    assert {r.detail for r in skipped} == {"interrupted before it started"}
    assert f"Applied 3, failed 0, skipped {CHANGES - 3} in " in err
    assert live_names(account) == applied
    entries = [json.loads(line) for line in journal.read_text(encoding="utf-8").splitlines()]
    assert sorted(e["name"] for e in entries if e["outcome"] == "applied") == applied

    capsys.readouterr()
    assert main(args) == 0
    rerun = capsys.readouterr().err
    assert f"Applied {CHANGES - 3}, failed 0, skipped 0" in rerun
    assert "Verified: a fresh plan is empty." in rerun
    assert live_names(account) == names
    assert main(["plan", "--specs", str(specs), "--detailed-exitcode"]) == 0


def test_second_sigint_abandons_writes_in_flight_and_a_rerun_converges(
    account: RunningSandbox,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """A second SIGINT abandons the writes in flight, says so, exits 130; a rerun converges."""
    names, specs = _batch(tmp_path)
    args = ["apply", "--specs", str(specs), "--auto-approve", "--concurrency", str(CONCURRENCY)]
    # The parked writes' bodies are already read: abandoned by apply, they still land later.
    with account.hold_writes(let_through=1, read_body_first=True) as gate:
        code, err = _interrupted_apply(account, tmp_path, args, signals=2, gate=gate)

    assert code == 130, err
    assert "Traceback" not in err
    assert "Interrupted again: abandoning the writes in flight." in err
    assert (
        "error: interrupted twice: writes that were in flight may or may not have happened" in err
    )
    applied = sorted(r.name for r in reported(err) if r.outcome == "applied")
    # The one write let through: whichever of the first two reached the sandbox first.
    assert len(applied) == 1
    assert applied[0] in {"Batch 01", "Batch 02"}
    # The two abandoned writes were committed after apply had exited, each once.
    assert live_names(account) == ["Batch 01", "Batch 02", "Batch 03"]
    assert duplicated_names(account) == {}

    capsys.readouterr()
    assert main(args) == 0
    assert "Verified: a fresh plan is empty." in capsys.readouterr().err
    assert live_names(account) == names
