"""``reconciler drift``: how the account differs from the specs."""

from __future__ import annotations

import asyncio
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Annotated

import typer

from reconciler.cli.inputs import read_live
from reconciler.cli.many import Shown, account_path, check_account_template, report_accounts
from reconciler.cli.options import (
    AccountChoice,
    AllAccountsOptions,
    FormatChoice,
    FormatOption,
    OnlyOption,
    ShowUnmanagedOption,
    SpecOptions,
    TargetOptions,
    only_matcher,
    option_groups,
)
from reconciler.cli.output import (
    EXIT_CHANGES,
    EXIT_OK,
    print_report,
    stderr_console,
    write_out,
)
from reconciler.cli.selection import account_runs, load_run
from reconciler.drift import DriftReport, build_drift, focus_drift
from reconciler.fanout import AccountRun, run_accounts
from reconciler.render.drift import DRIFT_MARKER, drift_to_data, render_drift

__all__ = ["drift_command"]


@option_groups
def drift_command(
    *,
    spec: SpecOptions,
    account: TargetOptions,
    choice: AccountChoice,
    fanout: AllAccountsOptions,
    fmt: FormatOption = "text",
    out: Annotated[
        Path | None,
        typer.Option(
            "--out",
            help="Write the report here instead of stdout (with --all-accounts: a path "
            "holding {account}, one report per account; the total still goes to stdout).",
        ),
    ] = None,
    only: OnlyOption = None,
    show_unmanaged: ShowUnmanagedOption = False,
) -> int:
    """Report how the account differs from the specs: changed, missing, unmanaged.

    Exit 0 when there is no drift (one line of output), 2 when there is, 1 on error. Drift is
    what apply would change: a managed schedule changed, missing or unwanted. Schedules in no
    spec are listed too, but are drift only with prune: true or drift: {unmanaged: fail} in
    reconciler.yaml. Changed schedules show the spec value, the live value and, where the
    record has them, when it was edited and who paused it. Run it on a timer; --format
    markdown makes an issue body. With --all-accounts every account in accounts.yaml is
    checked concurrently, each reported, then a total; the exit code is the worst (error,
    then drift).
    """
    runs = account_runs(choice, spec, account, fanout=fanout)
    matches = only_matcher(only)
    if not fanout.all_accounts:
        (run,) = runs
        desired = load_run(run)
        live = asyncio.run(read_live(run.target))
        report = focus_drift(build_drift(desired.specs, live, desired.config), matches)
        text = render_drift(report, fmt, show_unmanaged=show_unmanaged)
        if out is not None:
            write_out(out, text)
            stderr_console().print(f"Saved the drift report to {out}.")
        elif fmt == "text":
            print_report(text)
        else:
            sys.stdout.write(text)
        return EXIT_OK if report.is_clean else EXIT_CHANGES
    check_account_template(out, "--out")

    async def job(run: AccountRun) -> DriftReport:
        desired = load_run(run)
        live = await read_live(run.target, label=run.key)
        report = focus_drift(build_drift(desired.specs, live, desired.config), matches)
        path = account_path(out, run)
        if path is not None:
            write_out(path, render_drift(report, fmt, show_unmanaged=show_unmanaged))
            stderr_console().print(f"[{run.key}] Saved the drift report to {path}.")
        return report

    outcomes = asyncio.run(run_accounts(runs, job, limit=fanout.accounts_at_once))
    return report_accounts(
        outcomes,
        _shown(fmt, show_unmanaged=show_unmanaged),
        fmt=fmt,
        title="TrackDrive drift",
        marker=DRIFT_MARKER,
        changes="drifted",
        none="in sync",
        exit_for_changes=EXIT_CHANGES,
    )


def _shown(fmt: FormatChoice, *, show_unmanaged: bool) -> Callable[[DriftReport], Shown]:
    def show(report: DriftReport) -> Shown:
        counts = report.counts()
        groups = ("changed", "missing", "unwanted", "unmanaged")
        found = [f"{counts[k]} {k}" for k in groups if counts[k]]
        result = ", ".join(found) if found else "no drift"
        body = render_drift(
            report, "markdown" if fmt == "markdown" else "text", show_unmanaged=show_unmanaged
        )
        return Shown("none" if report.is_clean else "changes", result, body, drift_to_data(report))

    return show
