"""A Schedule record: its defaults, its writable params, its validations and its JSON shapes.

Records are kept as the default ``schedule`` serializer shows them (decimals as Rails strings,
timestamps in the account's zone), so storing and answering never disagree.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Mapping, Sequence
from datetime import datetime
from typing import Any

from reconciler.sandbox import assumptions
from reconciler.sandbox.clock import ACCOUNT_TIME_ZONE, format_timestamp
from reconciler.sandbox.fields import COLUMNS, DEFAULT_SERIALIZER_EXTRAS
from reconciler.sandbox.values import (
    InvalidParamError,
    is_blank,
    parse_boolean,
    parse_decimal,
    parse_integer_id,
    parse_number,
    parse_string,
    rails_decimal,
)

__all__ = [
    "API_USER_ID",
    "COMPANY_ID",
    "Errors",
    "ValidationFailedError",
    "apply_changes",
    "blank_record",
    "checksum",
    "envelope",
    "error_body",
    "new_record",
    "present",
    "read_changes",
]

#: The sandbox account's company, and the user its API keys belong to.
COMPANY_ID = 4101
API_USER_ID = 77001
NAME_MAX_LENGTH = assumptions.NAME_MAX_LENGTH

Errors = dict[str, list[str]]
Record = dict[str, Any]


class ValidationFailedError(Exception):
    """Params or a record that break a validation: answered as 422 with ``errors``."""

    def __init__(self, errors: Errors) -> None:
        super().__init__(errors)
        self.errors = errors


_READERS: dict[str, Callable[[object], object]] = {
    "name": parse_string,
    "description": parse_string,
    "offer_id": parse_integer_id,
    "paused": parse_boolean,
    "sortable_order": parse_decimal,
    "lead_duplicate_timeframe": parse_number,
}


def read_changes(params: Mapping[str, object], permitted: Sequence[str]) -> Record:
    """The permitted params, validated and shaped as record values; others are dropped.

    Raises ``ValidationFailedError`` with every broken param at once.
    """
    changes: Record = {}
    errors: Errors = {}
    for field in permitted:
        if field not in params:
            continue
        try:
            value = _READERS[field](params[field])
        except InvalidParamError as exc:
            errors.setdefault(field, []).append(str(exc))
            continue
        if field == "paused":
            value = assumptions.BLANK_PAUSED if value is None else bool(value)
        elif field == "sortable_order" and value is not None:
            value = rails_decimal(value)  # type: ignore[arg-type]
        changes[field] = value
    if "name" in changes:
        name = changes["name"]
        if assumptions.NAME_REQUIRED and is_blank(name):
            errors.setdefault("name", []).append("can't be blank")
        elif len(name) > NAME_MAX_LENGTH:
            errors.setdefault("name", []).append(
                f"is too long (maximum is {NAME_MAX_LENGTH} characters)"
            )
    if errors:
        raise ValidationFailedError(errors)
    return changes


def blank_record() -> Record:
    """A Schedule with its defaults and nothing saved yet (``GET /api/v1/schedules/new``)."""
    record: Record = dict.fromkeys((*COLUMNS, *DEFAULT_SERIALIZER_EXTRAS))
    record.update(
        {
            "type": "Schedule",
            "company_id": COMPANY_ID,
            "time_zone": ACCOUNT_TIME_ZONE,
            "calls_count": 0,
            "recent_calls_count": 0,
            "action_sms_use_ring_pool": False,
            "action_dial_use_ring_pool": False,
            "during_daylight_hours": False,
            "use_do_not_call": True,
            "available_cc_percentage": "100.0",
            "calls_on_hold_limit": 0,
            "use_machine_detection": False,
            "action_dial_skip_mobile": False,
            "off_hook_enabled": False,
            "skip_placing_calls_until_agent_count_exceeds": 0,
            "paused": False,
            "dial_caller_name": False,
            "daylight_hours_open": "08:00",
            "daylight_hours_close": "21:00",
            "numbers_count": 0,
            "leads_sort_order_type": "newest_first",
            "action_ids": [],
            "end_of_schedule_action_ids": [],
            "schedule_trigger_ids": [],
            "record_token_filter_end_of_schedule_data_count": 0,
            "record_token_filter_end_of_schedule_data": [],
            "record_token_filter_scheduled_callback_data_count": 0,
            "record_token_filter_scheduled_callback_data": [],
            "machine_detection_record_token_filter_data_count": 0,
            "machine_detection_record_token_filter_data": [],
            "record_token_filter_data_count": 0,
            "record_token_filter_data": [],
            "schedule_type": "contact_caller",
            "instant_agent_dial_weight": 1,
            "real_time_priority": 0,
        }
    )
    return record


def new_record(
    *,
    record_id: int,
    uuid: str,
    lead_token: str,
    leads_api_key: str,
    changes: Mapping[str, Any],
    now: datetime,
    schedule_type: str = "contact_caller",
) -> Record:
    """A freshly created Schedule with ``changes`` (validated params) applied."""
    stamp = format_timestamp(now)
    record = blank_record()
    record.update(
        {
            "id": record_id,
            "uuid": uuid,
            "created_at": stamp,
            "updated_at": stamp,
            "user_updated_at": stamp,
            "routes_show_path": f"/schedules/{record_id}",
            "routes_edit_path": f"/schedules/{record_id}/edit",
            "lead_token": lead_token,
            "leads_api_key": leads_api_key,
            "schedule_type": schedule_type,
        }
    )
    for field, value in changes.items():
        record[field] = value
    if record["paused"]:
        record["paused_at"] = stamp
        record["paused_by_user_id"] = API_USER_ID
    return record


def apply_changes(record: Record, changes: Mapping[str, Any], now: datetime) -> bool:
    """Apply validated params to ``record`` in place; True when anything changed.

    Pausing stamps ``paused_at`` and ``paused_by_user_id``; unpausing stamps ``unpaused_at``.
    A change bumps ``updated_at`` and ``user_updated_at``; a no-op write touches nothing.
    """
    changed = [field for field, value in changes.items() if record.get(field) != value]
    if not changed:
        return False
    stamp = format_timestamp(now)
    for field in changed:
        record[field] = changes[field]
    if "paused" in changed:
        if record["paused"]:
            record["paused_at"] = stamp
            record["paused_by_user_id"] = API_USER_ID
        else:
            record["unpaused_at"] = stamp
            record["paused_by_user_id"] = None
    record["updated_at"] = stamp
    record["user_updated_at"] = stamp
    return True


def present(record: Mapping[str, Any], serializer: str, columns: Sequence[str] | None) -> Record:
    """A record as a response shows it: the serializer's fields, narrowed to ``columns``."""
    fields = COLUMNS if serializer == "schedule_grid" else tuple(record)
    if columns is not None:
        wanted = set(columns)
        fields = tuple(field for field in fields if field in wanted)
    return {field: record.get(field) for field in fields}


def _compact_json(value: object) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def checksum(record: Mapping[str, Any]) -> str:
    """The envelope's ``checksum``: 32 hex digits, the MD5 of the record's JSON."""
    digest = hashlib.new(assumptions.CHECKSUM_ALGORITHM, usedforsecurity=False)
    digest.update(_compact_json(record).encode())
    return digest.hexdigest()


def envelope(root: str, record: Mapping[str, Any]) -> Record:
    """The single-record envelope: status, errors, the record, its checksum, metadata."""
    return {
        "status": 200,
        "errors": {},
        root: dict(record),
        "checksum": checksum(record),
        "metadata": {"root": root},
    }


def error_body(status: int, errors: Errors) -> Record:
    """The body of every JSON error: ``{"status": 422, "errors": {"field": ["message"]}}``."""
    return {"status": status, "errors": errors}
