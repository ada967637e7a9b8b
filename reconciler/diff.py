"""Match specs to live schedules, and say field by field what differs.

Rules, in order:

1. A live schedule whose name matches an ``ignore`` pattern does not exist for the reconciler:
   never matched, changed, deleted or counted as unmanaged (only counted as ignored).
2. A spec with ``id`` matches the live schedule with that id; a different ``name`` is a rename.
   A pinned id that is not live is an error, unless the spec says ``ensure: absent``.
3. Any other spec matches the one live schedule with exactly its name, among those no pinned
   spec claimed. Two or more such schedules are an error that asks for an ``id`` pin.
4. A spec that matches nothing is a create; with ``ensure: absent`` it is a no-op.
5. Live schedules no spec matched are unmanaged; with ``prune`` they are deleted.

Only the managed fields a spec names are compared, both sides in canonical form. A field the
live record does not show (TrackDrive hides fields a token may not see) is unknown, never a
change.
"""

from __future__ import annotations

import dataclasses
import re
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Literal

from deepdiff import DeepDiff

from reconciler.errors import Issue
from reconciler.live import LiveSchedule
from reconciler.location import Location
from reconciler.normalize import MANAGED_FIELDS, FieldValue, ManagedField
from reconciler.spec import LoadedSpec, ReconcilerConfig

__all__ = [
    "Action",
    "Change",
    "Diff",
    "FieldChange",
    "UnknownField",
    "diff_fields",
    "diff_specs",
]

Action = Literal["create", "update", "delete"]
ACTION_ORDER: Mapping[Action, int] = {"create": 0, "update": 1, "delete": 2}


@dataclass(frozen=True, slots=True)
class FieldChange:
    """One managed field going from ``before`` to ``after`` (``None`` before a create).

    ``source`` is where ``after`` was written when that is not the spec's own entry (the
    file's ``defaults:``, a merge key, an alias), so a reviewer finds the line that set it.
    """

    field: ManagedField
    before: FieldValue
    after: FieldValue
    source: Location | None = None


@dataclass(frozen=True, slots=True)
class Change:
    """One write the plan makes: a create, an update of some fields, or a delete."""

    action: Action
    name: str
    id: int | None
    fields: tuple[FieldChange, ...] = ()
    reason: str | None = None
    source: Location | None = None

    @property
    def renamed_from(self) -> str | None:
        """The old name when this update renames the schedule."""
        if self.action != "update":
            return None
        for change in self.fields:
            if change.field == "name" and isinstance(change.before, str):
                return change.before
        return None

    def values(self) -> dict[ManagedField, FieldValue]:
        """The values this change writes, by field."""
        return {c.field: c.after for c in self.fields}


@dataclass(frozen=True, slots=True)
class UnknownField:
    """A managed field the spec sets but the live record hides from this token."""

    name: str
    id: int
    field: ManagedField


@dataclass(frozen=True, slots=True)
class Diff:
    """Everything the comparison found, before any safety policy."""

    changes: tuple[Change, ...]
    unchanged: int
    unmanaged: tuple[LiveSchedule, ...]
    ignored: int
    unknown: tuple[UnknownField, ...]
    warnings: tuple[str, ...]
    issues: tuple[Issue, ...] = field(default=())
    considered: tuple[LiveSchedule, ...] = field(default=())
    unchanged_names: tuple[str, ...] = field(default=())


def diff_fields(
    desired: Mapping[ManagedField, FieldValue], live: LiveSchedule
) -> tuple[tuple[FieldChange, ...], tuple[ManagedField, ...]]:
    """The fields whose canonical live value differs from ``desired``, and those hidden."""
    shown = {f: v for f, v in desired.items() if f in live.fields}
    hidden = tuple(f for f in MANAGED_FIELDS if f in desired and f not in live.fields)
    before = {f: live.fields[f] for f in shown}
    # A plain comparison first: most records match, and DeepDiff costs ~0.3 ms a call.
    if before == shown:
        return (), hidden
    report = DeepDiff(before, shown)
    changed: set[str] = set()
    for kind in ("values_changed", "type_changes"):
        for path in report.get(kind, {}):
            changed.add(_field_of(path))
    if not changed:  # never let a reporting quirk hide a real difference
        changed = {f for f in shown if before[f] != shown[f]}
    changes = tuple(
        FieldChange(f, before[f], shown[f]) for f in MANAGED_FIELDS if f in changed and f in shown
    )
    return changes, hidden


def _field_of(path: str) -> str:
    # DeepDiff paths look like root['paused'].
    return path.removeprefix("root['").split("'", 1)[0]


def diff_specs(
    specs: Sequence[LoadedSpec], live: Iterable[LiveSchedule], config: ReconcilerConfig
) -> Diff:
    """Compare the specs with the live schedules under ``config``'s ownership rules."""
    patterns = [re.compile(p) for p in config.ignore]

    def ignored(name: str) -> bool:
        return any(p.search(name) for p in patterns)

    records = list(live)
    # A record that hides its name can match no spec and no ignore pattern: it is considered,
    # reported as unmanaged, and never pruned (its owner cannot be told).
    considered = [r for r in records if not (r.name_visible and ignored(r.name))]
    ignored_count = len(records) - len(considered)
    by_id = {record.id: record for record in considered}
    by_name: dict[str, list[LiveSchedule]] = defaultdict(list)
    for record in considered:
        if record.name_visible:
            by_name[record.name].append(record)
    # Only specs that take part claim their pinned id: a spec skipped as ignored claims nothing.
    pinned = {s.spec.id for s in specs if s.spec.id is not None and not ignored(s.spec.name)}

    changes: list[Change] = []
    unknown: list[UnknownField] = []
    warnings: list[str] = []
    issues: list[Issue] = []
    matched: set[int] = set()
    unchanged_names: list[str] = []

    for loaded in specs:
        spec = loaded.spec
        where = loaded.location
        if ignored(spec.name):
            warnings.append(
                f"{where}: '{spec.name}' matches an ignore pattern in reconciler.yaml; "
                "the spec is skipped"
            )
            continue
        found = _match(loaded, by_id, by_name, pinned)
        if isinstance(found, Issue):
            issues.append(found)
            continue
        target = found
        if target is not None:
            matched.add(target.id)
        if spec.ensure == "absent":
            if target is not None:
                changes.append(
                    Change(
                        "delete",
                        target.name,
                        target.id,
                        _deleted_fields(target),
                        reason="ensure: absent",
                        source=where,
                    )
                )
            continue
        desired = spec.managed_values()
        if target is None:
            fields = tuple(FieldChange(f, None, v) for f, v in desired.items())
            changes.append(
                Change("create", spec.name, None, _sourced(fields, loaded), source=where)
            )
            continue
        field_changes, hidden = diff_fields(desired, target)
        unknown.extend(UnknownField(spec.name, target.id, f) for f in hidden)
        if field_changes:
            field_changes = _sourced(field_changes, loaded)
            changes.append(Change("update", spec.name, target.id, field_changes, source=where))
        else:
            unchanged_names.append(spec.name)

    unmanaged = tuple(r for r in considered if r.id not in matched)
    if config.prune:
        unmanaged = _prune(unmanaged, changes, warnings)
    warnings.extend(_name_collisions(changes, considered))
    return Diff(
        changes=tuple(sorted(changes, key=_change_order)),
        unchanged=len(unchanged_names),
        unmanaged=tuple(sorted(unmanaged, key=lambda r: (r.name, r.id))),
        ignored=ignored_count,
        unknown=tuple(unknown),
        warnings=tuple(warnings),
        issues=tuple(issues),
        considered=tuple(considered),
        unchanged_names=tuple(unchanged_names),
    )


def _sourced(fields: tuple[FieldChange, ...], loaded: LoadedSpec) -> tuple[FieldChange, ...]:
    """``fields`` with the location of each value written outside the spec's entry."""
    if not loaded.origins:
        return fields
    return tuple(
        dataclasses.replace(f, source=source)
        if (source := loaded.source_of(f.field)) is not None
        else f
        for f in fields
    )


def _prune(
    unmanaged: Sequence[LiveSchedule], changes: list[Change], warnings: list[str]
) -> tuple[LiveSchedule, ...]:
    """Plan deletes for the unmanaged schedules; return those prune must leave alone."""
    changes.extend(
        Change("delete", r.name, r.id, _deleted_fields(r), reason="prune: no spec names it")
        for r in unmanaged
        if r.name_visible
    )
    nameless = tuple(r for r in unmanaged if not r.name_visible)
    if nameless:
        ids = ", ".join(str(r.id) for r in nameless[:10])
        if len(nameless) == 1:
            warnings.append(
                f"1 live schedule hides its name from this token; prune leaves it alone (id {ids})"
            )
        else:
            warnings.append(
                f"{len(nameless)} live schedules hide their names from this token; prune leaves "
                f"them alone (ids {ids}{', …' if len(nameless) > 10 else ''})"
            )
    return nameless


def _match(
    loaded: LoadedSpec,
    by_id: Mapping[int, LiveSchedule],
    by_name: Mapping[str, list[LiveSchedule]],
    pinned: set[int],
) -> LiveSchedule | Issue | None:
    """The live schedule a spec manages, ``None`` for none, or why it cannot be told."""
    spec = loaded.spec
    if spec.id is not None:
        target = by_id.get(spec.id)
        if target is None and spec.ensure == "present":
            return Issue(
                f"'{spec.name}' pins id {spec.id}, which is not a live schedule "
                "(or is ignored); remove the id to create it, or fix the id",
                loaded.key_locations.get("id", loaded.location),
            )
        return target
    candidates = [r for r in by_name.get(spec.name, []) if r.id not in pinned]
    if len(candidates) > 1:
        ids = ", ".join(str(r.id) for r in sorted(candidates, key=lambda r: r.id))
        return Issue(
            f"{len(candidates)} live schedules are named '{spec.name}' "
            f"(ids {ids}); pin the one this spec manages with `id:`",
            loaded.location,
        )
    return candidates[0] if candidates else None


def _deleted_fields(record: LiveSchedule) -> tuple[FieldChange, ...]:
    return tuple(
        FieldChange(f, record.fields[f], None) for f in MANAGED_FIELDS if f in record.fields
    )


def _change_order(change: Change) -> tuple[int, str, int]:
    return (ACTION_ORDER[change.action], change.name, change.id or 0)


def _name_collisions(changes: Sequence[Change], considered: Sequence[LiveSchedule]) -> list[str]:
    """Warn when the account would end up with two schedules of one name after the plan."""
    deleted = {c.id for c in changes if c.action == "delete"}
    final: dict[int | str, str] = {r.id: r.name for r in considered if r.id not in deleted}
    for change in changes:
        new_name = change.values().get("name")
        if change.action == "update" and isinstance(new_name, str) and change.id is not None:
            final[change.id] = new_name
        elif change.action == "create":
            final[f"new:{change.name}"] = change.name
    counts: dict[str, int] = defaultdict(int)
    for name in final.values():
        counts[name] += 1
    renamed = {c.name for c in changes if c.renamed_from is not None}
    return [
        f"after this plan {counts[name]} schedules would be named '{name}'; "
        "matching by name will then need an `id:` pin"
        for name in sorted(renamed)
        if counts[name] > 1
    ]
