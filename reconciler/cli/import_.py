"""``reconciler import``: write the live schedules as specs, or adopt drift into them."""

from __future__ import annotations

import asyncio
import os
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated, Literal

import typer

from reconciler.__about__ import __version__
from reconciler.adopt import adopt_drift
from reconciler.cli.inputs import read_live
from reconciler.cli.options import (
    DEFAULT_SPECS,
    AccountChoice,
    ConfigOption,
    OnlyOption,
    SpecOptions,
    TargetOptions,
    only_matcher,
    option_groups,
)
from reconciler.cli.output import EXIT_OK, safe_line, stderr_console
from reconciler.cli.selection import account_runs
from reconciler.errors import ReconcilerError, UsageError
from reconciler.export import export_specs
from reconciler.live import LiveSchedule
from reconciler.loader import find_config, load_config, load_specs, spec_files
from reconciler.safewrite import write_inside
from reconciler.spec import ReconcilerConfig

__all__ = ["import_command"]

SplitChoice = Literal["none", "offer"]


@option_groups
def import_command(
    *,
    out: Annotated[
        Path,
        typer.Option(
            "--out",
            help="Where to write spec files (with --adopt: the specs directory to update).",
            file_okay=False,
        ),
    ],
    config: ConfigOption = None,
    account: TargetOptions,
    choice: AccountChoice,
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

    \b
    Examples:
      reconciler import --subdomain acme --out schedules.d
      reconciler import --subdomain acme --out schedules.d --adopt
      reconciler import --sandbox --out imported.d --split offer
    """
    if adopt and (only is not None or split != "none"):
        raise UsageError(
            "--adopt updates the existing files; it takes neither --only nor --split",
            hint="drop --only and --split, or import into an empty --out without --adopt",
        )
    matches = only_matcher(only)
    (run,) = account_runs(choice, SpecOptions(config=config), account)
    if run.key is None:
        settings = load_config(config if config is not None else find_config(out))
    else:
        settings = load_config(run.config)
    target = run.target
    live = asyncio.run(read_live(target))
    kept = [r for r in live if not (r.name_visible and settings.is_ignored(r.name))]
    header = (
        f"Imported from {target.describe(os.environ)} on "
        f"{datetime.now(UTC).date().isoformat()} by trackdrive-reconciler {__version__}."
    )
    err = stderr_console()
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
        write_inside(out, out / name, text, new=True)  # never through a (dangling) symlink
        err.print(f"wrote {out / name}")
    err.print(f"Imported {len(selected)} schedules; {_check_tip(out, run.key)} should be empty.")
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
    err = stderr_console()
    for file, text in sorted(result.files.items()):
        path = Path(file)
        write_inside(specs_dir, path, text, new=not path.exists())
    for line in result.changes:
        err.print(safe_line(f"adopted {line}"))
    for line in result.skipped:
        err.print(safe_line(f"not adopted: {line}"))
    if not result.files:
        err.print("Nothing to adopt: the specs already match the account.")
    else:
        err.print(f"Updated {len(result.files)} file(s); review with `git diff`.")


def _check_tip(out: Path, account: str | None) -> str:
    """The plan command that should now be empty: ``--specs`` unless --out is the default."""
    command = "reconciler plan"
    if account is not None:
        command += f" --account {account}"
    if out != DEFAULT_SPECS:
        command += f" --specs {out}"
    return f"`{command}`"
