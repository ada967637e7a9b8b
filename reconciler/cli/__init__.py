"""The command line: one module per command, registered here in the order ``--help`` lists them.

``main(argv) -> int`` does the work so tests can call it; ``entrypoint()`` only passes
``sys.argv``. Every ``ReconcilerError`` becomes ``error: …`` lines on stderr and exit 1
(``output``). Options shared by several commands are declared once (``options``).

Commands and their modules: ``validate`` and ``schema`` (validate.py, offline), ``plan``,
``drift``, ``apply`` (apply.py, with saved_plan.py and apply_run.py), ``import`` (import_.py),
``accounts`` (accounts.py; with selection.py and many.py for --account / --all-accounts);
the ``sandbox`` and ``gitops`` groups live in their own packages.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from typing import Annotated

import typer

from reconciler.__about__ import __version__
from reconciler.cli.accounts import accounts_command
from reconciler.cli.apply import apply_command
from reconciler.cli.drift import drift_command
from reconciler.cli.import_ import import_command
from reconciler.cli.output import (
    EXIT_ERROR,
    EXIT_OK,
    configure_logging,
    logging_restored,
    reported_errors,
    set_no_color,
    stdout_console,
)
from reconciler.cli.plan import plan_command
from reconciler.cli.usage import hoist_global_flags
from reconciler.cli.validate import schema_command, validate_command
from reconciler.gitops import gitops_app
from reconciler.sandbox import sandbox_app

__all__ = ["app", "entrypoint", "main"]

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
    add_completion=True,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)


def _version(value: bool) -> None:
    if value:
        stdout_console().print(f"trackdrive-reconciler {__version__}")
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
    no_color: Annotated[
        bool,
        typer.Option(
            "--no-color",
            help="Plain text even on a terminal (also NO_COLOR=1; FORCE_COLOR=1 forces colour).",
        ),
    ] = False,
) -> None:
    """Keep TrackDrive schedules as YAML in git."""
    configure_logging(debug=debug)
    set_no_color(no_color)


app.command("validate")(validate_command)
app.command("schema")(schema_command)
app.command("plan")(plan_command)
app.command("drift")(drift_command)
app.command("apply")(apply_command)
app.command("import")(import_command)
app.command("accounts")(accounts_command)
app.add_typer(sandbox_app, name="sandbox", help="Run the local TrackDrive-compatible sandbox.")
app.add_typer(gitops_app, name="gitops", help="GitHub: the PR plan comment and the drift issue.")


def main(argv: Sequence[str] | None = None) -> int:
    """Run the CLI with ``argv`` (default: the process arguments) and return the exit code."""
    command = typer.main.get_command(app)
    codes: list[int] = []
    with logging_restored(), reported_errors(codes):
        result = command.main(
            args=hoist_global_flags(sys.argv[1:] if argv is None else argv),
            prog_name="reconciler",
            standalone_mode=False,
        )
        codes.append(result if isinstance(result, int) else EXIT_OK)
    return codes[0] if codes else EXIT_ERROR


def entrypoint() -> None:
    """The console script: exit with ``main``'s code."""
    sys.exit(main())
