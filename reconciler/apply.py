"""Carry out a plan through anything shaped like the TrackDrive client.

Order, so that a name is never held by two schedules at once, even if the run stops halfway:

1. **Deletes** first: they free names.
2. **Updates**, renames included. A rename to a name that another pending rename is moving
   away from waits for that one (``B → C`` before ``A → B``); a rename whose blocker failed is
   skipped. Swaps (``A ↔ B``) cannot be ordered and are reported as skipped.
3. **Creates** last. A create whose name is still held (its delete, or the rename away from
   it, failed or was skipped) is skipped too, so a failure never leaves two schedules of one
   name. Right before this phase, a writer that can (``names_taken``) re-checks the names
   against the account: a name another writer created since the plan is a conflict, skipped
   and reported, never sent.

Within a phase, writes run concurrently up to ``concurrency``; one failure does not stop
independent changes. Setting ``stop`` lets in-flight writes finish and skips the rest.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Literal, Protocol, assert_never, runtime_checkable

from reconciler.diff import Change
from reconciler.errors import NameConflictError, ReconcilerError
from reconciler.live import LiveSchedule
from reconciler.normalize import FieldValue, ManagedField
from reconciler.plan import Plan

__all__ = [
    "ApplyReport",
    "ChangeResult",
    "NameChecker",
    "Outcome",
    "ScheduleWriter",
    "apply_plan",
    "duplicate_names",
]

Outcome = Literal["applied", "failed", "skipped"]


class ScheduleWriter(Protocol):
    """The writes apply needs; ``TrackDriveClient`` is one."""

    async def create_schedule(
        self, fields: Mapping[ManagedField, FieldValue]
    ) -> LiveSchedule: ...  # pragma: no cover

    async def update_schedule(
        self, schedule_id: int, fields: Mapping[ManagedField, FieldValue]
    ) -> LiveSchedule: ...  # pragma: no cover

    async def delete_schedule(self, schedule_id: int) -> None: ...  # pragma: no cover


@runtime_checkable
class NameChecker(Protocol):
    """A writer that can look names up fresh, before creates (``TrackDriveClient`` can)."""

    async def names_taken(
        self, names: Iterable[str]
    ) -> Mapping[str, Sequence[int]]: ...  # pragma: no cover


@dataclass(frozen=True, slots=True)
class ChangeResult:
    """What happened to one change."""

    change: Change
    outcome: Outcome
    detail: str | None = None
    id: int | None = None
    seconds: float = 0.0


@dataclass(slots=True)
class ApplyReport:
    """Every change's result, in the order they finished."""

    results: list[ChangeResult] = field(default_factory=list)

    def count(self, outcome: Outcome) -> int:
        """How many changes ended with ``outcome``."""
        return sum(1 for r in self.results if r.outcome == outcome)

    @property
    def ok(self) -> bool:
        """True when every change was applied."""
        return all(r.outcome == "applied" for r in self.results)


async def apply_plan(
    plan: Plan,
    writer: ScheduleWriter,
    *,
    concurrency: int = 8,
    on_result: Callable[[ChangeResult], None] | None = None,
    stop: asyncio.Event | None = None,
) -> ApplyReport:
    """Apply every change of ``plan``; never raises for a failed write, reports it instead."""
    report = ApplyReport()
    gate = asyncio.Semaphore(max(1, concurrency))
    stop = stop or asyncio.Event()

    def record(result: ChangeResult) -> None:
        report.results.append(result)
        if on_result is not None:
            on_result(result)

    async def run(change: Change) -> ChangeResult:
        async with gate:
            if stop.is_set():
                result = ChangeResult(change, "skipped", "interrupted before it started")
            else:
                result = await _write(change, writer)
        record(result)
        return result

    deletes = [c for c in plan.changes if c.action == "delete"]
    updates = [c for c in plan.changes if c.action == "update"]
    creates = [c for c in plan.changes if c.action == "create"]

    delete_results = await asyncio.gather(*(run(c) for c in deletes))
    # A name whose delete did not happen is still taken: nothing may be renamed or created onto it.
    still_held = {r.change.name for r in delete_results if r.outcome != "applied"}
    blocked_names = await _apply_updates(updates, run, record, still_held)
    for change in creates:
        if change.name in blocked_names:
            record(ChangeResult(change, "skipped", _held_detail(change.name)))
    creates = [c for c in creates if c.name not in blocked_names]
    if creates and isinstance(writer, NameChecker) and not stop.is_set():
        creates = await _without_conflicts(creates, writer, record)
    await asyncio.gather(*(run(c) for c in creates))
    return report


async def _without_conflicts(
    creates: Sequence[Change], writer: NameChecker, record: Callable[[ChangeResult], None]
) -> list[Change]:
    """The creates whose names are still free; the others are recorded as skipped."""
    try:
        taken = await writer.names_taken([c.name for c in creates])
    except ReconcilerError as error:
        # Without a fresh look a create could duplicate a name: none is sent.
        for change in creates:
            record(ChangeResult(change, "skipped", f"names could not be re-checked: {error}"))
        return []
    free = []
    for change in creates:
        if change.name in taken:
            conflict = NameConflictError(change.name, taken[change.name])
            record(ChangeResult(change, "skipped", conflict.message))
        else:
            free.append(change)
    return free


async def _apply_updates(
    updates: Sequence[Change],
    run: Callable[[Change], Awaitable[ChangeResult]],
    record: Callable[[ChangeResult], None],
    held: set[str],
) -> set[str]:
    """Apply updates in waves that respect rename order; return names still held.

    ``held`` starts with names that failed deletes keep; renames that do not happen add
    their old names.
    """
    pending = list(updates)
    while pending:
        ready = [c for c in pending if c.renamed_from is None or not _waits(c, pending)]
        blocked_by_failure = [c for c in pending if c.renamed_from is not None and c.name in held]
        for change in blocked_by_failure:
            record(ChangeResult(change, "skipped", _held_detail(change.name)))
            if change.renamed_from is not None:
                held.add(change.renamed_from)
        ready = [c for c in ready if c not in blocked_by_failure]
        if not ready and not blocked_by_failure:
            for change in pending:
                record(ChangeResult(change, "skipped", "renames form a cycle; rename one by hand"))
                if change.renamed_from is not None:
                    held.add(change.renamed_from)
            break
        results = await asyncio.gather(*(run(c) for c in ready))
        for result in results:
            old = result.change.renamed_from
            if old is not None and result.outcome != "applied":
                held.add(old)
        done = {id(c) for c in ready} | {id(c) for c in blocked_by_failure}
        pending = [c for c in pending if id(c) not in done]
    return held


def duplicate_names(live: Iterable[LiveSchedule]) -> dict[str, list[int]]:
    """Names held by more than one schedule, each with its ids in ascending order."""
    holders: dict[str, list[int]] = {}
    for schedule in live:
        if schedule.name_visible:
            holders.setdefault(schedule.name, []).append(schedule.id)
    return {name: sorted(ids) for name, ids in holders.items() if len(ids) > 1}


def _held_detail(name: str) -> str:
    return f'"{name}" is still held by another schedule (its delete or rename did not happen)'


def _waits(change: Change, pending: Sequence[Change]) -> bool:
    """Whether another pending rename still moves away from this rename's new name."""
    return any(other is not change and other.renamed_from == change.name for other in pending)


async def _write(change: Change, writer: ScheduleWriter) -> ChangeResult:
    started = time.monotonic()
    try:
        match change.action:
            case "create":
                created = await writer.create_schedule(change.values())
                schedule_id: int | None = created.id
            case "update":
                if change.id is None:
                    raise ValueError("an update needs the schedule's id")
                await writer.update_schedule(change.id, change.values())
                schedule_id = change.id
            case "delete":
                if change.id is None:
                    raise ValueError("a delete needs the schedule's id")
                await writer.delete_schedule(change.id)
                schedule_id = change.id
            case _:
                assert_never(change.action)
    except NameConflictError as conflict:
        # Found by the create's own look-up: never sent, like the conflicts found before.
        return ChangeResult(change, "skipped", conflict.message, None, time.monotonic() - started)
    except ReconcilerError as error:
        return ChangeResult(change, "failed", error.message, change.id, time.monotonic() - started)
    return ChangeResult(change, "applied", None, schedule_id, time.monotonic() - started)
