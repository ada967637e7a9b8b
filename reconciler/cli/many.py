"""Printing several accounts' results: each account's section, its errors, then the total."""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import typer

from reconciler.cli.options import FormatChoice
from reconciler.cli.output import print_report, render_error, stderr_console
from reconciler.fanout import AccountRun, Outcome, worst_exit
from reconciler.render.accounts import (
    AccountSection,
    Status,
    render_accounts_markdown,
    render_accounts_text,
    total_line,
)

__all__ = [
    "ACCOUNT_PLACEHOLDER",
    "Shown",
    "account_path",
    "check_account_template",
    "job_summary_link",
    "report_accounts",
]

T = TypeVar("T")
ACCOUNT_PLACEHOLDER = "{account}"


def account_path(template: Path | None, run: AccountRun) -> Path | None:
    """``--out`` for one account: ``{account}`` replaced by its key."""
    if template is None or run.key is None:
        return template
    return Path(str(template).replace(ACCOUNT_PLACEHOLDER, run.key))


def check_account_template(template: Path | None, option: str) -> None:
    """With several accounts, one file each: the path must hold ``{account}``."""
    if template is not None and ACCOUNT_PLACEHOLDER not in str(template):
        raise typer.BadParameter(
            f"with --all-accounts, {option} must contain {ACCOUNT_PLACEHOLDER} (one file per "
            f"account), e.g. {option} plans/{ACCOUNT_PLACEHOLDER}.json"
        )


def job_summary_link() -> str:
    """Where the untrimmed output is: this workflow run's summary on Actions, else stdout."""
    server = os.environ.get("GITHUB_SERVER_URL", "").rstrip("/")
    repository = os.environ.get("GITHUB_REPOSITORY", "")
    run_id = os.environ.get("GITHUB_RUN_ID", "")
    if server and repository and run_id:
        return f"[the job summary]({server}/{repository}/actions/runs/{run_id})"
    return "the full output of `reconciler` for each account"


@dataclass(frozen=True, slots=True)
class Shown:
    """What one account's result shows: its status, a one-line result, its body, its data."""

    status: Status
    result: str
    body: str
    data: Any


def report_accounts(
    outcomes: Sequence[Outcome[T]],
    show: Callable[[T], Shown],
    *,
    fmt: FormatChoice,
    title: str,
    marker: str,
    changes: str,
    none: str = "unchanged",
    exit_for_changes: int,
) -> int:
    """Print every account's section on stdout and errors on stderr; return the worst exit."""
    err = stderr_console()
    sections: list[AccountSection] = []
    codes: list[int] = []
    records: list[dict[str, Any]] = []
    for outcome in outcomes:
        key = outcome.run.key or ""
        if outcome.error is not None:
            lines = render_error(outcome.error)
            for line in lines:
                err.print(f"[{key}] {line}")
            result = f"error: {outcome.error.message}"
            sections.append(AccountSection(key, outcome.run.where, "error", result))
            codes.append(outcome.error.exit_code)
            records.append({"account": key, "status": "error", "error": outcome.error.message})
            continue
        assert outcome.result is not None
        shown = show(outcome.result)
        body = shown.body.replace(marker + "\n", "") if marker else shown.body
        sections.append(AccountSection(key, outcome.run.where, shown.status, shown.result, body))
        codes.append(exit_for_changes if shown.status == "changes" else 0)
        records.append({"account": key, "status": shown.status, "result": shown.data})
    if fmt == "json":
        counts = {
            s: sum(1 for x in sections if x.status == s) for s in ("changes", "none", "error")
        }
        sys.stdout.write(json.dumps({"accounts": records, "total": counts}, indent=2) + "\n")
    elif fmt == "markdown":
        sys.stdout.write(
            render_accounts_markdown(
                sections,
                title=title,
                marker=marker,
                details_at=job_summary_link(),
                changes=changes,
                none=none,
            )
        )
    else:
        print_report(render_accounts_text(sections, changes=changes, none=none))
    err.print(f"Total over {total_line(sections, changes=changes, none=none)}.")
    return worst_exit(codes)
