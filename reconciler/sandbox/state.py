"""Everything one sandbox app holds: config, database, clock, schedules, dialer, faults."""

from __future__ import annotations

import random
from dataclasses import dataclass

from reconciler.sandbox.clock import SandboxClock
from reconciler.sandbox.config import SandboxConfig
from reconciler.sandbox.db import Database
from reconciler.sandbox.dialer import Dialer
from reconciler.sandbox.faults import Faults, FaultSettings
from reconciler.sandbox.seed import seed_database
from reconciler.sandbox.store import ScheduleStore

__all__ = ["SandboxState"]


@dataclass
class SandboxState:
    """The state behind one app; handlers reach it as ``request.app.state.sandbox``."""

    config: SandboxConfig
    database: Database
    clock: SandboxClock
    schedules: ScheduleStore
    dialer: Dialer
    faults: Faults

    @classmethod
    def open(cls, config: SandboxConfig, clock: SandboxClock | None = None) -> SandboxState:
        """Open (or create) the database, seed it if it is empty, set the fault switches.

        ``clock`` defaults to wall time; the rate limit's bucket refills on its ``monotonic``.
        """
        database = Database(config.db_path)
        clock = clock or SandboxClock()
        # Ids and tokens draw from their own source, so creating records never shifts faults.
        records_rng = random.Random(None if config.seed_rng is None else config.seed_rng + 1)  # noqa: S311
        schedules = ScheduleStore(database, clock, records_rng)
        dialer = Dialer(database, schedules, clock, records_rng)
        seed_database(schedules, dialer, clock, config.seed, config.seed_rng)
        faults = Faults(FaultSettings.from_config(config), config.seed_rng, clock.monotonic)
        return cls(config, database, clock, schedules, dialer, faults)

    def close(self) -> None:
        """Close the database."""
        self.database.close()
