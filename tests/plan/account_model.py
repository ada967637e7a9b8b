"""A small in-memory model of a TrackDrive account, to apply plans to in property tests.

It shares no matching or diffing code with the reconciler: it stores API-shaped records, hides
from reads the fields a token may not see, and carries out a plan's writes literally (a create
gets the next id, an update sets the fields it names, a delete removes the record). It checks
what any real account would refuse or what would mean the plan is wrong: a write to an id that
does not exist, two writes to one id, a write to a field the token cannot see.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from reconciler.live import LiveSchedule, live_from_record
from reconciler.normalize import FieldValue
from reconciler.plan import Plan

__all__ = ["Account", "ModelError", "StoredSchedule"]

# What TrackDrive gives a new schedule for the fields a POST did not set.
_DEFAULTS: Mapping[str, object] = {
    "offer_id": None,
    "paused": False,
    "sortable_order": None,
    "lead_duplicate_timeframe": None,
}


class ModelError(AssertionError):
    """The plan asked the account for something no account would do."""


@dataclass
class StoredSchedule:
    """One schedule as the account stores it, and which of its fields the token cannot see."""

    values: dict[str, object]
    hidden: frozenset[str] = frozenset()

    def record(self, schedule_id: int) -> dict[str, object]:
        """The record the API returns to this token."""
        shown = {k: v for k, v in self.values.items() if k not in self.hidden}
        return {"id": schedule_id, **shown}


@dataclass
class Account:
    """Schedules by id; ``hidden_on_create`` are the fields the token cannot see on new ones."""

    schedules: dict[int, StoredSchedule] = field(default_factory=dict)
    hidden_on_create: frozenset[str] = frozenset()
    last_id: int = 0

    def __post_init__(self) -> None:
        self.last_id = max(self.last_id, *self.schedules, 0)

    @classmethod
    def from_records(
        cls, records: Iterable[tuple[Mapping[str, Any], frozenset[str]]], **kwargs: Any
    ) -> Account:
        """An account holding these ``(record, hidden fields)`` pairs; records carry an ``id``."""
        schedules: dict[int, StoredSchedule] = {}
        for record, hidden in records:
            values = {k: v for k, v in record.items() if k != "id"}
            schedules[int(record["id"])] = StoredSchedule(values, hidden)
        return cls(schedules, **kwargs)

    def live(self) -> list[LiveSchedule]:
        """What a full read of the account returns, as the reconciler reads it."""
        return [live_from_record(s.record(i)) for i, s in sorted(self.schedules.items())]

    def apply(self, plan: Plan) -> None:
        """Carry out every change of ``plan``."""
        touched: set[int] = set()
        for change in plan.changes:
            if change.action == "create":
                if change.id is not None:
                    raise ModelError(f"a create carries id {change.id}")
                values: dict[str, object] = {"name": change.name, **_DEFAULTS}
                values.update({f: _api_value(v) for f, v in change.values().items()})
                self.schedules[self._next_id()] = StoredSchedule(values, self.hidden_on_create)
                continue
            if change.id is None or change.id not in self.schedules:
                raise ModelError(f"{change.action} of id {change.id}, which does not exist")
            if change.id in touched:
                raise ModelError(f"the plan writes id {change.id} twice")
            touched.add(change.id)
            if change.action == "delete":
                del self.schedules[change.id]
                continue
            stored = self.schedules[change.id]
            for name, value in change.values().items():
                if name in stored.hidden:
                    raise ModelError(f"update of id {change.id} writes hidden field {name}")
                stored.values[name] = _api_value(value)

    def _next_id(self) -> int:
        # Ids are never reused, as on any real account.
        self.last_id += 1
        return self.last_id


def _api_value(value: FieldValue) -> object:
    """A value as the API echoes it: Rails serializes decimals as strings."""
    return str(value) if isinstance(value, Decimal) else value
