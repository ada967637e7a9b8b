"""``POST /api/v1/schedules/make_call``: resolve who to call, enforce every guard, dial.

The guards, in the order they are checked (each refusal its own status and message):

1. params: ``lead_id``, ``lead_token``, ``to`` must be strings and ``data`` a hash (422);
2. who to call: ``lead_id``, or ``schedule_id`` / ``lead_token`` plus ``to`` (422 when neither,
   422 ``to`` when it is missing); an unknown lead or schedule is 404;
3. routing: a ``lead_distribution`` schedule routes to the target of the first distribution
   whose ``match`` equals the submitted ``data`` (422 ``data`` when none does);
4. the schedule (router and target) must be active, i.e. not paused (422 ``schedule``);
5. the destination must be a valid number (422 ``to``);
6. it must not be on the account's suppression (DNC) list (403 ``to``);
7. more than one live lead for that number in the schedule is a conflict (409 ``to``);
8. the same number at most once every 30 seconds (429 ``to``, ``Retry-After``);
9. the account's calls-per-second limit (429 ``base``, ``Retry-After: 1``).

A live lead already enrolled in the schedule for that number is reused (the "promote" case);
otherwise a one-off lead owned by the offer is created. Leads, suppressions and distributions
are set up through the sandbox-only ``/_sandbox/*`` routes.
"""

from __future__ import annotations

import json
import math
import random
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from reconciler.sandbox import assumptions
from reconciler.sandbox.clock import SandboxClock, epoch_us, format_timestamp
from reconciler.sandbox.db import Database
from reconciler.sandbox.model import COMPANY_ID, Errors, Record, ValidationFailedError
from reconciler.sandbox.phones import normalize_number
from reconciler.sandbox.store import ScheduleStore
from reconciler.sandbox.values import INT8_MAX, InvalidParamError, is_blank, parse_string

__all__ = ["CallRefusedError", "Dialer"]

REDIAL_SECONDS = assumptions.REDIAL_SECONDS
# Whose earlier calls the redial guard looks at: every schedule's, or the dialing one's only.
_REDIAL_SCOPE = (
    ""
    if assumptions.REDIAL_PER_NUMBER_ACROSS_SCHEDULES
    else " AND json_extract(data, '$.schedule_id') = ?"
)
_SECOND_US = 1_000_000


@dataclass(frozen=True)
class _CallParams:
    lead_id: str | None
    lead_token: str | None
    to: str | None
    schedule_id: str | None
    data: dict[str, Any]


@dataclass
class CallRefusedError(Exception):
    """A ``make_call`` guard said no: the HTTP status, ``errors`` and extra headers."""

    status: int
    errors: Errors
    headers: dict[str, str] = field(default_factory=dict)


def _lead_json(row: tuple[Any, ...]) -> Record:
    lead_id, lead_uuid, schedule_id, offer_id, number, enrolled, data = row
    return {
        "id": lead_id,
        "uuid": lead_uuid,
        "schedule_id": schedule_id,
        "offer_id": offer_id,
        "number": number,
        "enrolled": bool(enrolled),
        "data": json.loads(data),
    }


_LEAD_COLUMNS = "id, uuid, schedule_id, offer_id, number, enrolled, data"


class Dialer:
    """Places (pretend) outbound calls, and keeps the leads, calls and lists they need."""

    def __init__(
        self, database: Database, schedules: ScheduleStore, clock: SandboxClock, rng: random.Random
    ) -> None:
        self._db = database
        self._schedules = schedules
        self._clock = clock
        self._rng = rng

    def _uuid(self) -> str:
        return str(uuid.UUID(int=self._rng.getrandbits(128), version=4))

    # -- sandbox set-up -------------------------------------------------------------------

    def set_suppressions(self, numbers: list[str]) -> list[str]:
        """Replace the suppression (DNC) list; returns it normalized."""
        normalized: list[str] = []
        for number in numbers:
            e164 = normalize_number(number)
            if e164 is None:
                raise ValidationFailedError(
                    {"numbers": [f"{number!r} is not a valid phone number"]}
                )
            normalized.append(e164)
        with self._db.transaction() as connection:
            connection.execute("DELETE FROM suppressions")
            connection.executemany(
                "INSERT OR IGNORE INTO suppressions (number) VALUES (?)", [(n,) for n in normalized]
            )
        return sorted(set(normalized))

    def enroll_lead(self, schedule_key: str, number: str, data: Mapping[str, Any]) -> Record:
        """Enroll a live lead for ``number`` in a schedule, as ``POST /api/v1/leads`` would."""
        schedule = self._schedules.get(schedule_key)
        if schedule is None:
            raise CallRefusedError(404, {"schedule_id": ["not found"]})
        e164 = normalize_number(number)
        if e164 is None:
            raise ValidationFailedError({"number": ["is not a valid phone number"]})
        return self._insert_lead(schedule, e164, data, enrolled=True)

    def add_distribution(
        self, router_key: str, target_key: str, match: Mapping[str, Any]
    ) -> Record:
        """Make ``router_key`` a lead-distribution schedule routing ``match`` to ``target_key``."""
        router = self._schedules.get(router_key)
        target = self._schedules.get(target_key)
        if router is None:
            raise CallRefusedError(404, {"schedule_id": ["not found"]})
        if target is None:
            raise CallRefusedError(404, {"target_schedule_id": ["not found"]})
        if router["id"] == target["id"]:
            raise ValidationFailedError({"target_schedule_id": ["must differ from schedule_id"]})
        wanted = {str(key): str(value) for key, value in match.items()}
        self._schedules.set_schedule_type(router["id"], "lead_distribution")
        with self._db.transaction() as connection:
            cursor = connection.execute(
                "INSERT INTO distributions (schedule_id, target_schedule_id, match)"
                " VALUES (?, ?, ?)",
                (router["id"], target["id"], json.dumps(wanted)),
            )
        return {
            "id": cursor.lastrowid,
            "schedule_id": router["id"],
            "target_schedule_id": target["id"],
            "match": wanted,
        }

    def clear(self) -> None:
        """Forget every lead, call, suppression and distribution."""
        with self._db.transaction() as connection:
            for table in ("leads", "calls", "suppressions", "distributions"):
                connection.execute(f"DELETE FROM {table}")  # noqa: S608 (fixed names)

    # -- make_call ------------------------------------------------------------------------

    def _insert_lead(
        self, schedule: Mapping[str, Any], number: str, data: Mapping[str, Any], *, enrolled: bool
    ) -> Record:
        lead_uuid = self._uuid()
        with self._db.transaction() as connection:
            cursor = connection.execute(
                "INSERT INTO leads (uuid, schedule_id, offer_id, number, enrolled, data)"
                " VALUES (?, ?, ?, ?, ?, ?)",
                (
                    lead_uuid,
                    schedule["id"],
                    schedule.get("offer_id"),
                    number,
                    enrolled,
                    json.dumps(data),
                ),
            )
        return {
            "id": cursor.lastrowid,
            "uuid": lead_uuid,
            "schedule_id": schedule["id"],
            "offer_id": schedule.get("offer_id"),
            "number": number,
            "enrolled": enrolled,
            "data": dict(data),
        }

    def _find_lead(self, key: str) -> Record | None:
        arg: int | str
        if assumptions.LEAD_ID_INTEGER and key.isascii() and key.isdigit():
            if int(key) > INT8_MAX:
                return None
            where, arg = "id = ?", int(key)
        else:
            where, arg = "uuid = ?", key.lower()
        with self._db.transaction() as connection:
            row = connection.execute(
                f"SELECT {_LEAD_COLUMNS} FROM leads WHERE {where}",  # noqa: S608 (fixed clauses)
                (arg,),
            ).fetchone()
        return None if row is None else _lead_json(row)

    def _enrolled_leads(self, schedule_id: int, number: str) -> list[Record]:
        with self._db.transaction() as connection:
            rows = connection.execute(
                f"SELECT {_LEAD_COLUMNS} FROM leads"  # noqa: S608 (fixed columns)
                " WHERE schedule_id = ? AND number = ? AND enrolled = 1 ORDER BY id",
                (schedule_id, number),
            ).fetchall()
        return [_lead_json(row) for row in rows]

    def _route(self, schedule: Record, data: Mapping[str, Any]) -> Record:
        if schedule.get("schedule_type") != "lead_distribution":
            return schedule
        with self._db.transaction() as connection:
            rows = connection.execute(
                "SELECT target_schedule_id, match FROM distributions"
                " WHERE schedule_id = ? ORDER BY id",
                (schedule["id"],),
            ).fetchall()
        submitted = {str(key): str(value) for key, value in data.items()}
        for target_id, match in rows:
            wanted: dict[str, str] = json.loads(match)
            if all(submitted.get(key) == value for key, value in wanted.items()):
                target = self._schedules.get(str(target_id))
                if target is not None:
                    return target
        raise CallRefusedError(
            422, {"data": ["no lead distribution of this schedule matches the data"]}
        )

    @staticmethod
    def _read_params(params: Mapping[str, Any]) -> _CallParams:
        errors: Errors = {}
        strings: dict[str, str | None] = {}
        for name in ("lead_id", "lead_token", "to"):
            try:
                value = parse_string(params.get(name))
            except InvalidParamError as exc:
                errors[name] = [str(exc)]
                continue
            strings[name] = None if is_blank(value) else value
        data = params.get("data")
        if data is None or data == "":
            data = {}
        if not isinstance(data, dict):
            errors["data"] = ["must be a Hash"]
        schedule_id = params.get("schedule_id")
        if is_blank(schedule_id):
            schedule_id = None
        elif isinstance(schedule_id, bool) or not isinstance(schedule_id, int | str):
            errors["schedule_id"] = ["must be a schedule id or uuid"]
        if errors:
            raise ValidationFailedError(errors)
        return _CallParams(
            lead_id=strings["lead_id"],
            lead_token=strings["lead_token"],
            to=strings["to"],
            schedule_id=None if schedule_id is None else str(schedule_id).strip(),
            data=data,
        )

    def _resolve(self, call: _CallParams) -> tuple[Record | None, Record, str, dict[str, Any]]:
        """The lead (if named), the schedule, the number to dial and the lead data."""
        if call.lead_id is not None:
            lead = self._find_lead(call.lead_id.strip())
            if lead is None:
                raise CallRefusedError(404, {"lead_id": ["no lead with this id"]})
            schedule = self._schedules.get(str(lead["schedule_id"]))
            if schedule is None:
                raise CallRefusedError(422, {"lead_id": ["the lead's schedule no longer exists"]})
            return lead, schedule, lead["number"], {**lead["data"], **call.data}
        if call.schedule_id is not None:
            schedule = self._schedules.get(call.schedule_id)
            if schedule is None:
                raise CallRefusedError(404, {"schedule_id": ["no schedule with this id"]})
        elif call.lead_token is not None:
            schedule = self._schedules.find_by_token(call.lead_token.strip())
            if schedule is None:
                raise CallRefusedError(404, {"lead_token": ["no schedule with this token"]})
        else:
            raise CallRefusedError(
                422, {"base": ["pass lead_id, or schedule_id or lead_token together with to"]}
            )
        if call.to is None:
            raise CallRefusedError(422, {"to": ["can't be blank without a lead_id"]})
        return None, schedule, call.to, call.data

    def _check_limits(
        self, number: str, schedule_id: int, now_us: int, calls_per_second: int
    ) -> None:
        """The do-not-call list, the 30-second redial guard and the calls-per-second limit."""
        scope = [] if assumptions.REDIAL_PER_NUMBER_ACROSS_SCHEDULES else [schedule_id]
        with self._db.transaction() as connection:
            suppressed = connection.execute(
                "SELECT 1 FROM suppressions WHERE number = ?", (number,)
            ).fetchone()
            (last_dialed,) = connection.execute(
                f"SELECT MAX(dialed_us) FROM calls WHERE number = ?{_REDIAL_SCOPE}",  # noqa: S608
                (number, *scope),
            ).fetchone()
            (recent_calls,) = connection.execute(
                "SELECT COUNT(*) FROM calls WHERE dialed_us > ?", (now_us - _SECOND_US,)
            ).fetchone()
        if suppressed:
            raise CallRefusedError(
                403, {"to": ["is suppressed by the account's do-not-call rules"]}
            )
        if last_dialed is not None and now_us - last_dialed < REDIAL_SECONDS * _SECOND_US:
            wait = math.ceil((REDIAL_SECONDS * _SECOND_US - (now_us - last_dialed)) / _SECOND_US)
            message = f"was dialed less than {REDIAL_SECONDS} seconds ago; retry in {wait} seconds"
            raise CallRefusedError(429, {"to": [message]}, {"Retry-After": str(wait)})
        if recent_calls >= calls_per_second:
            message = f"the account's limit of {calls_per_second} calls per second is reached"
            raise CallRefusedError(429, {"base": [message]}, {"Retry-After": "1"})

    def make_call(self, params: Mapping[str, Any], calls_per_second: int) -> Record:
        """Dial, or raise ``CallRefusedError`` / ``ValidationFailedError``; returns the call."""
        lead, schedule, number_text, data = self._resolve(self._read_params(params))
        if schedule["paused"]:
            raise CallRefusedError(422, {"schedule": ["is paused; only an active schedule dials"]})
        router = schedule
        schedule = self._route(schedule, data)
        if schedule["paused"]:
            raise CallRefusedError(422, {"schedule": ["the distribution's target is paused"]})
        number = normalize_number(number_text)
        if number is None:
            raise CallRefusedError(422, {"to": ["is not a valid phone number"]})
        now = self._clock.now()
        now_us = epoch_us(now)
        if lead is None:
            enrolled = self._enrolled_leads(schedule["id"], number)
            if len(enrolled) > 1:
                raise CallRefusedError(409, {"to": ["has duplicate concurrent leads"]})
            lead = enrolled[0] if enrolled else None
        self._check_limits(number, schedule["id"], now_us, calls_per_second)
        lead_created = lead is None
        if lead is None:
            lead = self._insert_lead(schedule, number, data, enrolled=False)
        stamp = format_timestamp(now)
        call: Record = {
            "id": None,
            "uuid": self._uuid(),
            "created_at": stamp,
            "updated_at": stamp,
            "company_id": COMPANY_ID,
            "direction": "outbound",
            "status": "dialing",
            "to_number": number,
            "schedule_id": schedule["id"],
            "routed_from_schedule_id": router["id"] if router["id"] != schedule["id"] else None,
            "offer_id": schedule.get("offer_id"),
            "lead_id": lead["id"],
            "lead_uuid": lead["uuid"],
            "lead_created": lead_created,
        }
        with self._db.transaction() as connection:
            cursor = connection.execute(
                "INSERT INTO calls (number, dialed_us, data) VALUES (?, ?, '{}')", (number, now_us)
            )
            call["id"] = cursor.lastrowid
            connection.execute(
                "UPDATE calls SET data = ? WHERE id = ?", (json.dumps(call), call["id"])
            )
            connection.execute(
                "UPDATE schedules SET data = json_set(data, '$.last_call_at', ?,"
                " '$.calls_count', json_extract(data, '$.calls_count') + 1,"
                " '$.recent_calls_count', json_extract(data, '$.recent_calls_count') + 1)"
                " WHERE id = ?",
                (stamp, schedule["id"]),
            )
        return call
