"""The sandbox's SQLite database: one connection, one lock, the schema of every table.

Ids start high and never repeat (``AUTOINCREMENT``), as ids on a real account do.
A file path persists across restarts; every write is committed before it is answered.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

__all__ = ["Database"]

_SCHEMA = """
CREATE TABLE IF NOT EXISTS schedules (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    uuid TEXT NOT NULL UNIQUE,
    lead_token TEXT NOT NULL,
    leads_api_key TEXT NOT NULL,
    created_us INTEGER NOT NULL,
    updated_us INTEGER NOT NULL,
    data TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS schedules_created ON schedules (created_us, id);
CREATE INDEX IF NOT EXISTS schedules_updated ON schedules (updated_us, id);
CREATE TABLE IF NOT EXISTS leads (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    uuid TEXT NOT NULL UNIQUE,
    schedule_id INTEGER,
    offer_id INTEGER,
    number TEXT NOT NULL,
    enrolled INTEGER NOT NULL,
    data TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS calls (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    number TEXT NOT NULL,
    dialed_us INTEGER NOT NULL,
    data TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS suppressions (number TEXT PRIMARY KEY);
CREATE TABLE IF NOT EXISTS distributions (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    schedule_id INTEGER NOT NULL,
    target_schedule_id INTEGER NOT NULL,
    match TEXT NOT NULL
);
"""

#: Where each table's ids start.
_FIRST_IDS = {
    "schedules": 12_900_000,
    "leads": 480_000_000,
    "calls": 930_000_000,
    "distributions": 5_000,
}


class Database:
    """A SQLite connection shared by the app's handlers, serialized by a lock."""

    def __init__(self, path: str) -> None:
        if path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        self._connection = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
        self._lock = threading.RLock()
        with self._lock:
            self._connection.executescript(_SCHEMA)
        with self.transaction() as connection:
            for table, first in _FIRST_IDS.items():
                connection.execute(
                    "INSERT INTO sqlite_sequence (name, seq) SELECT ?, ? "
                    "WHERE NOT EXISTS (SELECT 1 FROM sqlite_sequence WHERE name = ?)",
                    (table, first - 1, table),
                )

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """The connection, inside one committed transaction (rolled back on error)."""
        with self._lock:
            self._connection.execute("BEGIN IMMEDIATE")
            try:
                yield self._connection
            except BaseException:
                self._connection.execute("ROLLBACK")
                raise
            self._connection.execute("COMMIT")

    def close(self) -> None:
        """Close the connection; the database file (if any) keeps every committed write."""
        with self._lock:
            self._connection.close()
