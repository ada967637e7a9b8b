"""``reconciler apply``: make the account match the specs, from a fresh or a saved plan."""

from __future__ import annotations

import asyncio
import dataclasses
import json
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Annotated

import typer

from reconciler.apply import duplicate_names
from reconciler.apply_lock import account_lock
from reconciler.cli.apply_run import run_apply
from reconciler.cli.inputs import read_live
from reconciler.cli.options import (
    AccountChoice,
    ClientOptions,
    OnlyOption,
    ShowUnmanagedOption,
    SpecOptions,
    TargetOptions,
    only_matcher,
    option_groups,
)
from reconciler.cli.output import (
    EXIT_ERROR,
    EXIT_OK,
    announce_retry,
    print_report,
    stderr_console,
)
from reconciler.cli.saved_plan import check_saved_plan, read_plan_file
from reconciler.cli.selection import account_runs, load_run
from reconciler.connect import Target, open_client
from reconciler.errors import ApplyError, UnsafePlanError, UsageError
from reconciler.live import LiveSchedule
from reconciler.plan import build_plan, focus
from reconciler.plancheck import rederive
from reconciler.render import render_plan
from reconciler.render.common import describe_change
from reconciler.scope import name_matcher
from reconciler.spec import LoadedSpec, ReconcilerConfig
from reconciler.trackdrive import TrackDriveClient

__all__ = ["apply_command"]


@option_groups
def apply_command(
    *,
    plan_file: Annotated[
        Path | None,
        typer.Argument(
            help="A plan saved by `plan --out`; without it, apply plans first and asks.",
            dir_okay=False,
            exists=True,
        ),
    ] = None,
    spec: SpecOptions,
    account: TargetOptions,
    choice: AccountChoice,
    auto_approve: Annotated[
        bool,
        typer.Option("--auto-approve", help="Apply without asking (required without a TTY)."),
    ] = False,
    force: Annotated[
        bool, typer.Option("--force", help="Apply even when a safety threshold is exceeded.")
    ] = False,
    only: OnlyOption = None,
    tuning: ClientOptions,
    journal: Annotated[
        Path | None,
        typer.Option("--journal", help="Append one JSON line per change outcome to this file."),
    ] = None,
    no_verify: Annotated[
        bool, typer.Option("--no-verify", help="Skip re-reading the account to confirm.")
    ] = False,
    show_unmanaged: ShowUnmanagedOption = False,
    lock_timeout: Annotated[
        float,
        typer.Option(
            "--lock-timeout",
            min=0.0,
            help="Seconds to wait for another apply to the same account on this machine "
            "(default 0: refuse at once, naming its pid and start time).",
        ),
    ] = 0.0,
) -> int:
    """Make the account match the specs: POST, PUT and DELETE what the plan lists.

    Without PLAN.json it plans, shows the plan and asks for confirmation (on a terminal;
    elsewhere pass --auto-approve). With PLAN.json it applies exactly that plan, after
    checking that neither the specs nor the schedules it touches changed since. Safety
    thresholds from reconciler.yaml refuse the apply unless --force. Afterwards it re-reads
    the account and plans again; anything left over is an error. Ctrl-C stops new writes,
    lets those in flight finish and reports what was done. Exit 0 when everything applied.
    One apply per account runs on a machine at a time (a lock held from the first read to
    the end); across machines, the CI concurrency group is the lock.
    """
    if only is not None and plan_file is not None:
        raise UsageError(
            "--only narrows a fresh plan; a saved plan is applied whole",
            hint=f"narrow it when planning: reconciler plan --only {only!r} --out PLAN.json",
        )
    matches = only_matcher(only)
    (run,) = account_runs(choice, spec, account, tuning)
    desired = load_run(run)
    loaded, settings, target = desired.specs, desired.config, run.target
    with account_lock(target.lock_key(os.environ), timeout=lock_timeout, env=os.environ):
        return asyncio.run(
            _apply(
                target,
                loaded,
                settings,
                _Choices(
                    plan_file=plan_file,
                    only=(only, matches),
                    auto_approve=auto_approve,
                    force=force,
                    journal=journal,
                    verify=not no_verify,
                    show_unmanaged=show_unmanaged,
                ),
            )
        )


@dataclasses.dataclass(frozen=True)
class _Choices:
    """What the operator asked of this apply, beyond the account and the specs."""

    plan_file: Path | None
    only: tuple[str | None, Callable[[str], bool]]
    auto_approve: bool
    force: bool
    journal: Path | None
    verify: bool
    show_unmanaged: bool


async def _apply(
    target: Target, loaded: list[LoadedSpec], settings: ReconcilerConfig, choices: _Choices
) -> int:
    # One client for the whole run: the rate it learns and its deadline cover every phase.
    async with open_client(target, os.environ, on_retry=announce_retry) as client:
        return await _apply_with(client, target, loaded, settings, choices)


async def _apply_with(
    client: TrackDriveClient,
    target: Target,
    loaded: list[LoadedSpec],
    settings: ReconcilerConfig,
    choices: _Choices,
) -> int:
    plan_file, only, journal = choices.plan_file, choices.only, choices.journal
    auto_approve, force, verify = choices.auto_approve, choices.force, choices.verify
    show_unmanaged = choices.show_unmanaged
    err = stderr_console()
    saved = read_plan_file(plan_file) if plan_file is not None else None
    if saved is not None and plan_file is not None:
        check_saved_plan(saved, plan_file, target, loaded, settings)
    if journal is not None:
        journal.parent.mkdir(parents=True, exist_ok=True)
        journal.touch()  # fail on an unwritable journal now, not after the confirmation
    live = await read_live(target, client=client, consistent=True)
    if saved is not None and plan_file is not None:
        # Planned again now and compared: the file's changes, verdicts and ids are not trusted.
        chosen = rederive(saved, source=str(plan_file), specs=loaded, config=settings, live=live)
    else:
        pattern, matches = only
        chosen = dataclasses.replace(
            focus(build_plan(loaded, live, settings), matches), only=pattern
        )
    print_report(render_plan(chosen, "text", show_unmanaged=show_unmanaged))
    if chosen.refusals:
        raise ApplyError("refusing to apply: " + "; ".join(chosen.refusals))
    if chosen.breaches and not force:
        raise UnsafePlanError(chosen.breaches)
    if chosen.is_empty:
        err.print("Nothing to apply.")
        return EXIT_OK
    if plan_file is None and not auto_approve:
        if not sys.stdin.isatty():
            raise ApplyError(
                "refusing to apply without confirmation: no terminal to ask on",
                hint="review the plan, then pass --auto-approve (or apply a saved plan file)",
            )
        if not typer.confirm(f"Apply these {len(chosen.changes)} changes?", default=False):
            err.print("Nothing applied.")
            return EXIT_ERROR
    report = await run_apply(target, chosen, journal, client)
    if not report.ok:
        raise ApplyError(
            f"{report.count('failed')} failed, {report.count('skipped')} skipped, "
            f"{report.count('applied')} applied",
            hint="fix what failed and run apply again: applied changes will not repeat",
        )
    if verify:
        await _verify(client, target, loaded, settings, chosen.only)
    return EXIT_OK


async def _verify(
    client: TrackDriveClient,
    target: Target,
    loaded: list[LoadedSpec],
    settings: ReconcilerConfig,
    only: str | None,
) -> None:
    live = await read_live(target, client=client, consistent=True)
    _refuse_duplicates(live)
    again = focus(build_plan(loaded, live, settings), name_matcher(only))
    if not again.is_empty:
        left = ", ".join(describe_change(c) for c in again.changes[:10])
        raise ApplyError(
            f"the account did not converge: a new plan still has {len(again.changes)} "
            f"changes: {left}",
            hint="run `reconciler plan` to see them; another writer may be changing the account",
        )
    stderr_console().print("Verified: a fresh plan is empty.")


def _refuse_duplicates(live: Sequence[LiveSchedule]) -> None:
    """Exit 1 if a name is held twice, printing the ids and the spec edit that fixes it."""
    duplicates = duplicate_names(live)
    if not duplicates:
        return
    err = stderr_console()
    for name, ids in duplicates.items():
        for line in duplicate_fix(name, ids):
            err.print(line)
    count = len(duplicates)
    raise ApplyError(
        f"{count} name{'s are' if count != 1 else ' is'} held by more than one schedule: "
        + ", ".join(json.dumps(n, ensure_ascii=False) for n in list(duplicates)[:10]),
        hint="add the entries above to the specs, then run apply again",
    )


def duplicate_fix(name: str, ids: Sequence[int]) -> list[str]:
    """Which ids hold ``name`` and the spec edit keeping the oldest and deleting the others.

    The name is written as a JSON string, which YAML reads as the same double-quoted scalar
    and which shows no control character raw.
    """
    keep, *extra = sorted(ids)
    quoted = json.dumps(name)
    lines = [
        f"{quoted} is held by {len(ids)} schedules: ids {', '.join(str(i) for i in sorted(ids))}",
        f"  to keep {keep}, pin it with `id: {keep}` where a spec manages it, and add to the "
        "specs:",
    ]
    for schedule_id in extra:
        lines += [
            f"    - name: {quoted}",
            f"      id: {schedule_id}",
            "      ensure: absent",
        ]
    return lines
