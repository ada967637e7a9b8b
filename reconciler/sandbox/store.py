"""Schedules in SQLite: create, find by id or uuid, update, delete, and list a page."""

from __future__ import annotations

import json
import random
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from reconciler.sandbox import assumptions
from reconciler.sandbox.clock import SandboxClock, epoch_us
from reconciler.sandbox.db import Database
from reconciler.sandbox.model import Record, apply_changes, new_record
from reconciler.sandbox.values import INT8_MAX

__all__ = ["ListQuery", "ScheduleStore"]

# How each ``order`` field sorts in SQL. Decimals are stored as Rails strings, so they are cast.
_JSON = "json_extract(data, '$.{field}')"
_ORDER_EXPRESSIONS: dict[str, str] = {
    "created_at": "created_us",
    "updated_at": "updated_us",
    "sortable_order": "CAST(json_extract(data, '$.sortable_order') AS REAL)",
}


_NOT_NULL_ORDERS = frozenset({"created_at", "updated_at"})

# What `fulltext` searches and what `lead_token` matches: see assumptions (column names only).
_EXACT_COLUMNS = {"uuid": "uuid = ?", "id": "CAST(id AS TEXT) = ?"}
_FULLTEXT_CLAUSE = (
    "("
    + " OR ".join(
        [
            *(
                f"instr(lower(coalesce(json_extract(data, '$.{name}'), '')), ?) > 0"
                for name in assumptions.FULLTEXT_TEXT_FIELDS
            ),
            *(_EXACT_COLUMNS[key] for key in assumptions.FULLTEXT_EXACT_KEYS),
        ]
    )
    + ")"
)
_TOKEN_CLAUSE = " OR ".join(f"{column} = ?" for column in assumptions.LEAD_TOKEN_KEYS)


def _order_expression(field: str) -> str:
    return _ORDER_EXPRESSIONS.get(field, _JSON.format(field=field))


@dataclass(frozen=True)
class ListQuery:
    """One page of ``GET /api/v1/schedules``, its params already validated."""

    order: str | None = None
    descending: bool = False
    fulltext: str | None = None
    created_from: datetime | None = None
    created_to: datetime | None = None
    page: int = 1
    per_page: int = 25


class ScheduleStore:
    """The account's schedules, each kept as the JSON its default serializer shows."""

    def __init__(self, database: Database, clock: SandboxClock, rng: random.Random) -> None:
        self._db = database
        self._clock = clock
        self._rng = rng

    def _token(self) -> str:
        return f"{self._rng.getrandbits(128):032x}"

    def create(
        self,
        changes: Mapping[str, Any],
        *,
        schedule_type: str = "contact_caller",
        created_at: datetime | None = None,
    ) -> Record:
        """Insert a schedule with validated params; returns the saved record."""
        now = created_at or self._clock.now()
        record_uuid = str(uuid.UUID(int=self._rng.getrandbits(128), version=4))
        lead_token, leads_api_key = self._token(), self._token()
        with self._db.transaction() as connection:
            cursor = connection.execute(
                "INSERT INTO schedules"
                " (uuid, lead_token, leads_api_key, created_us, updated_us, data)"
                " VALUES (?, ?, ?, ?, ?, '{}')",
                (record_uuid, lead_token, leads_api_key, epoch_us(now), epoch_us(now)),
            )
            record_id = cursor.lastrowid
            assert record_id is not None
            record = new_record(
                record_id=record_id,
                uuid=record_uuid,
                lead_token=lead_token,
                leads_api_key=leads_api_key,
                changes=changes,
                now=now,
                schedule_type=schedule_type,
            )
            connection.execute(
                "UPDATE schedules SET data = ? WHERE id = ?", (json.dumps(record), record_id)
            )
        return record

    @staticmethod
    def _where_key(key: str) -> tuple[str, object] | None:
        if key.isascii() and key.isdigit():
            number = int(key)
            return None if number > INT8_MAX else ("id = ?", number)
        return "uuid = ?", key.lower()

    def get(self, key: str) -> Record | None:
        """The schedule whose integer id or uuid is ``key``, or None."""
        where = self._where_key(key)
        if where is None:
            return None
        with self._db.transaction() as connection:
            row = connection.execute(
                f"SELECT data FROM schedules WHERE {where[0]}",  # noqa: S608 (fixed clauses)
                (where[1],),
            ).fetchone()
        return None if row is None else dict(json.loads(row[0]))

    def find_by_token(self, token: str) -> Record | None:
        """The schedule whose ``lead_token`` or ``leads_api_key`` is ``token``, or None."""
        with self._db.transaction() as connection:
            row = connection.execute(
                f"SELECT data FROM schedules WHERE {_TOKEN_CLAUSE}",  # noqa: S608 (fixed)
                [token] * len(assumptions.LEAD_TOKEN_KEYS),
            ).fetchone()
        return None if row is None else dict(json.loads(row[0]))

    def update(self, key: str, changes: Mapping[str, Any]) -> Record | None:
        """Apply validated params to the schedule ``key``; the saved record, or None if unknown."""
        where = self._where_key(key)
        if where is None:
            return None
        with self._db.transaction() as connection:
            row = connection.execute(
                f"SELECT data FROM schedules WHERE {where[0]}",  # noqa: S608 (fixed clauses)
                (where[1],),
            ).fetchone()
            if row is None:
                return None
            record: Record = json.loads(row[0])
            now = self._clock.now()
            if apply_changes(record, changes, now):
                connection.execute(
                    "UPDATE schedules SET data = ?, updated_us = ? WHERE id = ?",
                    (json.dumps(record), epoch_us(now), record["id"]),
                )
        return record

    def set_schedule_type(self, record_id: int, schedule_type: str) -> None:
        """Change a schedule's type (sandbox set-up only: the API fixes it at creation)."""
        with self._db.transaction() as connection:
            connection.execute(
                "UPDATE schedules SET data = json_set(data, '$.schedule_type', ?) WHERE id = ?",
                (schedule_type, record_id),
            )

    def delete(self, key: str) -> Record | None:
        """Delete the schedule ``key``; the deleted record, or None if unknown."""
        record = self.get(key)
        if record is None:
            return None
        with self._db.transaction() as connection:
            connection.execute("DELETE FROM schedules WHERE id = ?", (record["id"],))
        return record

    def delete_all(self) -> None:
        """Delete every schedule (ids keep counting up from where they were)."""
        with self._db.transaction() as connection:
            connection.execute("DELETE FROM schedules")

    def count(self) -> int:
        """How many schedules the account has."""
        with self._db.transaction() as connection:
            (total,) = connection.execute("SELECT COUNT(*) FROM schedules").fetchone()
        return int(total)

    def page(self, query: ListQuery) -> tuple[list[Record], int]:
        """One page of schedules in a stable order, and the total that match the filters."""
        clauses: list[str] = []
        args: list[object] = []
        if query.fulltext:
            needle = query.fulltext.lower()
            clauses.append(_FULLTEXT_CLAUSE)
            args += [needle] * (
                len(assumptions.FULLTEXT_TEXT_FIELDS) + len(assumptions.FULLTEXT_EXACT_KEYS)
            )
        if query.created_from is not None:
            clauses.append("created_us >= ?")
            args.append(epoch_us(query.created_from))
        if query.created_to is not None:
            clauses.append("created_us <= ?")
            args.append(epoch_us(query.created_to))
        where = f"WHERE {' AND '.join(clauses)}" if clauses else ""
        direction = "DESC" if query.descending else "ASC"
        if query.order is None:
            order_by = f"{assumptions.DEFAULT_ORDER} {direction}"
        elif query.order in _NOT_NULL_ORDERS:
            # NOT NULL columns with an index: no NULL ordering term, so SQLite can walk the
            # index instead of sorting the whole table for every page.
            order_by = f"{_ORDER_EXPRESSIONS[query.order]} {direction}, id ASC"
        else:
            expression = _order_expression(query.order)
            # Postgres puts NULLs last when ascending and first when descending.
            nulls = direction if assumptions.NULLS_FIRST_WHEN_DESCENDING else "ASC"
            order_by = f"({expression}) IS NULL {nulls}, {expression} {direction}, id ASC"
        offset = (query.page - 1) * query.per_page
        with self._db.transaction() as connection:
            (total,) = connection.execute(
                f"SELECT COUNT(*) FROM schedules {where}",  # noqa: S608 (fixed clauses)
                args,
            ).fetchone()
            if offset >= total:
                return [], int(total)
            rows = connection.execute(
                f"SELECT data FROM schedules {where} ORDER BY {order_by}"  # noqa: S608
                " LIMIT ? OFFSET ?",
                [*args, query.per_page, offset],
            ).fetchall()
        return [dict(json.loads(row[0])) for row in rows], int(total)
