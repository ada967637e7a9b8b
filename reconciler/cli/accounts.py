"""``reconciler accounts``: the accounts of accounts.yaml, as a table or a CI matrix."""

from __future__ import annotations

import json
import sys
from typing import Annotated

import typer

from reconciler.accounts import load_accounts
from reconciler.cli.options import DEFAULT_ACCOUNTS_FILE, AccountsFileOption
from reconciler.cli.output import stderr_console
from reconciler.errors import AccountError

__all__ = ["accounts_command"]


def accounts_command(
    as_json: Annotated[
        bool,
        typer.Option(
            "--json",
            help='A GitHub Actions matrix: {"include": [{"account": …, "environment": …, '
            '"public_key_env": …, "private_key_env": …}]}.',
        ),
    ] = False,
    accounts_file: AccountsFileOption = DEFAULT_ACCOUNTS_FILE,
) -> None:
    """List the accounts in accounts.yaml: key, URL, key variables, specs, environment.

    With --json, one line of JSON for a workflow's matrix, e.g.
    `matrix: ${{ fromJSON(needs.accounts.outputs.matrix) }}`. Without accounts.yaml it is
    an error: there is one account, chosen by --subdomain / --api-url.
    """
    if not accounts_file.is_file():
        raise AccountError(
            f"{accounts_file} does not exist: without it there is one account, chosen by "
            "--subdomain or --api-url",
            hint="list several accounts in accounts.yaml (docs/accounts.md)",
        )
    accounts = load_accounts(accounts_file)
    if as_json:
        sys.stdout.write(json.dumps(accounts.matrix(), separators=(",", ":")) + "\n")
        return
    header = ("account", "url", "key variables", "specs (layers, bottom first)", "environment")
    rows = [
        (
            a.key,
            a.base_url,
            f"{a.public_key_env}, {a.private_key_env}",
            " < ".join(str(p) for p in a.layers),
            a.environment,
        )
        for a in accounts.accounts
    ]
    widths = [max(len(row[i]) for row in (header, *rows)) for i in range(len(header))]
    for row in (header, *rows):
        sys.stdout.write(
            "  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip() + "\n"
        )
    count = len(rows)
    stderr_console().print(f"{count} account{'s' if count != 1 else ''} in {accounts_file}.")
