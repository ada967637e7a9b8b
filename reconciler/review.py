"""A pull request's plan, split into what the PR changes and what already drifted.

Both plans are built from the *same* live snapshot: ``base`` from the base branch's specs,
``head`` from the PR's. One rule sorts every write of the head plan, field by field:

- a write is **the PR's** when the head specs differ from the base specs for that field, i.e.
  the base plan would not make that exact write (same schedule, same field, same new value);
- a write is **drift already on the account** when the base plan makes it too: the base specs
  would revert it as well, so it was there before the PR;
- **drift the PR accepts** is a field the base plan would revert and the head plan leaves alone
  (its specs now match the live value, as after ``import --adopt``, or stop managing it).

Updates are compared field by field, so a drifted schedule the PR also edits shows the PR's
field under the PR and the drifted one under drift, and a rename is the PR's ``name`` while the
schedule's older drift stays drift. A create (matched by name) or a delete (by id) is one write
and is compared whole: it is drift only when the base plan makes the identical create or delete.
A schedule the head deletes accepts nothing: its drift is gone with it.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from dataclasses import dataclass

from reconciler.diff import Change, FieldChange
from reconciler.plan import Plan

__all__ = ["Review", "split_review"]


@dataclass(frozen=True, slots=True)
class Review:
    """The head plan, and its changes sorted by where they come from."""

    head: Plan
    introduced: tuple[Change, ...]
    existing: tuple[Change, ...]
    accepted: tuple[Change, ...]

    def introduced_plan(self) -> Plan:
        """The head plan with only the PR's own changes."""
        return dataclasses.replace(self.head, changes=self.introduced)

    def existing_plan(self) -> Plan:
        """The head plan with only the drift that main's specs would apply too."""
        return dataclasses.replace(self.head, changes=self.existing, warnings=(), breaches=())


def _identity(change: Change) -> tuple[str, object]:
    """Which schedule a change writes to: the live id, or the name of one to create."""
    return ("create", change.name) if change.id is None else ("id", change.id)


def _whole(change: Change) -> tuple[object, ...]:
    return (change.action, change.name, change.fields)


def _part(change: Change, fields: Iterable[FieldChange]) -> Change | None:
    kept = tuple(fields)
    return dataclasses.replace(change, fields=kept) if kept else None


def split_review(base: Plan, head: Plan) -> Review:
    """Sort the head plan's writes into the PR's own, existing drift, and accepted drift."""
    base_by = {_identity(c): c for c in base.changes}
    head_by = {_identity(c): c for c in head.changes}
    introduced: list[Change] = []
    existing: list[Change] = []
    for change in head.changes:
        twin = base_by.get(_identity(change))
        if change.action != "update" or twin is None or twin.action != "update":
            same = twin is not None and _whole(twin) == _whole(change)
            (existing if same else introduced).append(change)
            continue
        reverted = set(twin.fields)
        for part, bucket in (
            (_part(change, (f for f in change.fields if f not in reverted)), introduced),
            (_part(change, (f for f in change.fields if f in reverted)), existing),
        ):
            if part is not None:
                bucket.append(part)
    accepted: list[Change] = []
    for change in base.changes:
        own = head_by.get(_identity(change))
        if own is None:
            accepted.append(change)
        elif change.action == own.action == "update":
            touched = {f.field for f in own.fields}
            part = _part(change, (f for f in change.fields if f.field not in touched))
            if part is not None:
                accepted.append(part)
    return Review(
        head=head,
        introduced=tuple(introduced),
        existing=tuple(existing),
        accepted=tuple(accepted),
    )
