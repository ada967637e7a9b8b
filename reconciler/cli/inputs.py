"""What the commands read: the specs and reconciler.yaml, and the live schedules."""

from __future__ import annotations

import os
import time

from reconciler.cli.options import SpecOptions
from reconciler.cli.output import stderr_console
from reconciler.connect import Target, open_client
from reconciler.live import LiveSchedule
from reconciler.loader import find_config, load_config, load_specs
from reconciler.spec import LoadedSpec, ReconcilerConfig

__all__ = ["load_desired", "read_live"]


def load_desired(options: SpecOptions) -> tuple[list[LoadedSpec], ReconcilerConfig]:
    """The specs and the config they are planned with."""
    loaded = load_specs(options.specs)
    config = options.config if options.config is not None else find_config(options.specs)
    return list(loaded.specs), load_config(config)


async def read_live(target: Target) -> list[LiveSchedule]:
    """Every live schedule of the account, saying on stderr where from and how long it took."""
    err = stderr_console()
    err.print(f"Reading live schedules from {target.describe(os.environ)} …")
    started = time.monotonic()
    async with open_client(target, os.environ) as client:
        live = await client.list_schedules()
        requests = client.stats.requests
    err.print(
        f"Read {len(live)} schedules in {requests} request{'s' if requests != 1 else ''} "
        f"({time.monotonic() - started:.1f}s)."
    )
    return live
