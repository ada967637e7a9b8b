"""Drift: how the live account differs from the specs, told from the account's side.

A plan says what apply would write; a drift report says what someone changed in the UI and,
where the record shows it, when and who paused it. Groups:

- **changed**: a managed field differs (spec value, live value, the record's audit stamps);
- **missing**: a spec names a schedule that is not live;
- **unwanted**: live although its spec says ``ensure: absent``;
- **unmanaged**: live, named by no spec, not ignored.

Unmanaged schedules are always reported, but they are *drift* (``is_clean`` false, exit 2)
only when apply would act on them (``prune: true`` deletes them) or when ``reconciler.yaml``
opts in with ``drift: {unmanaged: fail}``. Otherwise a normal account, where most schedules are
not in git, would never be clean and its drift issue could never close.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass

from reconciler.diff import FieldChange, diff_specs
from reconciler.errors import PlanError
from reconciler.live import LiveSchedule
from reconciler.location import Location
from reconciler.spec import LoadedSpec, ReconcilerConfig

__all__ = ["DriftItem", "DriftReport", "build_drift", "focus_drift"]


@dataclass(frozen=True, slots=True)
class DriftItem:
    """One schedule that drifted: its fields (``before`` = live, ``after`` = spec)."""

    name: str
    id: int | None
    fields: tuple[FieldChange, ...] = ()
    audit: Mapping[str, str] | None = None
    source: Location | None = None


@dataclass(frozen=True, slots=True)
class DriftReport:
    """The drift found, by group."""

    changed: tuple[DriftItem, ...]
    missing: tuple[DriftItem, ...]
    unwanted: tuple[DriftItem, ...]
    unmanaged: tuple[DriftItem, ...]
    in_sync: int
    ignored: int
    unmanaged_is_drift: bool = False

    @property
    def managed_differs(self) -> bool:
        """True when a schedule the specs name is changed, missing or unwanted."""
        return bool(self.changed or self.missing or self.unwanted)

    @property
    def is_clean(self) -> bool:
        """True when nothing counts as drift: no managed schedule differs, and unmanaged ones
        are either absent or only reported (``prune`` off, ``drift.unmanaged: report``)."""
        return not (self.managed_differs or (self.unmanaged and self.unmanaged_is_drift))

    def counts(self) -> dict[str, int]:
        """Counts by group, for summaries."""
        return {
            "changed": len(self.changed),
            "missing": len(self.missing),
            "unwanted": len(self.unwanted),
            "unmanaged": len(self.unmanaged),
            "in_sync": self.in_sync,
            "ignored": self.ignored,
        }


def build_drift(
    specs: Sequence[LoadedSpec], live: Iterable[LiveSchedule], config: ReconcilerConfig
) -> DriftReport:
    """Compare the account with the specs; ``PlanError`` when a spec cannot be matched."""
    report_config = config.model_copy(update={"prune": False})
    diff = diff_specs(specs, live, report_config)
    if diff.issues:
        raise PlanError(diff.issues)
    by_id = {r.id: r for r in diff.considered}

    def audit(schedule_id: int | None) -> Mapping[str, str] | None:
        record = by_id.get(schedule_id) if schedule_id is not None else None
        return dict(record.audit) if record is not None else None

    changed, missing, unwanted = [], [], []
    for change in diff.changes:
        match change.action:
            case "update":
                changed.append(
                    DriftItem(
                        change.name, change.id, change.fields, audit(change.id), change.source
                    )
                )
            case "create":
                missing.append(DriftItem(change.name, None, source=change.source))
            case "delete":
                unwanted.append(
                    DriftItem(change.name, change.id, audit=audit(change.id), source=change.source)
                )
    unmanaged = tuple(DriftItem(r.name, r.id, audit=dict(r.audit)) for r in diff.unmanaged)
    return DriftReport(
        changed=tuple(changed),
        missing=tuple(missing),
        unwanted=tuple(unwanted),
        unmanaged=unmanaged,
        in_sync=diff.unchanged,
        ignored=diff.ignored,
        unmanaged_is_drift=config.prune or config.drift.unmanaged == "fail",
    )


def focus_drift(report: DriftReport, matches: Callable[[str], bool]) -> DriftReport:
    """The report narrowed to schedules whose spec or live name ``matches`` (``--only``)."""

    def kept(items: tuple[DriftItem, ...]) -> tuple[DriftItem, ...]:
        return tuple(
            i
            for i in items
            if matches(i.name)
            or any(
                f.field == "name" and isinstance(f.before, str) and matches(f.before)
                for f in i.fields
            )
        )

    return dataclasses.replace(
        report,
        changed=kept(report.changed),
        missing=kept(report.missing),
        unwanted=kept(report.unwanted),
        unmanaged=kept(report.unmanaged),
    )
