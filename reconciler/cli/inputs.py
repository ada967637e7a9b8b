"""What the commands read from the account: the live schedules (specs: ``selection``)."""

from __future__ import annotations

import os
import time

from reconciler.cli.output import stderr_console
from reconciler.connect import Target, open_client
from reconciler.live import LiveSchedule

__all__ = ["read_live"]


async def read_live(target: Target, *, label: str | None = None) -> list[LiveSchedule]:
    """Every live schedule of the account, saying on stderr where from and how long it took.

    ``label`` (an account's key) starts each line, when several accounts are read at once.
    """
    err = stderr_console()
    prefix = f"[{label}] " if label else ""
    err.print(f"{prefix}Reading live schedules from {target.describe(os.environ)} …")
    started = time.monotonic()
    async with open_client(target, os.environ) as client:
        live = await client.list_schedules()
        requests = client.stats.requests
    err.print(
        f"{prefix}Read {len(live)} schedules in {requests} request{'s' if requests != 1 else ''} "
        f"({time.monotonic() - started:.1f}s)."
    )
    return live
