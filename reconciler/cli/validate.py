"""``reconciler validate`` and ``reconciler schema``: offline checks, no account needed."""

from __future__ import annotations

import sys

from reconciler.cli.options import SpecOptions, option_groups
from reconciler.cli.output import stderr_console
from reconciler.errors import Issue, SpecError
from reconciler.loader import find_config, load_config, load_specs
from reconciler.schema import spec_file_schema_json

__all__ = ["schema_command", "validate_command"]


@option_groups
def validate_command(*, spec: SpecOptions) -> None:
    """Check the specs and reconciler.yaml offline: YAML, keys, types, duplicates.

    Needs no credentials and no network. Exit 0 when every file is valid, 1 otherwise, with
    one located error per problem on stderr (path:line:column: message).
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
    count = len(loaded.specs)
    files = len(loaded.files)
    stderr_console().print(
        f"ok: {count} schedule{'s' if count != 1 else ''} in {files} file"
        f"{'s' if files != 1 else ''} under {specs}"
    )


def schema_command() -> None:
    """Print the JSON Schema of a spec file, for editors (yaml-language-server) and CI."""
    sys.stdout.write(spec_file_schema_json())
