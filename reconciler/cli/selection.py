"""Which account(s) a command runs on: the options alone, or accounts from accounts.yaml.

Without an accounts file a command has one run built from ``--specs``, ``--config`` and the
account options, exactly as before accounts.yaml existed. With one, ``--account KEY`` picks an
account (or the only one), ``--all-accounts`` takes them all, and each account's specs, config,
URL and key variables come from the file, so the options that would name them are refused.
"""

from __future__ import annotations

from dataclasses import dataclass

import typer

from reconciler.accounts import Accounts, LayeredSpecs, load_accounts, load_layers
from reconciler.cli.options import (
    DEFAULT_SPECS,
    AccountChoice,
    AllAccountsOptions,
    ClientOptions,
    SpecOptions,
    TargetOptions,
)
from reconciler.errors import AccountError
from reconciler.fanout import AccountRun, run_for
from reconciler.loader import find_config, load_config
from reconciler.spec import LoadedSpec, ReconcilerConfig

__all__ = ["Desired", "account_runs", "load_accounts_file", "load_run"]


@dataclass(frozen=True, slots=True)
class Desired:
    """An account's specs (after layering) and the config they are planned with."""

    specs: list[LoadedSpec]
    config: ReconcilerConfig
    layered: LayeredSpecs


def load_accounts_file(choice: AccountChoice) -> Accounts | None:
    """accounts.yaml when it exists; ``None`` means one account, chosen by the options."""
    if not choice.accounts_file.is_file():
        if choice.accounts_file.exists():
            raise typer.BadParameter(f"--accounts-file {choice.accounts_file} is not a file")
        return None
    return load_accounts(choice.accounts_file)


def account_runs(
    choice: AccountChoice,
    spec: SpecOptions | None,
    target: TargetOptions | None,
    tuning: ClientOptions | None = None,
    *,
    fanout: AllAccountsOptions | None = None,
    all_by_default: bool = False,
) -> list[AccountRun]:
    """The runs a command makes: one, or with ``--all-accounts`` (or ``all_by_default``) all.

    ``spec`` or ``target`` is ``None`` for a command without those options.
    """
    every = fanout is not None and fanout.all_accounts
    if every and choice.account_key is not None:
        raise typer.BadParameter("give either --account KEY or --all-accounts, not both")
    accounts = load_accounts_file(choice)
    base_target = (target or TargetOptions()).target(tuning)
    if accounts is None:
        if choice.account_key is not None or every:
            flag = "--account" if choice.account_key is not None else "--all-accounts"
            raise AccountError(
                f"{flag} needs an accounts file, and {choice.accounts_file} does not exist",
                hint="list the accounts in accounts.yaml (docs/accounts.md), or pass "
                "--accounts-file FILE",
            )
        specs = spec.specs if spec is not None else DEFAULT_SPECS
        config = spec.config if spec is not None else None
        return [
            AccountRun(
                key=None,
                layers=(specs,),
                config=config if config is not None else find_config(specs),
                target=base_target,
            )
        ]
    _refuse_single_account_options(spec, target, choice)
    if choice.account_key is not None:
        return [run_for(accounts.get(choice.account_key), base_target)]
    if every or all_by_default or len(accounts.accounts) == 1:
        return [run_for(layout, base_target) for layout in accounts.accounts]
    also = " or every one with --all-accounts" if fanout is not None else ""
    raise AccountError(
        f"{choice.accounts_file} names {len(accounts.accounts)} accounts "
        f"({', '.join(accounts.keys)}): choose one with --account KEY{also}"
    )


def _refuse_single_account_options(
    spec: SpecOptions | None, target: TargetOptions | None, choice: AccountChoice
) -> None:
    given = []
    if spec is not None and spec.specs != DEFAULT_SPECS:
        given.append("--specs")
    if spec is not None and spec.config is not None:
        given.append("--config")
    if target is not None and target.api_url:
        given.append("--api-url")
    if target is not None and target.subdomain:
        given.append("--subdomain")
    if given:
        raise typer.BadParameter(
            f"{choice.accounts_file} sets each account's specs, config and URL: drop "
            f"{', '.join(given)} (or point --accounts-file at a file that does not exist)"
        )


def load_run(run: AccountRun) -> Desired:
    """The run's specs, layered, and its config; every problem in them at once."""
    config = load_config(run.config)
    layered = load_layers(run.layers, config.limits)  # limits: bounds on each spec file
    return Desired(list(layered.specs.specs), config, layered)
