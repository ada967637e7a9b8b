"""``reconciler plan``: what apply would change on the account. Writes nothing to TrackDrive."""

from __future__ import annotations

import asyncio
import dataclasses
import json
import os
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated

import typer

from reconciler.accounts import load_layers
from reconciler.cli.inputs import read_live
from reconciler.cli.many import (
    Shown,
    account_path,
    check_account_template,
    report_accounts,
)
from reconciler.cli.options import (
    AccountChoice,
    AllAccountsOptions,
    ClientOptions,
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
from reconciler.fanout import AccountRun, run_accounts
from reconciler.live import LiveSchedule
from reconciler.loader import load_specs
from reconciler.plan import Plan, build_plan, focus
from reconciler.planfile import plan_to_json
from reconciler.render import render_plan
from reconciler.render.accounts import Status
from reconciler.render.common import summary_line
from reconciler.render.markdown import MARKER, render_markdown
from reconciler.render.review import render_review_markdown, render_review_text
from reconciler.review import Review, split_review
from reconciler.spec import LoadedSpec, ReconcilerConfig

__all__ = ["plan_command"]


@option_groups
def plan_command(
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
            help="Also write the JSON plan here, for `reconciler apply FILE` (with "
            "--all-accounts: a path holding {account}).",
        ),
    ] = None,
    detailed_exitcode: Annotated[
        bool,
        typer.Option(
            "--detailed-exitcode", help="Exit 2 when there are changes (0 none, 1 error)."
        ),
    ] = False,
    only: OnlyOption = None,
    show_unmanaged: ShowUnmanagedOption = False,
    tuning: ClientOptions,
    base_specs: Annotated[
        Path | None,
        typer.Option(
            "--base-specs",
            help="The base branch's specs: split the plan into what this PR changes and "
            "drift already on the account (both planned from one live snapshot). With "
            "accounts.yaml: the base branch's checkout, where each account's directories are "
            "read at the same paths.",
            file_okay=False,
        ),
    ] = None,
) -> int:
    """Show what apply would change on the account. Writes nothing to TrackDrive.

    The plan goes to stdout, progress to stderr. Save it with --out and apply exactly that
    plan later with `reconciler apply PLAN.json`; apply refuses it if a schedule it touches
    changed meanwhile. With --all-accounts every account in accounts.yaml is planned concurrently,
    each shown in turn, then a total; the exit code is the worst (error, then changes).

    \b
    Example:
      reconciler plan --sandbox --format markdown --out plan.json
    """
    runs = account_runs(choice, spec, account, tuning, fanout=fanout)
    matches = only_matcher(only)
    planner = _Planner(matches, only, base_specs, choice.accounts_file.parent)
    if not fanout.all_accounts:
        (run,) = runs
        desired = load_run(run)
        live = asyncio.run(read_live(run.target))
        planned = planner.plan(run, desired.specs, desired.config, live)
        if planned.review is not None and fmt != "json":
            if fmt == "markdown":
                sys.stdout.write(render_review_markdown(planned.review))
            else:
                print_report(render_review_text(planned.review))
        elif fmt == "text":
            print_report(render_plan(planned.plan, fmt, show_unmanaged=show_unmanaged))
        else:
            sys.stdout.write(render_plan(planned.plan, fmt))
        _save(out, planned.plan)
        return EXIT_CHANGES if detailed_exitcode and not planned.plan.is_empty else EXIT_OK
    check_account_template(out, "--out")

    async def job(run: AccountRun) -> _Planned:
        desired = load_run(run)
        live = await read_live(run.target, label=run.key)
        planned = planner.plan(run, desired.specs, desired.config, live)
        _save(account_path(out, run), planned.plan, label=run.key)
        return planned

    outcomes = asyncio.run(run_accounts(runs, job, limit=fanout.accounts_at_once))
    return report_accounts(
        outcomes,
        _shown(fmt, show_unmanaged=show_unmanaged),
        fmt=fmt,
        title="TrackDrive plan",
        marker=MARKER,
        changes="with changes",
        exit_for_changes=EXIT_CHANGES if detailed_exitcode else EXIT_OK,
    )


@dataclass(frozen=True, slots=True)
class _Planned:
    plan: Plan
    review: Review | None


@dataclass(frozen=True, slots=True)
class _Planner:
    matches: Callable[[str], bool]
    only: str | None
    base_specs: Path | None
    root: Path

    def plan(
        self,
        run: AccountRun,
        specs: list[LoadedSpec],
        settings: ReconcilerConfig,
        live: list[LiveSchedule],
    ) -> _Planned:
        result = dataclasses.replace(
            focus(build_plan(specs, live, settings), self.matches),
            account=run.target.describe(os.environ),
            only=self.only,
        )
        if self.base_specs is None:
            return _Planned(result, None)
        base = focus(build_plan(self._base(run), live, settings), self.matches)
        return _Planned(result, split_review(base, result))

    def _base(self, run: AccountRun) -> list[LoadedSpec]:
        assert self.base_specs is not None
        if run.key is None:
            return _base_specs(self.base_specs)
        # The same layers, read from the base branch's checkout; a layer it lacks is empty.
        root = self.root.resolve()
        layers = [self.base_specs / layer.resolve().relative_to(root) for layer in run.layers]
        return list(load_layers([p for p in layers if p.is_dir()]).specs.specs)


def _save(out: Path | None, plan: Plan, *, label: str | None = None) -> None:
    if out is not None:
        write_out(out, plan_to_json(plan))
        prefix = f"[{label}] " if label else ""
        stderr_console().print(f"{prefix}Saved the plan to {out}.")


def _shown(fmt: FormatChoice, *, show_unmanaged: bool) -> Callable[[_Planned], Shown]:
    def show(planned: _Planned) -> Shown:
        plan = planned.plan
        status: Status
        if planned.review is not None:
            own = planned.review.introduced_plan()
            status = "changes" if not own.is_empty else "none"
            result = summary_line(own.summary) if not own.is_empty else "no changes"
            render = render_review_markdown if fmt == "markdown" else render_review_text
            body = render(planned.review)
        else:
            status = "changes" if not plan.is_empty else "none"
            result = summary_line(plan.summary) if not plan.is_empty else "no changes"
            body = (
                render_markdown(plan, title="Plan", marker="")
                if fmt == "markdown"
                else render_plan(plan, "text", show_unmanaged=show_unmanaged)
            )
        return Shown(status, result, body, json.loads(plan_to_json(plan)))

    return show


def _base_specs(directory: Path) -> list[LoadedSpec]:
    """The base branch's specs; an absent directory (a first PR) means none."""
    if not directory.is_dir():
        return []
    return list(load_specs(directory).specs)
