"""``reconciler drift``: how the account differs from the specs."""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path
from typing import Annotated

import typer

from reconciler.cli.inputs import load_desired, read_live
from reconciler.cli.options import (
    FormatOption,
    OnlyOption,
    SpecOptions,
    TargetOptions,
    only_matcher,
    option_groups,
)
from reconciler.cli.output import EXIT_CHANGES, EXIT_OK, stderr_console, write_out
from reconciler.drift import build_drift, focus_drift
from reconciler.render.drift import render_drift

__all__ = ["drift_command"]


@option_groups
def drift_command(
    *,
    spec: SpecOptions,
    account: TargetOptions,
    fmt: FormatOption = "text",
    out: Annotated[
        Path | None, typer.Option("--out", help="Write the report here instead of stdout.")
    ] = None,
    only: OnlyOption = None,
) -> int:
    """Report how the account differs from the specs: changed, missing, unmanaged.

    Exit 0 when there is no drift (one line of output), 2 when there is, 1 on error.
    Changed schedules show the spec value, the live value and, where the record has them,
    when it was edited and who paused it. Run it on a timer; --format markdown makes an
    issue body.
    """
    loaded, settings = load_desired(spec)
    target = account.target()
    matches = only_matcher(only)
    live = asyncio.run(read_live(target))
    report = focus_drift(build_drift(loaded, live, settings), matches)
    text = render_drift(report, fmt)
    if out is not None:
        write_out(out, text)
        stderr_console().print(f"Saved the drift report to {out}.")
    else:
        sys.stdout.write(text)
    return EXIT_OK if report.is_clean else EXIT_CHANGES
