"""``reconciler gitops …``: the GitHub steps of the workflows, as commands.

``comment`` posts or edits the pull request's one plan comment; ``drift-issue`` opens, updates
or closes the drift issue after a scheduled ``reconciler drift``. Both read the token from
``GITHUB_TOKEN`` and the API from ``GITHUB_API_URL`` (as Actions sets them), print one line on
stderr saying what they did, and raise ``ReconcilerError``s for the CLI to report (exit 1).
``check-plan`` fails a pull request's check when the apply after the merge would refuse its
saved plan (a safety threshold), so the refusal is seen at review time, not after the merge.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated

import typer

from reconciler.errors import PlanFileError
from reconciler.gitops.comment import upsert_comment
from reconciler.gitops.drift_issue import (
    DRIFT_LABEL,
    DRIFT_TITLE,
    check_drift_exit_code,
    sync_drift_issue,
)
from reconciler.gitops.errors import GitOpsError
from reconciler.gitops.github import GitHubClient, check_repo
from reconciler.planfile import plan_from_json

__all__ = ["gitops_app"]

gitops_app = typer.Typer(
    name="gitops",
    help=(
        "The GitHub side of the workflows: the pull request's plan comment and the drift "
        "issue. The token comes from GITHUB_TOKEN, the API from GITHUB_API_URL "
        "(default https://api.github.com)."
    ),
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)

RepoOption = Annotated[
    str,
    typer.Option(
        "--repo",
        envvar="GITHUB_REPOSITORY",
        help="The repository, OWNER/NAME.",
    ),
]


def _read(path: Path, what: str) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise GitOpsError(
            f"cannot read the {what} {path}: {exc.strerror or type(exc).__name__}"
            if isinstance(exc, OSError)
            else f"the {what} {path} is not UTF-8 text"
        ) from None


def _run_url() -> str | None:
    """This workflow run's page, from the variables Actions sets (``None`` elsewhere)."""
    server = os.environ.get("GITHUB_SERVER_URL", "").rstrip("/")
    repository = os.environ.get("GITHUB_REPOSITORY", "")
    run_id = os.environ.get("GITHUB_RUN_ID", "")
    if server and repository and run_id:
        return f"{server}/{repository}/actions/runs/{run_id}"
    return None


@gitops_app.command("comment")
def comment(
    repo: RepoOption,
    pr: Annotated[int, typer.Option("--pr", min=1, help="The pull request's number.")],
    body_file: Annotated[
        Path,
        typer.Option(
            "--body-file",
            dir_okay=False,
            help="The comment, e.g. `reconciler plan --format markdown` output.",
        ),
    ],
) -> None:
    """Post the plan as the PR's sticky comment, or edit it.

    One comment per pull request holds the plan: it is found again by the plan's hidden
    marker (added if the body lacks it) on any page of the pull request's comments; other
    comments are never touched.
    Example: reconciler gitops comment --repo acme/schedules --pr 7 --body-file plan.md
    """
    check_repo(repo)
    body = _read(body_file, "comment body")
    with GitHubClient.from_env(os.environ) as github:
        result = upsert_comment(github, repo, pr, body)
    typer.echo(
        f"{result.action} the plan comment on {repo}#{pr}: {result.comment.html_url}", err=True
    )


@gitops_app.command("drift-issue")
def drift_issue(
    repo: RepoOption,
    drift_exit_code: Annotated[
        int,
        typer.Option(
            "--drift-exit-code",
            help="The exit code of `reconciler drift`: 2 drift, 0 none (anything else: error).",
        ),
    ],
    report_file: Annotated[
        Path | None,
        typer.Option(
            "--report-file",
            dir_okay=False,
            help="The report of `reconciler drift --format markdown --out FILE`.",
        ),
    ] = None,
    label: Annotated[str, typer.Option("--label", help="The drift issue's label.")] = DRIFT_LABEL,
    title: Annotated[str, typer.Option("--title", help="A new drift issue's title.")] = DRIFT_TITLE,
) -> None:
    """Open, update or close the drift issue.

    One issue labelled `drift` follows the drift check: exit code 2 opens it or puts the new
    report in it; 0 closes an open one with a comment, or does nothing; any other code is an
    error and changes nothing.
    Example: reconciler gitops drift-issue --repo acme/schedules --report-file drift.md
    --drift-exit-code 2
    """
    check_repo(repo)
    check_drift_exit_code(drift_exit_code)
    report = ""
    if drift_exit_code == 2:
        if report_file is None:
            raise GitOpsError(
                "--report-file is needed when there is drift (--drift-exit-code 2)",
                hint="write it with `reconciler drift --format markdown --out FILE`",
            )
        report = _read(report_file, "drift report")
    with GitHubClient.from_env(os.environ) as github:
        result = sync_drift_issue(
            github,
            repo,
            drift_exit_code=drift_exit_code,
            report=report,
            run_url=_run_url(),
            label=label,
            title=title,
        )
    if result.issue is None:
        typer.echo(f"No drift and no open drift issue on {repo}: nothing to do.", err=True)
    else:
        typer.echo(
            f"{result.action} drift issue #{result.issue.number}: {result.issue.html_url}",
            err=True,
        )


@gitops_app.command("check-plan")
def check_plan(
    plan_file: Annotated[
        Path,
        typer.Option(
            "--plan-file",
            dir_okay=False,
            help="The plan of `reconciler plan --out PLAN.json`.",
        ),
    ],
) -> None:
    """Fail when apply would refuse this saved plan (a safety threshold of reconciler.yaml).

    Run in the pull request's check so a breach fails the PR, named in its comment, instead of
    the apply after the merge. The reviewed way past it is a commit to reconciler.yaml in the
    same PR that raises the threshold (docs/gitops.md, "Safety thresholds").
    Example: reconciler gitops check-plan --plan-file plan.json
    """
    try:
        plan = plan_from_json(_read(plan_file, "plan file"))
    except PlanFileError as error:
        raise GitOpsError(f"{plan_file}: {error}") from None
    if plan.refusals:
        raise GitOpsError(
            "the apply after merging would refuse this plan: " + "; ".join(plan.refusals)
        )
    if plan.breaches:
        raise GitOpsError(
            "the apply after merging would refuse this plan: " + "; ".join(plan.breaches),
            hint="make the PR smaller, or raise the threshold in reconciler.yaml in this PR so "
            "that its reviewers approve it (docs/gitops.md, Safety thresholds)",
        )
    typer.echo(f"{plan_file}: within the safety thresholds of reconciler.yaml.", err=True)
