"""The options several commands share, declared once.

A command asks for a group by annotating one parameter with its dataclass (``spec:
SpecOptions``, ``account: TargetOptions``, ``tuning: ClientOptions``) and decorating itself
with ``@option_groups``: the group's fields become that command's options, in the parameter's
place, and the command receives one frozen value. A new shared option is one new field.
"""

from __future__ import annotations

import dataclasses
import functools
import inspect
import re
import typing
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any, Literal, TypeVar

import typer

from reconciler.connect import DEFAULT_SANDBOX_DB, Target
from reconciler.errors import UsageError
from reconciler.scope import name_matcher
from reconciler.trackdrive.bounds import (
    DEFAULT_DEADLINE_S,
    DEFAULT_MAX_BODY_MB,
    DEFAULT_MAX_PAGES,
)

__all__ = [
    "DEFAULT_ACCOUNTS_FILE",
    "DEFAULT_SPECS",
    "AccountChoice",
    "AllAccountsOptions",
    "ClientOptions",
    "ConfigOption",
    "FormatChoice",
    "FormatOption",
    "OnlyOption",
    "ShowUnmanagedOption",
    "SpecOptions",
    "SpecsOption",
    "TargetOptions",
    "only_matcher",
    "option_groups",
]

DEFAULT_SPECS = Path("schedules.d")

SpecsOption = Annotated[
    Path,
    typer.Option(
        "--specs",
        help="The directory of schedule specs (*.yaml, *.yml, read recursively).",
        file_okay=False,
    ),
]
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
    typer.Option(
        "--timeout", min=0.1, help="Seconds for one whole TrackDrive answer (headers and body)."
    ),
]
DeadlineOption = Annotated[
    float,
    typer.Option(
        "--deadline",
        min=1.0,
        help="Seconds for the whole run: every request, retry and wait (default one hour).",
    ),
]
MaxPagesOption = Annotated[
    int,
    typer.Option("--max-pages", min=1, help="Pages one listing may have, said or implied."),
]
MaxBodyMbOption = Annotated[
    float,
    typer.Option("--max-body-mb", min=0.001, help="Megabytes one answer's body may have."),
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
DEFAULT_ACCOUNTS_FILE = Path("accounts.yaml")
AccountOption = Annotated[
    str | None,
    typer.Option(
        "--account",
        help="The account with this key in accounts.yaml: its specs, config, URL and keys "
        "(`reconciler accounts` lists them).",
    ),
]
AccountsFileOption = Annotated[
    Path,
    typer.Option(
        "--accounts-file",
        help="The accounts file; without one, a single account as chosen by the other options.",
        dir_okay=False,
    ),
]
AllAccountsOption = Annotated[
    bool,
    typer.Option(
        "--all-accounts",
        help="Every account in accounts.yaml, concurrently, each reported, then a total.",
    ),
]
AccountsAtOnceOption = Annotated[
    int,
    typer.Option(
        "--accounts-at-once", min=1, max=256, help="With --all-accounts: accounts in flight."
    ),
]
ShowUnmanagedOption = Annotated[
    bool,
    typer.Option(
        "--show-unmanaged",
        help="List the live schedules no spec names (by default only their count).",
    ),
]
FormatChoice = Literal["text", "markdown", "json"]
FormatOption = Annotated[
    FormatChoice,
    typer.Option("--format", help="text for terminals, markdown for PR comments, json."),
]


@dataclass(frozen=True)
class SpecOptions:
    """Where the desired state is: the specs directory and reconciler.yaml."""

    specs: SpecsOption = DEFAULT_SPECS
    config: ConfigOption = None


@dataclass(frozen=True)
class TargetOptions:
    """Which account: a TrackDrive URL or subdomain, or the local sandbox."""

    api_url: ApiUrlOption = None
    subdomain: SubdomainOption = None
    sandbox: SandboxOption = False
    sandbox_db: SandboxDbOption = DEFAULT_SANDBOX_DB

    def target(self, tuning: ClientOptions | None = None) -> Target:
        """The ``Target`` these options name, with the client tuning if the command has it."""
        if self.sandbox and (self.api_url or self.subdomain):
            raise UsageError(
                "--sandbox cannot be combined with --api-url or --subdomain",
                hint="pass --sandbox for the practice account, or an account, not both",
            )
        tuning = tuning if tuning is not None else ClientOptions()
        return Target(
            api_url=self.api_url,
            subdomain=self.subdomain,
            sandbox=self.sandbox,
            sandbox_db=self.sandbox_db,
            concurrency=tuning.concurrency,
            max_rps=tuning.max_rps,
            timeout=tuning.timeout,
            deadline=tuning.deadline,
            max_pages=tuning.max_pages,
            max_body_mb=tuning.max_body_mb,
        )


@dataclass(frozen=True)
class ClientOptions:
    """How hard to drive the API, and the bounds on what it may take: time, pages, bytes."""

    concurrency: ConcurrencyOption = 8
    max_rps: MaxRpsOption = None
    timeout: TimeoutOption = 30.0
    deadline: DeadlineOption = DEFAULT_DEADLINE_S
    max_pages: MaxPagesOption = DEFAULT_MAX_PAGES
    max_body_mb: MaxBodyMbOption = DEFAULT_MAX_BODY_MB


@dataclass(frozen=True)
class AccountChoice:
    """Which account of accounts.yaml (when there is one) a command works on."""

    account_key: AccountOption = None
    accounts_file: AccountsFileOption = DEFAULT_ACCOUNTS_FILE


@dataclass(frozen=True)
class AllAccountsOptions:
    """Every account at once (plan and drift), at most so many in flight."""

    all_accounts: AllAccountsOption = False
    accounts_at_once: AccountsAtOnceOption = 32


_GROUPS: tuple[type, ...] = (
    SpecOptions,
    TargetOptions,
    ClientOptions,
    AccountChoice,
    AllAccountsOptions,
)

R = TypeVar("R")


def option_groups(command: Callable[..., R]) -> Callable[..., R]:
    """Expand each parameter typed as an option group into the group's options, for typer.

    typer reads the wrapper's signature; the wrapper rebuilds each group from its options and
    calls ``command`` with the frozen values.
    """
    hints = typing.get_type_hints(command, include_extras=True)
    parameters: list[inspect.Parameter] = []
    groups: dict[str, type] = {}
    for parameter in inspect.signature(command).parameters.values():
        annotation = hints.get(parameter.name, parameter.annotation)
        if annotation in _GROUPS:
            groups[parameter.name] = annotation
            field_hints = typing.get_type_hints(annotation, include_extras=True)
            parameters.extend(
                inspect.Parameter(
                    field.name,
                    inspect.Parameter.KEYWORD_ONLY,
                    default=field.default,
                    annotation=field_hints[field.name],
                )
                for field in dataclasses.fields(annotation)
            )
        else:
            parameters.append(
                parameter.replace(kind=inspect.Parameter.KEYWORD_ONLY, annotation=annotation)
            )

    @functools.wraps(command)
    def wrapper(**kwargs: Any) -> R:
        for name, group in groups.items():
            values = {f.name: kwargs.pop(f.name) for f in dataclasses.fields(group)}
            kwargs[name] = group(**values)
        return command(**kwargs)

    wrapper.__signature__ = inspect.Signature(parameters)  # type: ignore[attr-defined]
    wrapper.__annotations__ = {p.name: p.annotation for p in parameters}
    return wrapper


def only_matcher(only: str | None) -> Callable[[str], bool]:
    """``--only``'s matcher; a pattern that is not a regex is a usage error."""
    try:
        return name_matcher(only)
    except re.error as exc:
        raise UsageError(
            f"--only {only!r} is not a valid regex: {exc}",
            hint="escape regex characters such as ( [ + with a backslash to match them literally",
        ) from None
