"""The command line: arguments, environment, exit codes. The only module that prints.

``main(argv) -> int`` does the work so tests can call it; ``entrypoint()`` only passes
``sys.argv``. Every ``ReconcilerError`` becomes ``error: …`` lines on stderr and exit 1.
Exit codes: 0 success / nothing differs, 1 error, 2 differences (plan/drift, when asked).
"""

from __future__ import annotations

import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape

from reconciler.__about__ import __version__
from reconciler.errors import PlanError, ReconcilerError, SpecError
from reconciler.loader import load_specs
from reconciler.schema import spec_file_schema_json

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


def _stdout() -> Console:
    return Console(highlight=False, soft_wrap=True)


def _stderr() -> Console:
    return Console(stderr=True, highlight=False, soft_wrap=True)


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
) -> None:
    """Keep TrackDrive schedules as YAML in git."""


@app.command()
def validate(specs: SpecsOption = DEFAULT_SPECS) -> None:
    """Check the specs offline: YAML syntax, keys, types, duplicates. Needs no credentials.

    Exit 0 when every file is valid, 1 otherwise, with one located error per problem
    on stderr (path:line:column: message).
    """
    loaded = load_specs(specs)
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
            err.print(escape(line))
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
            err.print(f"error: {escape(str(error))}")
        codes.append(EXIT_ERROR)
    except KeyboardInterrupt:
        err.print("interrupted")
        codes.append(130)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the CLI with ``argv`` (default: the process arguments) and return the exit code."""
    command = typer.main.get_command(app)
    codes: list[int] = []
    with _reported_errors(codes):
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
