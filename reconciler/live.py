"""A live schedule as the reconciler sees it, read from one TrackDrive API record.

TrackDrive hides fields a token may not see ("Unauthorized fields are hidden from the
response"), so a field missing from a record is *unknown*, never empty: ``fields`` simply has
no key for it, and the diff reports it as unknown instead of planning a change.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Final

from reconciler.normalize import MANAGED_FIELDS, FieldValue, ManagedField, canonical

__all__ = ["AUDIT_KEYS", "LiveRecordError", "LiveSchedule", "live_from_record"]

# Read-only keys kept for drift reports: when a record changed and, for pauses, by whom.
AUDIT_KEYS: Final[tuple[str, ...]] = (
    "updated_at",
    "user_updated_at",
    "paused_at",
    "paused_by_user_id",
)


class LiveRecordError(ValueError):
    """A record from the API that cannot be read as a schedule."""


@dataclass(frozen=True, slots=True)
class LiveSchedule:
    """One schedule on the account: its id, the managed fields it shows, audit stamps."""

    id: int
    fields: Mapping[ManagedField, FieldValue]
    audit: Mapping[str, str] = field(default_factory=dict)

    @property
    def name(self) -> str:
        """The schedule's name; a record without a visible name shows as its id."""
        value = self.fields.get("name")
        return value if isinstance(value, str) else f"#{self.id}"

    @property
    def name_visible(self) -> bool:
        """Whether the record shows its name (a hidden name matches no spec and no pattern)."""
        return isinstance(self.fields.get("name"), str)

    def fingerprint(self) -> str:
        """A short digest of the managed fields, to detect a change between plan and apply."""
        payload = {k: _jsonable(v) for k, v in sorted(self.fields.items())}
        digest = hashlib.sha256(json.dumps(payload, sort_keys=True).encode()).hexdigest()
        return digest[:16]


def live_from_record(record: Mapping[str, Any]) -> LiveSchedule:
    """Read one API record; managed fields it does not show stay unknown."""
    raw_id = record.get("id")
    if isinstance(raw_id, bool) or not isinstance(raw_id, int | str):
        raise LiveRecordError(f"a schedule record has no usable id: {raw_id!r}")
    try:
        schedule_id = int(raw_id)
    except ValueError:
        raise LiveRecordError(f"a schedule record has a non-numeric id: {raw_id!r}") from None
    fields: dict[ManagedField, FieldValue] = {}
    for name in MANAGED_FIELDS:
        if name not in record:
            continue
        try:
            fields[name] = canonical(name, record[name])
        except ValueError as exc:
            raise LiveRecordError(f"schedule {schedule_id}: field {name}: {exc}") from None
    audit = {k: str(record[k]) for k in AUDIT_KEYS if record.get(k) is not None}
    return LiveSchedule(id=schedule_id, fields=fields, audit=audit)


def _jsonable(value: FieldValue) -> object:
    return str(value) if not isinstance(value, bool | int | str) and value is not None else value
