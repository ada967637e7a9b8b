"""Carrying out a chosen plan: progress, Ctrl-C, the journal and the run summary."""

from __future__ import annotations

import asyncio
import json
import signal
import time
from datetime import UTC, datetime
from pathlib import Path

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from reconciler.apply import ApplyReport, ChangeResult, apply_plan
from reconciler.cli.output import stderr_console
from reconciler.connect import Target
from reconciler.errors import ApplyInterruptedError
from reconciler.plan import Plan
from reconciler.render.common import describe_change
from reconciler.trackdrive import TrackDriveClient

__all__ = ["run_apply"]


async def run_apply(
    target: Target, chosen: Plan, journal: Path | None, client: TrackDriveClient
) -> ApplyReport:
    """Apply ``chosen`` through ``client``, showing progress on stderr.

    The first Ctrl-C starts no new writes.
    """
    err = stderr_console()
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()

    current = asyncio.current_task()

    def interrupted() -> None:
        if stop.is_set() and current is not None:
            err.print("Interrupted again: abandoning the writes in flight.")
            current.cancel()
            return
        err.print(
            "Interrupted: finishing the writes in flight, starting no new ones "
            "(Ctrl-C again to abandon them) …"
        )
        stop.set()

    loop.add_signal_handler(signal.SIGINT, interrupted)
    journal_file = journal.open("a", encoding="utf-8") if journal is not None else None
    total = len(chosen.changes)
    done = 0
    progress = _progress_bar(err)
    task = progress.add_task("apply", total=total) if progress is not None else None

    def on_result(result: ChangeResult) -> None:
        nonlocal done
        done += 1
        line = _outcome_line(result, done, total)
        if progress is None or task is None:
            err.print(line)
        else:
            progress.advance(task)
            if result.outcome != "applied":
                progress.console.print(line)
        if journal_file is not None:
            journal_file.write(json.dumps(_journal_entry(result)) + "\n")
            journal_file.flush()

    started = time.monotonic()
    if progress is not None:
        progress.start()
    try:
        before = client.stats
        report = await apply_plan(
            chosen, client, concurrency=target.concurrency, on_result=on_result, stop=stop
        )
        stats = client.stats
    except asyncio.CancelledError:
        raise ApplyInterruptedError(
            "interrupted twice: writes that were in flight may or may not have happened",
            hint="run `reconciler plan` to see where the account stands, then apply again",
        ) from None
    finally:
        loop.remove_signal_handler(signal.SIGINT)
        if progress is not None:
            progress.stop()
        if journal_file is not None:
            journal_file.close()
    err.print(
        f"Applied {report.count('applied')}, failed {report.count('failed')}, skipped "
        f"{report.count('skipped')} in {time.monotonic() - started:.1f}s "
        f"({_count(stats.requests - before.requests, 'request')}, "
        f"{_count(stats.retries - before.retries, 'retry', 'retries')}, "
        f"{stats.throttled - before.throttled} throttled)."
    )
    if stop.is_set():
        raise ApplyInterruptedError(
            "interrupted; the changes above marked skipped were not started",
            hint="run apply again to finish: applied changes will not repeat",
        )
    return report


def _count(number: int, one: str, many: str | None = None) -> str:
    """``1 request``, ``2 requests``, ``1 retry``, ``0 retries``."""
    return f"{number} {one if number == 1 else (many or one + 's')}"


def _outcome_line(result: ChangeResult, done: int, total: int) -> str:
    line = f"[{done}/{total}] {result.outcome:<7} {describe_change(result.change)}"
    if result.detail:
        line += f": {result.detail}"
    return line


def _progress_bar(err: Console) -> Progress | None:
    # On a terminal, a progress bar with only the failures above it; in CI, one line each.
    if not err.is_terminal:
        return None
    return Progress(
        TextColumn("applying"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=err,
        transient=True,
    )


def _journal_entry(result: ChangeResult) -> dict[str, object]:
    return {
        "at": datetime.now(UTC).isoformat(timespec="milliseconds"),
        "action": result.change.action,
        "name": result.change.name,
        "id": result.id,
        "outcome": result.outcome,
        "detail": result.detail,
        "fields": sorted(f.field for f in result.change.fields),
        "seconds": round(result.seconds, 3),
    }
