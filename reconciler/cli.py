"""The command line: arguments, environment, exit codes. The only module that prints.

``main(argv) -> int`` does the work so tests can call it; ``entrypoint()`` only passes
``sys.argv``. Every ``ReconcilerError`` becomes ``error: …`` lines on stderr and exit 1.
Exit codes: 0 success / nothing differs, 1 error, 2 differences (plan/drift, when asked).
"""

from __future__ import annotations

import asyncio
import dataclasses
import json
import logging
import os
import re
import signal
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated, Literal

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from reconciler.__about__ import __version__
from reconciler.adopt import adopt_drift
from reconciler.apply import ApplyReport, ChangeResult, apply_plan
from reconciler.connect import DEFAULT_SANDBOX_DB, Target, open_client
from reconciler.drift import build_drift, focus_drift
from reconciler.errors import (
    ApplyError,
    ApplyInterruptedError,
    Issue,
    PlanError,
    PlanFileError,
    ReconcilerError,
    SpecError,
    StalePlanError,
    UnsafePlanError,
)
from reconciler.export import export_specs
from reconciler.gitops import gitops_app
from reconciler.live import LiveSchedule
from reconciler.loader import find_config, load_config, load_specs, spec_files
from reconciler.plan import (
    Plan,
    build_plan,
    config_digest,
    focus,
    specs_digest,
    stale_schedules,
)
from reconciler.planfile import plan_from_json, plan_to_json
from reconciler.policy import check_policy
from reconciler.render import render_plan
from reconciler.render.common import describe_change
from reconciler.render.drift import render_drift
from reconciler.render.review import render_review_markdown, render_review_text
from reconciler.review import split_review
from reconciler.sandbox import sandbox_app
from reconciler.schema import spec_file_schema_json
from reconciler.scope import name_matcher
from reconciler.spec import LoadedSpec, ReconcilerConfig

__all__ = ["app", "entrypoint", "main"]

EXIT_OK = 0
EXIT_ERROR = 1
EXIT_CHANGES = 2

app = typer.Typer(
    name="reconciler",
    help=(
        "Keep TrackDrive schedules as YAML in git.\n\n"
        "validate checks schedules.d/ offline; plan shows what would change on the account; "
        "apply carries a plan out; drift reports what changed in the UI; import writes the "
        "live schedules as specs. Credentials come from TRACKDRIVE_PUBLIC_KEY and "
        "TRACKDRIVE_PRIVATE_KEY; the account from --subdomain / TRACKDRIVE_SUBDOMAIN or "
        "--api-url; --sandbox uses a local practice account instead."
    ),
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)

SpecsOption = Annotated[
    Path,
    typer.Option(
        "--specs",
        help="The directory of schedule specs (*.yaml, *.yml, read recursively).",
        file_okay=False,
    ),
]
DEFAULT_SPECS = Path("schedules.d")
ConfigOption = Annotated[
    Path | None,
    typer.Option(
        "--config",
        help="reconciler.yaml (default: the one beside the specs directory, if any).",
        dir_okay=False,
    ),
]
ApiUrlOption = Annotated[
    str | None,
    typer.Option(
        "--api-url",
        help="The account's full URL, e.g. https://acme.trackdrive.com [env: TRACKDRIVE_API_URL].",
    ),
]
SubdomainOption = Annotated[
    str | None,
    typer.Option(
        "--subdomain",
        help="The account's subdomain: acme for acme.trackdrive.com [env: TRACKDRIVE_SUBDOMAIN].",
    ),
]
SandboxOption = Annotated[
    bool,
    typer.Option(
        "--sandbox",
        help="Use the local practice account (no TrackDrive credentials needed).",
    ),
]
SandboxDbOption = Annotated[
    Path,
    typer.Option("--sandbox-db", help="The sandbox's state file, with --sandbox.", dir_okay=False),
]
ConcurrencyOption = Annotated[
    int, typer.Option("--concurrency", min=1, max=64, help="Requests in flight at once.")
]
TimeoutOption = Annotated[
    float,
    typer.Option("--timeout", min=0.1, help="Seconds to wait for one TrackDrive answer."),
]
MaxRpsOption = Annotated[
    float | None,
    typer.Option("--max-rps", min=0.1, help="Requests per second at most (client-side limit)."),
]
OnlyOption = Annotated[
    str | None,
    typer.Option(
        "--only",
        help="Only schedules with this exact name, or whose name this regex finds.",
    ),
]
FormatChoice = Literal["text", "markdown", "json"]
FormatOption = Annotated[
    FormatChoice,
    typer.Option("--format", help="text for terminals, markdown for PR comments, json."),
]


def _stdout() -> Console:
    # markup and emoji off: names and paths are printed verbatim, "[b]" and ":fire:" included.
    return Console(highlight=False, soft_wrap=True, markup=False, emoji=False)


def _stderr() -> Console:
    return Console(stderr=True, highlight=False, soft_wrap=True, markup=False, emoji=False)


def _version(value: bool) -> None:
    if value:
        _stdout().print(f"trackdrive-reconciler {__version__}")
        raise typer.Exit(EXIT_OK)


@app.callback()
def _root(
    version: Annotated[
        bool,
        typer.Option("--version", callback=_version, is_eager=True, help="Print the version."),
    ] = False,
    debug: Annotated[
        bool,
        typer.Option(
            "--debug", help="Log every request (method, path, status; never credentials)."
        ),
    ] = False,
) -> None:
    """Keep TrackDrive schedules as YAML in git."""
    _configure_logging(debug=debug)


def _configure_logging(*, debug: bool) -> None:
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"))
    # Retries (stamina) and requests (httpx) are counted in the run summary; without --debug
    # they are not news. The reconciler's own warnings always are.
    for name, quiet in (
        ("reconciler", logging.WARNING),
        ("stamina", logging.ERROR),
        ("httpx", logging.ERROR),
    ):
        logger = logging.getLogger(name)
        logger.handlers[:] = [handler]
        logger.propagate = False
        logger.setLevel(logging.DEBUG if debug else quiet)


@app.command()
def validate(specs: SpecsOption = DEFAULT_SPECS, config: ConfigOption = None) -> None:
    """Check the specs and reconciler.yaml offline: YAML, keys, types, duplicates.

    Needs no credentials and no network. Exit 0 when every file is valid, 1 otherwise, with
    one located error per problem on stderr (path:line:column: message).
    """
    issues: list[Issue] = []
    try:
        loaded = load_specs(specs)
    except SpecError as error:
        issues.extend(error.issues)
    try:
        load_config(config if config is not None else find_config(specs))
    except SpecError as error:
        issues.extend(error.issues)
    if issues:
        raise SpecError(issues)
    count = len(loaded.specs)
    files = len(loaded.files)
    _stderr().print(
        f"ok: {count} schedule{'s' if count != 1 else ''} in {files} file"
        f"{'s' if files != 1 else ''} under {specs}"
    )


@app.command()
def schema() -> None:
    """Print the JSON Schema of a spec file, for editors (yaml-language-server) and CI."""
    sys.stdout.write(spec_file_schema_json())


def _load(specs: Path, config: Path | None) -> tuple[list[LoadedSpec], ReconcilerConfig]:
    loaded = load_specs(specs)
    return list(loaded.specs), load_config(config if config is not None else find_config(specs))


def _target(
    api_url: str | None,
    subdomain: str | None,
    sandbox: bool,
    sandbox_db: Path,
    concurrency: int = 8,
    max_rps: float | None = None,
    timeout: float = 30.0,
) -> Target:
    if sandbox and (api_url or subdomain):
        raise typer.BadParameter("--sandbox cannot be combined with --api-url or --subdomain")
    return Target(
        api_url=api_url,
        subdomain=subdomain,
        sandbox=sandbox,
        sandbox_db=sandbox_db,
        concurrency=concurrency,
        max_rps=max_rps,
        timeout=timeout,
    )


async def _read_live(target: Target) -> list[LiveSchedule]:
    err = _stderr()
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


def _write_out(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


@app.command()
def plan(
    specs: SpecsOption = DEFAULT_SPECS,
    config: ConfigOption = None,
    api_url: ApiUrlOption = None,
    subdomain: SubdomainOption = None,
    sandbox: SandboxOption = False,
    sandbox_db: SandboxDbOption = DEFAULT_SANDBOX_DB,
    fmt: FormatOption = "text",
    out: Annotated[
        Path | None,
        typer.Option("--out", help="Also write the JSON plan here, for `reconciler apply FILE`."),
    ] = None,
    detailed_exitcode: Annotated[
        bool,
        typer.Option(
            "--detailed-exitcode", help="Exit 2 when there are changes (0 none, 1 error)."
        ),
    ] = False,
    only: OnlyOption = None,
    concurrency: ConcurrencyOption = 8,
    max_rps: MaxRpsOption = None,
    timeout: TimeoutOption = 30.0,
    base_specs: Annotated[
        Path | None,
        typer.Option(
            "--base-specs",
            help="The base branch's specs: split the plan into what this PR changes and "
            "drift already on the account (both planned from one live snapshot).",
            file_okay=False,
        ),
    ] = None,
) -> int:
    """Show what apply would change on the account. Writes nothing to TrackDrive.

    The plan goes to stdout, progress to stderr. Save it with --out and apply exactly that
    plan later with `reconciler apply PLAN.json`; apply refuses it if the account changed
    meanwhile. Example: reconciler plan --sandbox --format markdown --out plan.json
    """
    loaded, settings = _load(specs, config)
    target = _target(api_url, subdomain, sandbox, sandbox_db, concurrency, max_rps, timeout)
    matches = _only(only)
    live = asyncio.run(_read_live(target))
    result = dataclasses.replace(
        focus(build_plan(loaded, live, settings), matches),
        account=target.describe(os.environ),
        only=only,
    )
    if base_specs is not None and fmt != "json":
        base = focus(build_plan(_base_specs(base_specs), live, settings), matches)
        review = split_review(base, result)
        render = render_review_markdown if fmt == "markdown" else render_review_text
        sys.stdout.write(render(review))
    else:
        sys.stdout.write(render_plan(result, fmt))
    if out is not None:
        _write_out(out, plan_to_json(result))
        _stderr().print(f"Saved the plan to {out}.")
    return EXIT_CHANGES if detailed_exitcode and not result.is_empty else EXIT_OK


def _base_specs(directory: Path) -> list[LoadedSpec]:
    """The base branch's specs; an absent directory (a first PR) means none."""
    if not directory.is_dir():
        return []
    return list(load_specs(directory).specs)


@app.command()
def drift(
    specs: SpecsOption = DEFAULT_SPECS,
    config: ConfigOption = None,
    api_url: ApiUrlOption = None,
    subdomain: SubdomainOption = None,
    sandbox: SandboxOption = False,
    sandbox_db: SandboxDbOption = DEFAULT_SANDBOX_DB,
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
    loaded, settings = _load(specs, config)
    target = _target(api_url, subdomain, sandbox, sandbox_db)
    matches = _only(only)
    live = asyncio.run(_read_live(target))
    report = focus_drift(build_drift(loaded, live, settings), matches)
    text = render_drift(report, fmt)
    if out is not None:
        _write_out(out, text)
        _stderr().print(f"Saved the drift report to {out}.")
    else:
        sys.stdout.write(text)
    return EXIT_OK if report.is_clean else EXIT_CHANGES


@app.command()
def apply(
    plan_file: Annotated[
        Path | None,
        typer.Argument(
            help="A plan saved by `plan --out`; without it, apply plans first and asks.",
            dir_okay=False,
            exists=True,
        ),
    ] = None,
    specs: SpecsOption = DEFAULT_SPECS,
    config: ConfigOption = None,
    api_url: ApiUrlOption = None,
    subdomain: SubdomainOption = None,
    sandbox: SandboxOption = False,
    sandbox_db: SandboxDbOption = DEFAULT_SANDBOX_DB,
    auto_approve: Annotated[
        bool,
        typer.Option("--auto-approve", help="Apply without asking (required without a TTY)."),
    ] = False,
    force: Annotated[
        bool, typer.Option("--force", help="Apply even when a safety threshold is exceeded.")
    ] = False,
    concurrency: ConcurrencyOption = 8,
    max_rps: MaxRpsOption = None,
    timeout: TimeoutOption = 30.0,
    journal: Annotated[
        Path | None,
        typer.Option("--journal", help="Append one JSON line per change outcome to this file."),
    ] = None,
    no_verify: Annotated[
        bool, typer.Option("--no-verify", help="Skip re-reading the account to confirm.")
    ] = False,
) -> int:
    """Make the account match the specs: POST, PUT and DELETE what the plan lists.

    Without PLAN.json it plans, shows the plan and asks for confirmation (on a terminal;
    elsewhere pass --auto-approve). With PLAN.json it applies exactly that plan, after
    checking that neither the specs nor the schedules it touches changed since. Safety
    thresholds from reconciler.yaml refuse the apply unless --force. Afterwards it re-reads
    the account and plans again; anything left over is an error. Ctrl-C stops new writes,
    lets those in flight finish and reports what was done. Exit 0 when everything applied.
    """
    loaded, settings = _load(specs, config)
    target = _target(api_url, subdomain, sandbox, sandbox_db, concurrency, max_rps, timeout)
    return asyncio.run(
        _apply(
            target,
            loaded,
            settings,
            plan_file=plan_file,
            auto_approve=auto_approve,
            force=force,
            journal=journal,
            verify=not no_verify,
        )
    )


def _only(only: str | None) -> Callable[[str], bool]:
    try:
        return name_matcher(only)
    except re.error as exc:
        raise typer.BadParameter(f"--only {only!r} is not a valid regex: {exc}") from None


def _read_plan_file(plan_file: Path) -> Plan:
    try:
        text = plan_file.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise PlanFileError(f"{plan_file} is not a plan file (not UTF-8 text)") from None
    return plan_from_json(text)


def _check_saved_plan(
    chosen: Plan,
    plan_file: Path,
    target: Target,
    loaded: list[LoadedSpec],
    settings: ReconcilerConfig,
) -> None:
    """Refuse a saved plan made for another account, other specs or another config."""
    here = target.describe(os.environ)
    if chosen.account and chosen.account != here:
        raise PlanFileError(
            f"{plan_file} was planned against {chosen.account}, not {here}",
            hint="apply it to the account it was planned for, or plan again",
        )
    if chosen.specs_digest != specs_digest(loaded):
        raise PlanFileError(
            f"{plan_file} was planned from other specs than those in the specs directory",
            hint="plan again from the current specs",
        )
    if chosen.config_digest != config_digest(settings):
        raise PlanFileError(
            f"{plan_file} was planned with another reconciler.yaml (prune, ignore or safety)",
            hint="plan again with the current reconciler.yaml",
        )


async def _apply(
    target: Target,
    loaded: list[LoadedSpec],
    settings: ReconcilerConfig,
    *,
    plan_file: Path | None,
    auto_approve: bool,
    force: bool,
    journal: Path | None,
    verify: bool,
) -> int:
    err = _stderr()
    saved = _read_plan_file(plan_file) if plan_file is not None else None
    if saved is not None and plan_file is not None:
        _check_saved_plan(saved, plan_file, target, loaded, settings)
    if journal is not None:
        journal.parent.mkdir(parents=True, exist_ok=True)
        journal.touch()  # fail on an unwritable journal now, not after the confirmation
    live = await _read_live(target)
    if saved is not None:
        stale = stale_schedules(saved, live)
        if stale:
            raise StalePlanError(stale)
        # The safety verdict is recomputed from today's config, never trusted from the file.
        considered = [r for r in live if not (r.name_visible and settings.is_ignored(r.name))]
        verdict = check_policy(
            saved.changes, live_count=len(considered), spec_count=len(loaded), config=settings
        )
        chosen = dataclasses.replace(saved, breaches=verdict.breaches, refusals=verdict.refusals)
    else:
        chosen = build_plan(loaded, live, settings)
    sys.stdout.write(render_plan(chosen, "text"))
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
    report = await _run_apply(target, chosen, journal)
    if not report.ok:
        raise ApplyError(
            f"{report.count('failed')} failed, {report.count('skipped')} skipped, "
            f"{report.count('applied')} applied",
            hint="fix what failed and run apply again: applied changes will not repeat",
        )
    if verify:
        await _verify(target, loaded, settings, chosen.only)
    return EXIT_OK


async def _run_apply(target: Target, chosen: Plan, journal: Path | None) -> ApplyReport:
    err = _stderr()
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()

    current = asyncio.current_task()

    def interrupted() -> None:
        if stop.is_set() and current is not None:
            err.print("Interrupted again: abandoning the writes in flight.")
            current.cancel()
            return
        err.print(
            "Interrupted: finishing the writes in flight, starting no new ones "
            "(Ctrl-C again to abandon them) …"
        )
        stop.set()

    loop.add_signal_handler(signal.SIGINT, interrupted)
    journal_file = journal.open("a", encoding="utf-8") if journal is not None else None
    total = len(chosen.changes)
    done = 0
    # On a terminal, a progress bar with only the failures above it; in CI, one line each.
    progress = (
        Progress(
            TextColumn("applying"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            console=err,
            transient=True,
        )
        if err.is_terminal
        else None
    )
    task = progress.add_task("apply", total=total) if progress is not None else None

    def on_result(result: ChangeResult) -> None:
        nonlocal done
        done += 1
        line = f"[{done}/{total}] {result.outcome:<7} {describe_change(result.change)}"
        if result.detail:
            line += f": {result.detail}"
        if progress is None or task is None:
            err.print(line)
        else:
            progress.advance(task)
            if result.outcome != "applied":
                progress.console.print(line)
        if journal_file is not None:
            journal_file.write(json.dumps(_journal_entry(result)) + "\n")
            journal_file.flush()

    started = time.monotonic()
    if progress is not None:
        progress.start()
    try:
        async with open_client(target, os.environ) as client:
            report = await apply_plan(
                chosen, client, concurrency=target.concurrency, on_result=on_result, stop=stop
            )
            stats = client.stats
    except asyncio.CancelledError:
        raise ApplyInterruptedError(
            "interrupted twice: writes that were in flight may or may not have happened",
            hint="run `reconciler plan` to see where the account stands, then apply again",
        ) from None
    finally:
        loop.remove_signal_handler(signal.SIGINT)
        if progress is not None:
            progress.stop()
        if journal_file is not None:
            journal_file.close()
    err.print(
        f"Applied {report.count('applied')}, failed {report.count('failed')}, skipped "
        f"{report.count('skipped')} in {time.monotonic() - started:.1f}s "
        f"({stats.requests} requests, {stats.retries} retries, {stats.throttled} throttled)."
    )
    if stop.is_set():
        raise ApplyInterruptedError(
            "interrupted; the changes above marked skipped were not started",
            hint="run apply again to finish: applied changes will not repeat",
        )
    return report


def _journal_entry(result: ChangeResult) -> dict[str, object]:
    return {
        "at": datetime.now(UTC).isoformat(timespec="milliseconds"),
        "action": result.change.action,
        "name": result.change.name,
        "id": result.id,
        "outcome": result.outcome,
        "detail": result.detail,
        "fields": sorted(f.field for f in result.change.fields),
        "seconds": round(result.seconds, 3),
    }


async def _verify(
    target: Target, loaded: list[LoadedSpec], settings: ReconcilerConfig, only: str | None
) -> None:
    live = await _read_live(target)
    again = focus(build_plan(loaded, live, settings), name_matcher(only))
    if not again.is_empty:
        left = ", ".join(describe_change(c) for c in again.changes[:10])
        raise ApplyError(
            f"the account did not converge: a new plan still has {len(again.changes)} "
            f"changes: {left}",
            hint="run `reconciler plan` to see them; another writer may be changing the account",
        )
    _stderr().print("Verified: a fresh plan is empty.")


SplitChoice = Literal["none", "offer"]


@app.command("import")
def import_(
    out: Annotated[
        Path,
        typer.Option(
            "--out",
            help="Where to write spec files (with --adopt: the specs directory to update).",
            file_okay=False,
        ),
    ],
    config: ConfigOption = None,
    api_url: ApiUrlOption = None,
    subdomain: SubdomainOption = None,
    sandbox: SandboxOption = False,
    sandbox_db: SandboxDbOption = DEFAULT_SANDBOX_DB,
    split: Annotated[
        SplitChoice,
        typer.Option("--split", help="none: one schedules.yaml; offer: one file per offer."),
    ] = "none",
    only: OnlyOption = None,
    adopt: Annotated[
        bool,
        typer.Option(
            "--adopt",
            help="Write drifted live values into the existing files in place, keeping comments "
            "and formatting.",
        ),
    ] = False,
    include_unmanaged: Annotated[
        bool,
        typer.Option(
            "--include-unmanaged",
            help="With --adopt, also append live schedules no spec names (to imported.yaml).",
        ),
    ] = False,
) -> int:
    """Write the live schedules as spec files, so that the first plan is empty.

    Without --adopt it writes new files into --out (stable order, every managed field, `id`
    pinned where names repeat) and refuses to overwrite existing ones. With --adopt it
    accepts drift into git: for each schedule that changed in the UI it writes the live values
    into the existing YAML in place, and prints what changed, file by file.
    Examples: reconciler import --subdomain acme --out schedules.d
              reconciler import --subdomain acme --out schedules.d --adopt
    """
    if adopt and (only is not None or split != "none"):
        raise typer.BadParameter("--adopt updates the existing files; drop --only and --split")
    matches = _only(only)
    settings = load_config(config if config is not None else find_config(out))
    target = _target(api_url, subdomain, sandbox, sandbox_db)
    live = asyncio.run(_read_live(target))
    kept = [r for r in live if not (r.name_visible and settings.is_ignored(r.name))]
    header = (
        f"Imported from {target.describe(os.environ)} on "
        f"{datetime.now(UTC).date().isoformat()} by trackdrive-reconciler {__version__}."
    )
    err = _stderr()
    if adopt:
        _adopt(out, kept, settings, include_unmanaged=include_unmanaged, header=header)
        return EXIT_OK
    existing = spec_files(out) if out.is_dir() else []
    if existing:
        raise ReconcilerError(
            f"refusing to import into {out}: it already holds spec files "
            f"({', '.join(str(p) for p in existing[:3])}{', …' if len(existing) > 3 else ''}), "
            "and new files beside them would name the same schedules twice",
            hint="use --adopt to update existing specs in place, or choose an empty --out",
        )
    selected = [r for r in kept if matches(r.name)]
    files = export_specs(selected, split=split, header=header, account=kept)
    out.mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        (out / name).write_text(text, encoding="utf-8")
        err.print(f"wrote {out / name}")
    err.print(f"Imported {len(selected)} schedules; `reconciler plan` should be empty.")
    return EXIT_OK


def _adopt(
    specs_dir: Path,
    live: list[LiveSchedule],
    settings: ReconcilerConfig,
    *,
    include_unmanaged: bool,
    header: str,
) -> None:
    loaded = load_specs(specs_dir)
    texts = {file: Path(file).read_text(encoding="utf-8") for file in loaded.files}
    result = adopt_drift(
        texts,
        loaded.specs,
        live,
        settings,
        include_unmanaged=include_unmanaged,
        unmanaged_file=str(specs_dir / "imported.yaml"),
        header=header,
    )
    err = _stderr()
    for file, text in sorted(result.files.items()):
        Path(file).write_text(text, encoding="utf-8")
    for line in result.changes:
        err.print(f"adopted {line}")
    for line in result.skipped:
        err.print(f"not adopted: {line}")
    if not result.files:
        err.print("Nothing to adopt: the specs already match the account.")
    else:
        err.print(f"Updated {len(result.files)} file(s); review with `git diff`.")


def render_error(error: ReconcilerError) -> list[str]:
    """The lines a person reads for an error: what, where, and what to do next."""
    lines = [f"error: {error.message}"]
    if isinstance(error, SpecError | PlanError):
        lines = [f"{issue}" for issue in error.issues] + lines
    if error.hint:
        lines.append(f"tip: {error.hint}")
    return lines


@contextmanager
def _reported_errors(codes: list[int]) -> Iterator[None]:
    err = _stderr()
    try:
        yield
    except ReconcilerError as error:
        for line in render_error(error):
            err.print(line)
        codes.append(error.exit_code)
    except OSError as error:
        where = f"{error.filename}: " if error.filename else ""
        err.print(f"error: {where}{error.strerror or error}")
        codes.append(EXIT_ERROR)
    except typer.Abort:
        err.print("aborted")
        codes.append(EXIT_ERROR)
    except typer.TyperException as error:
        # Usage errors exit 1, not click's 2: exit 2 means "there are changes" here.
        show = getattr(error, "show", None)
        if callable(show):
            show(file=sys.stderr)
        else:
            err.print(f"error: {error}")
        codes.append(EXIT_ERROR)
    except KeyboardInterrupt:
        err.print("interrupted")
        codes.append(130)


app.add_typer(sandbox_app, name="sandbox", help="Run the local TrackDrive-compatible sandbox.")
app.add_typer(gitops_app, name="gitops", help="GitHub: the PR plan comment and the drift issue.")


_LOGGER_NAMES = ("reconciler", "stamina", "httpx")


@contextmanager
def _logging_restored() -> Iterator[None]:
    """Undo the logging set-up of one run, so ``main`` can be called again (tests, embedding)."""
    loggers = [logging.getLogger(name) for name in _LOGGER_NAMES]
    saved = [(lg.handlers[:], lg.level, lg.propagate) for lg in loggers]
    try:
        yield
    finally:
        for logger, (handlers, level, propagate) in zip(loggers, saved, strict=True):
            logger.handlers[:] = handlers
            logger.setLevel(level)
            logger.propagate = propagate


def main(argv: Sequence[str] | None = None) -> int:
    """Run the CLI with ``argv`` (default: the process arguments) and return the exit code."""
    command = typer.main.get_command(app)
    codes: list[int] = []
    with _logging_restored(), _reported_errors(codes):
        result = command.main(
            args=list(sys.argv[1:] if argv is None else argv),
            prog_name="reconciler",
            standalone_mode=False,
        )
        codes.append(result if isinstance(result, int) else EXIT_OK)
    return codes[0] if codes else EXIT_ERROR


def entrypoint() -> None:
    """The console script: exit with ``main``'s code."""
    sys.exit(main())
