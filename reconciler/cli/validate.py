"""``reconciler validate`` and ``reconciler schema``: offline checks, no account needed."""

from __future__ import annotations

import sys
from dataclasses import dataclass
from typing import Annotated

import typer

from reconciler.accounts import load_layers
from reconciler.cli.options import AccountChoice, SpecOptions, option_groups
from reconciler.cli.output import stderr_console
from reconciler.cli.selection import account_runs
from reconciler.errors import Issue, SpecError
from reconciler.explain import explain, find_named
from reconciler.fanout import AccountRun
from reconciler.loader import load_config
from reconciler.schema import spec_file_schema_json
from reconciler.spec import LoadedSpec

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
def validate_command(
    *, spec: SpecOptions, choice: AccountChoice, explain_name: ExplainOption = None
) -> None:
    """Check the specs and reconciler.yaml offline: YAML, keys, types, duplicates.

    Needs no credentials and no network. Exit 0 when every file is valid, 1 otherwise, with
    one located error per problem on stderr (path:line:column: message). With --explain NAME,
    the schedule's effective spec goes to stdout: each value with the file:line:col that set
    it, and whether it came from the file's defaults:, a merge key or an alias. With
    accounts.yaml it checks that file and every account's layered specs (or --account KEY's).
    """
    runs = account_runs(choice, spec, None, all_by_default=True)
    issues: list[Issue] = []
    checked: list[tuple[AccountRun, _Checked]] = []
    for run in runs:
        found = _check(run)
        # A problem in a shared layer is every account's: report it once.
        issues.extend(i for i in found.issues if i not in issues)
        checked.append((run, found))
    if issues:
        raise SpecError(issues)
    if explain_name is not None:
        sys.stdout.write(_explained(checked, explain_name))
    for _, found in checked:
        stderr_console().print(found.ok)


@dataclass(frozen=True, slots=True)
class _Checked:
    issues: list[Issue]
    specs: tuple[LoadedSpec, ...] = ()
    ok: str = ""


def _check(run: AccountRun) -> _Checked:
    issues: list[Issue] = []
    layered = None
    limits = None
    try:
        limits = load_config(run.config).limits  # bounds the spec files read below
    except SpecError as error:
        issues.extend(error.issues)
    try:
        layered = load_layers(run.layers, limits)
    except SpecError as error:
        issues.extend(error.issues)
    if issues or layered is None:
        return _Checked(issues)
    count = len(layered.specs.specs)
    files = len(layered.specs.files)
    line = (
        f"{count} schedule{'s' if count != 1 else ''} in {files} file"
        f"{'s' if files != 1 else ''} under {', '.join(str(p) for p in run.layers)}"
    )
    if run.key is not None:
        overrides = len(layered.overrides)
        line = f"{run.key}: {line}" + (
            f" ({overrides} overriding a lower layer)" if overrides else ""
        )
    return _Checked([], layered.specs.specs, f"ok: {line}")


def _explained(checked: list[tuple[AccountRun, _Checked]], name: str) -> str:
    """NAME's effective spec; with several accounts, in each account that has it."""
    if len(checked) == 1:
        return "\n".join(explain(s) for s in find_named(checked[0][1].specs, name))
    parts = [
        f"== {run.key} ==\n" + "\n".join(explain(s) for s in found.specs if s.spec.name == name)
        for run, found in checked
        if any(s.spec.name == name for s in found.specs)
    ]
    if not parts:  # in no account: the usual error, with its "did you mean"
        find_named([s for _, found in checked for s in found.specs], name)
    return "\n".join(parts)


def schema_command() -> None:
    """Print the JSON Schema of a spec file, for editors (yaml-language-server) and CI."""
    sys.stdout.write(spec_file_schema_json())
