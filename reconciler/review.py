"""A pull request's plan, split into what the PR changes and what already drifted.

Planning the base branch's specs and the head's against the *same* live snapshot tells the two
apart: a change both would make is drift already on the account (main's specs would apply it
too); a change only the head makes is the PR's own; a change only the base would make is drift
the PR stops correcting (it accepts the live value, as ``import --adopt`` does).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

from reconciler.diff import Change
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


def _key(change: Change) -> tuple[object, ...]:
    return (change.action, change.id, change.name, change.fields)


def split_review(base: Plan, head: Plan) -> Review:
    """Compare the base branch's plan with the head's, both from one live snapshot."""
    base_keys = {_key(c) for c in base.changes}
    head_keys = {_key(c) for c in head.changes}
    return Review(
        head=head,
        introduced=tuple(c for c in head.changes if _key(c) not in base_keys),
        existing=tuple(c for c in head.changes if _key(c) in base_keys),
        accepted=tuple(c for c in base.changes if _key(c) not in head_keys),
    )
