"""``reconciler plan``: what apply would change on the account. Writes nothing to TrackDrive."""

from __future__ import annotations

import asyncio
import dataclasses
import os
import sys
from pathlib import Path
from typing import Annotated

import typer

from reconciler.cli.inputs import load_desired, read_live
from reconciler.cli.options import (
    ClientOptions,
    FormatOption,
    OnlyOption,
    SpecOptions,
    TargetOptions,
    only_matcher,
    option_groups,
)
from reconciler.cli.output import EXIT_CHANGES, EXIT_OK, stderr_console, write_out
from reconciler.loader import load_specs
from reconciler.plan import build_plan, focus
from reconciler.planfile import plan_to_json
from reconciler.render import render_plan
from reconciler.render.review import render_review_markdown, render_review_text
from reconciler.review import split_review
from reconciler.spec import LoadedSpec

__all__ = ["plan_command"]


@option_groups
def plan_command(
    *,
    spec: SpecOptions,
    account: TargetOptions,
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
    tuning: ClientOptions,
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
    loaded, settings = load_desired(spec)
    target = account.target(tuning)
    matches = only_matcher(only)
    live = asyncio.run(read_live(target))
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
        write_out(out, plan_to_json(result))
        stderr_console().print(f"Saved the plan to {out}.")
    return EXIT_CHANGES if detailed_exitcode and not result.is_empty else EXIT_OK


def _base_specs(directory: Path) -> list[LoadedSpec]:
    """The base branch's specs; an absent directory (a first PR) means none."""
    if not directory.is_dir():
        return []
    return list(load_specs(directory).specs)
