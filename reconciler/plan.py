"""The plan: what apply will do, as pure data, from specs and live records.

``build_plan(specs, live, config) -> Plan`` matches and diffs (``diff``), applies the safety
policy (``policy``), and records what apply needs to refuse a stale plan: a fingerprint of each
live record read, and a digest of the specs. The same inputs always give the same plan.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from reconciler.diff import Change, UnknownField, diff_specs
from reconciler.errors import PlanError
from reconciler.live import LiveSchedule
from reconciler.lookalike import lookalike_warnings
from reconciler.policy import check_policy
from reconciler.spec import LoadedSpec, ReconcilerConfig

__all__ = [
    "Plan",
    "Summary",
    "UnmanagedSchedule",
    "build_plan",
    "config_digest",
    "focus",
    "specs_digest",
    "stale_schedules",
]


@dataclass(frozen=True, slots=True)
class Summary:
    """The counts a reader looks at first."""

    create: int
    update: int
    delete: int
    unchanged: int
    unmanaged: int
    ignored: int

    @property
    def changes(self) -> int:
        """How many writes the plan makes."""
        return self.create + self.update + self.delete


@dataclass(frozen=True, slots=True)
class UnmanagedSchedule:
    """A live schedule that no spec names (reported, never touched without prune)."""

    name: str
    id: int


@dataclass(frozen=True, slots=True)
class Plan:
    """Changes to make, what was left alone, and what apply must check first."""

    changes: tuple[Change, ...]
    unchanged: int
    unmanaged: tuple[UnmanagedSchedule, ...]
    ignored: int
    live_count: int
    unknown: tuple[UnknownField, ...] = ()
    warnings: tuple[str, ...] = ()
    breaches: tuple[str, ...] = ()
    refusals: tuple[str, ...] = ()
    fingerprints: Mapping[int, str] = field(default_factory=dict)
    specs_digest: str = ""
    config_digest: str = ""
    account: str = ""
    only: str | None = None
    # The names counted in ``unchanged``, so ``focus`` can narrow the count too. Not saved in
    # plan files (a saved plan was focused before it was written) and not part of equality.
    unchanged_names: tuple[str, ...] = field(default=(), compare=False)

    @property
    def summary(self) -> Summary:
        """Counts by kind."""
        count = {"create": 0, "update": 0, "delete": 0}
        for change in self.changes:
            count[change.action] += 1
        return Summary(
            create=count["create"],
            update=count["update"],
            delete=count["delete"],
            unchanged=self.unchanged,
            unmanaged=len(self.unmanaged),
            ignored=self.ignored,
        )

    @property
    def is_empty(self) -> bool:
        """True when applying would write nothing."""
        return not self.changes

    def touched_ids(self) -> tuple[int, ...]:
        """Ids of the live schedules this plan updates or deletes."""
        return tuple(sorted(c.id for c in self.changes if c.id is not None))


def build_plan(
    specs: Sequence[LoadedSpec], live: Iterable[LiveSchedule], config: ReconcilerConfig
) -> Plan:
    """Plan the writes that make the account match ``specs``; ``PlanError`` if ambiguous."""
    diff = diff_specs(specs, live, config)
    if diff.issues:
        raise PlanError(diff.issues)
    verdict = check_policy(
        diff.changes, live_count=len(diff.considered), spec_count=len(specs), config=config
    )
    return Plan(
        changes=diff.changes,
        unchanged=diff.unchanged,
        unchanged_names=diff.unchanged_names,
        unmanaged=tuple(UnmanagedSchedule(r.name, r.id) for r in diff.unmanaged),
        ignored=diff.ignored,
        live_count=len(diff.considered),
        unknown=diff.unknown,
        warnings=diff.warnings
        + lookalike_warnings(
            [s.spec.name for s in specs] + [r.name for r in diff.considered if r.name_visible]
        ),
        breaches=verdict.breaches,
        refusals=verdict.refusals,
        fingerprints={r.id: r.fingerprint() for r in sorted(diff.considered, key=lambda r: r.id)},
        specs_digest=specs_digest(specs),
        config_digest=config_digest(config),
    )


def config_digest(config: ReconcilerConfig) -> str:
    """A digest of reconciler.yaml's meaning: prune, ignore patterns and thresholds.

    ``limits`` bound the input files, not what a plan does, so they are left out.
    """
    payload = json.dumps(config.model_dump(mode="json", exclude={"limits"}), sort_keys=True)
    return hashlib.sha256(payload.encode()).hexdigest()


def focus(plan: Plan, matches: Callable[[str], bool]) -> Plan:
    """The plan narrowed to the schedules whose new or old name ``matches`` (``--only``).

    Matching and diffing always see every spec and live schedule, so narrowing can never turn
    a rename into a delete or hide a name clash; only what is shown and applied is narrowed.
    """

    def kept(change: Change) -> bool:
        old = change.renamed_from
        return matches(change.name) or (old is not None and matches(old))

    unchanged = tuple(n for n in plan.unchanged_names if matches(n))
    return dataclasses.replace(
        plan,
        changes=tuple(c for c in plan.changes if kept(c)),
        unchanged=len(unchanged) if plan.unchanged_names else plan.unchanged,
        unchanged_names=unchanged,
        unmanaged=tuple(u for u in plan.unmanaged if matches(u.name)),
        unknown=tuple(u for u in plan.unknown if matches(u.name)),
    )


def specs_digest(specs: Sequence[LoadedSpec]) -> str:
    """A digest of what the specs ask for: comments and formatting do not change it."""
    payload = sorted(
        (s.spec.model_dump(mode="json", exclude_unset=True) for s in specs),
        key=lambda d: json.dumps(d, sort_keys=True),
    )
    return hashlib.sha256(json.dumps(payload, sort_keys=True).encode()).hexdigest()


def stale_schedules(plan: Plan, live: Iterable[LiveSchedule]) -> list[str]:
    """Schedules the plan touches that changed on the account since it was computed.

    An update or delete is stale when its record's managed fields changed or it is gone;
    a create, or a rename, is stale when another schedule has taken its name meanwhile.
    """
    current = {record.id: record for record in live}
    holders: dict[str, set[int]] = {}
    for schedule in current.values():
        holders.setdefault(schedule.name, set()).add(schedule.id)
    stale: list[str] = []
    for change in plan.changes:
        if change.id is None:
            if change.name in holders:
                stale.append(f'"{change.name}" (created on the account meanwhile)')
            continue
        record = current.get(change.id)
        if record is None:
            stale.append(f'"{change.name}" (id {change.id}, deleted meanwhile)')
        elif record.fingerprint() != plan.fingerprints.get(change.id):
            stale.append(f'"{change.name}" (id {change.id})')
        elif change.renamed_from is not None and holders.get(change.name, set()) - {change.id}:
            stale.append(f'"{change.name}" (the new name was taken on the account meanwhile)')
    return stale
