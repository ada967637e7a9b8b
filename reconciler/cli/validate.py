"""``reconciler validate`` and ``reconciler schema``: offline checks, no account needed."""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from reconciler.cli.options import SpecOptions, option_groups
from reconciler.cli.output import stderr_console
from reconciler.errors import Issue, SpecError
from reconciler.explain import explain, find_named
from reconciler.loader import find_config, load_config, load_specs
from reconciler.schema import spec_file_schema_json

__all__ = ["schema_command", "validate_command"]


ExplainOption = Annotated[
    str | None,
    typer.Option(
        "--explain",
        metavar="NAME",
        help="Also print the effective spec of the schedule NAME, and where each value was set.",
    ),
]


@option_groups
def validate_command(*, spec: SpecOptions, explain_name: ExplainOption = None) -> None:
    """Check the specs and reconciler.yaml offline: YAML, keys, types, duplicates.

    Needs no credentials and no network. Exit 0 when every file is valid, 1 otherwise, with
    one located error per problem on stderr (path:line:column: message). With --explain NAME,
    the schedule's effective spec goes to stdout: each value with the file:line:col that set
    it, and whether it came from the file's defaults:, a merge key or an alias.
    """
    specs = spec.specs
    issues: list[Issue] = []
    try:
        loaded = load_specs(specs)
    except SpecError as error:
        issues.extend(error.issues)
    try:
        load_config(spec.config if spec.config is not None else find_config(specs))
    except SpecError as error:
        issues.extend(error.issues)
    if issues:
        raise SpecError(issues)
    if explain_name is not None:
        sys.stdout.write("\n".join(explain(s) for s in find_named(loaded.specs, explain_name)))
    count = len(loaded.specs)
    files = len(loaded.files)
    stderr_console().print(
        f"ok: {count} schedule{'s' if count != 1 else ''} in {files} file"
        f"{'s' if files != 1 else ''} under {specs}"
    )


def schema_command() -> None:
    """Print the JSON Schema of a spec file, for editors (yaml-language-server) and CI."""
    sys.stdout.write(spec_file_schema_json())
