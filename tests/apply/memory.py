"""An in-memory account behind the ``ScheduleWriter`` protocol, and plans to feed ``apply_plan``.

``MemoryAccount`` keeps ``id → name``, logs every write as it starts (``"delete 'X'"``,
``"rename 'A' → 'B'"``, ``"update 'X'"``, ``"create 'X'"``), counts writes in flight, fails the
writes it is told to, and after every successful write checks that no name is held twice.
"""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from reconciler.apply import ApplyReport, ChangeResult, apply_plan
from reconciler.diff import Change, FieldChange
from reconciler.errors import NotFoundError, ServerError
from reconciler.live import LiveSchedule
from reconciler.normalize import FieldValue, ManagedField
from reconciler.plan import Plan

__all__ = [
    "MemoryAccount",
    "by_name",
    "create",
    "delete",
    "outcomes",
    "plan_of",
    "rename",
    "run_apply",
    "update",
]


@dataclass
class MemoryAccount:
    """``id → name`` schedules; writes fail for ``fail_ids`` and ``fail_creates``."""

    names: dict[int, str]
    fail_ids: set[int] = field(default_factory=set)
    fail_creates: set[str] = field(default_factory=set)
    delay: float = 0.0
    log: list[str] = field(default_factory=list)
    collisions: list[str] = field(default_factory=list)
    in_flight: int = 0
    peak: int = 0

    def __post_init__(self) -> None:
        self._next_id = max(self.names, default=0) + 1
        self._check("the start")

    def _check(self, after: str) -> None:
        for name, count in Counter(self.names.values()).items():
            if count > 1:
                self.collisions.append(f"{count} schedules named {name!r} after {after}")

    async def _write(self, entry: str, *, fails: bool) -> None:
        self.log.append(entry)
        self.in_flight += 1
        self.peak = max(self.peak, self.in_flight)
        try:
            await asyncio.sleep(self.delay)
        finally:
            self.in_flight -= 1
        if fails:
            raise ServerError("TrackDrive failed (injected)", method="-", path=entry, status=500)

    def _known(self, schedule_id: int) -> str:
        if schedule_id not in self.names:
            raise NotFoundError("not found", method="-", path=f"#{schedule_id}", status=404)
        return self.names[schedule_id]

    async def create_schedule(self, fields: Mapping[ManagedField, FieldValue]) -> LiveSchedule:
        """Add a schedule named ``fields["name"]``."""
        name = fields["name"]
        assert isinstance(name, str)
        await self._write(f"create {name!r}", fails=name in self.fail_creates)
        schedule_id = self._next_id
        self._next_id += 1
        self.names[schedule_id] = name
        self._check(f"create {name!r}")
        return LiveSchedule(id=schedule_id, fields=dict(fields))

    async def update_schedule(
        self, schedule_id: int, fields: Mapping[ManagedField, FieldValue]
    ) -> LiveSchedule:
        """Rename (when ``fields`` has a name) or just touch a schedule."""
        old = self._known(schedule_id)
        new = fields.get("name", old)
        assert isinstance(new, str)
        entry = f"rename {old!r} → {new!r}" if new != old else f"update {old!r}"
        await self._write(entry, fails=schedule_id in self.fail_ids)
        self.names[schedule_id] = new
        self._check(entry)
        return LiveSchedule(id=schedule_id, fields={"name": new, **fields})

    async def delete_schedule(self, schedule_id: int) -> None:
        """Remove a schedule."""
        name = self._known(schedule_id)
        await self._write(f"delete {name!r}", fails=schedule_id in self.fail_ids)
        del self.names[schedule_id]
        self._check(f"delete {name!r}")

    def started(self, entry: str) -> int:
        """The position of ``entry`` in the log (ValueError if it never started)."""
        return self.log.index(entry)


def create(name: str) -> Change:
    """A create of ``name`` (paused)."""
    return Change(
        "create", name, None, (FieldChange("name", None, name), FieldChange("paused", None, True))
    )


def update(schedule_id: int, name: str) -> Change:
    """An update of ``paused`` on ``name`` (no rename)."""
    return Change("update", name, schedule_id, (FieldChange("paused", False, True),))


def rename(schedule_id: int, old: str, new: str) -> Change:
    """A rename of schedule ``schedule_id`` from ``old`` to ``new``."""
    return Change("update", new, schedule_id, (FieldChange("name", old, new),))


def delete(schedule_id: int, name: str) -> Change:
    """A delete of schedule ``schedule_id``, named ``name``."""
    return Change("delete", name, schedule_id, (FieldChange("name", name, None),))


def plan_of(*changes: Change, live_count: int = 0) -> Plan:
    """A plan of exactly ``changes``, in the order given."""
    return Plan(changes=tuple(changes), unchanged=0, unmanaged=(), ignored=0, live_count=live_count)


def run_apply(
    plan: Plan,
    account: MemoryAccount,
    *,
    concurrency: int = 8,
    stop_after: int | None = None,
) -> ApplyReport:
    """``apply_plan`` on ``account``; with ``stop_after``, set ``stop`` after that many results."""

    async def go() -> ApplyReport:
        stop = asyncio.Event()
        seen: list[ChangeResult] = []

        def on_result(result: ChangeResult) -> None:
            seen.append(result)
            if stop_after is not None and len(seen) >= stop_after:
                stop.set()

        report = await apply_plan(
            plan, account, concurrency=concurrency, on_result=on_result, stop=stop
        )
        assert seen == report.results  # on_result sees every result, in the same order
        return report

    return asyncio.run(go())


def by_name(report: ApplyReport) -> dict[str, ChangeResult]:
    """Each result by its change's name (names are unique in these plans)."""
    return {r.change.name: r for r in report.results}


def outcomes(report: ApplyReport, changes: Iterable[Change]) -> list[str]:
    """The outcome of each of ``changes``, in that order."""
    found = {id(r.change): r.outcome for r in report.results}
    return [found[id(c)] for c in changes]
