"""What the commands read from the account: the live schedules (specs: ``selection``)."""

from __future__ import annotations

import os
import time

from reconciler.cli.output import announce_retry, stderr_console
from reconciler.cli.progress import PageProgress
from reconciler.connect import Target, open_client
from reconciler.live import LiveSchedule
from reconciler.trackdrive import TrackDriveClient

__all__ = ["read_live"]


async def read_live(
    target: Target,
    *,
    label: str | None = None,
    client: TrackDriveClient | None = None,
    consistent: bool = False,
) -> list[LiveSchedule]:
    """Every live schedule of the account, saying on stderr where from and how long it took.

    ``label`` (an account's key) starts each line, when several accounts are read at once.
    With ``client``, through it (apply reads, writes and verifies on one client, so the rate
    it learns and its deadline cover the whole run); otherwise through a client of its own.
    ``consistent`` refuses a listing whose count never matched its records (apply).
    """
    err = stderr_console()
    prefix = f"[{label}] " if label else ""
    err.print(f"{prefix}Reading live schedules from {target.describe(os.environ)} …")
    started = time.monotonic()
    # Several accounts read at once share the terminal: plain lines for them, not live bars.
    progress = PageProgress(err, prefix=prefix, live=label is None)
    try:
        if client is None:
            async with open_client(target, os.environ, on_retry=announce_retry) as own:
                live = await own.list_schedules(consistent=consistent, on_page=progress)
                requests = own.stats.requests
        else:
            before = client.stats.requests
            live = await client.list_schedules(consistent=consistent, on_page=progress)
            requests = client.stats.requests - before
    finally:
        progress.close()
    err.print(
        f"{prefix}Read {len(live)} schedules in {requests} request{'s' if requests != 1 else ''} "
        f"({time.monotonic() - started:.1f}s)."
    )
    return live
