"""One issue labelled ``drift`` that follows the scheduled drift check.

``reconciler drift`` exits 2 when a managed schedule differs from its spec (unmanaged ones
only with ``prune: true`` or ``drift: {unmanaged: fail}``), 0 when nothing does and 1 on
error. On 2 the open drift issue gets the new report as its body, or is opened if there is none;
on 0 an open drift issue is closed with a comment saying so; with no drift and no issue, nothing
is written. On 1 nothing is touched: a failed check says nothing about drift.

The drift issue is the open issue with the label whose body starts with the drift report's
hidden marker, so an issue someone opened by hand with the same label is never edited or closed.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final, Literal

from reconciler.gitops.comment import fit_body, is_marked
from reconciler.gitops.errors import GitOpsError
from reconciler.gitops.github import GitHubClient, GitHubIssue
from reconciler.render.drift import DRIFT_MARKER

__all__ = [
    "DRIFT_LABEL",
    "DRIFT_TITLE",
    "DriftIssueResult",
    "check_drift_exit_code",
    "drift_issue_body",
    "sync_drift_issue",
]

DRIFT_LABEL: Final = "drift"
DRIFT_TITLE: Final = "TrackDrive drift: the account differs from the specs"
_NO_DRIFT: Final = 0
_DRIFT: Final = 2

DriftAction = Literal["opened", "updated", "unchanged", "closed", "none"]


@dataclass(frozen=True, slots=True)
class DriftIssueResult:
    """What the sync did, and the drift issue afterwards (``None`` when there is none)."""

    action: DriftAction
    issue: GitHubIssue | None


def drift_issue_body(report: str, run_url: str | None) -> str:
    """The issue body: the Markdown drift report, then where it came from and what to do."""
    checked = f"Last checked by [this workflow run]({run_url}). " if run_url else ""
    footer = (
        f"_{checked}This issue is updated while the drift lasts and closed when the account "
        "matches the specs again: apply the specs, or accept the live values into git with "
        "`reconciler import --out schedules.d --adopt` and merge that._"
    )
    return fit_body(f"{report.rstrip()}\n\n---\n\n{footer}\n", DRIFT_MARKER)


def check_drift_exit_code(code: int) -> None:
    """Refuse any exit code of ``reconciler drift`` but 0 (no drift) and 2 (drift)."""
    if code not in (_NO_DRIFT, _DRIFT):
        raise GitOpsError(
            f"reconciler drift failed (exit code {code}): the drift issue is left as it is",
            hint="the drift step's log above says why",
        )


def sync_drift_issue(
    github: GitHubClient,
    repo: str,
    *,
    drift_exit_code: int,
    report: str,
    run_url: str | None = None,
    label: str = DRIFT_LABEL,
    title: str = DRIFT_TITLE,
) -> DriftIssueResult:
    """Open, update or close the drift issue of ``repo`` to match ``drift_exit_code``."""
    check_drift_exit_code(drift_exit_code)
    open_issue = _find_open(github, repo, label)
    if drift_exit_code == _NO_DRIFT:
        if open_issue is None:
            return DriftIssueResult("none", None)
        where = f" ([run]({run_url}))" if run_url else ""
        github.create_issue_comment(
            repo,
            open_issue.number,
            f"The account matches the specs again{where}: no drift. Closing.",
        )
        closed = github.update_issue(
            repo, open_issue.number, state="closed", state_reason="completed"
        )
        return DriftIssueResult("closed", closed)
    body = drift_issue_body(report, run_url)
    if open_issue is None:
        opened = github.create_issue(repo, title=title, body=body, labels=[label])
        if label not in opened.labels:
            # Found by its label next time: without it every run would open another issue.
            raise GitOpsError(
                f"opened drift issue #{opened.number} but GitHub dropped its label '{label}'",
                hint=f"create the label '{label}' in the repository (Issues → Labels), add it "
                f"to #{opened.number}, and check that the job has `issues: write`",
            )
        return DriftIssueResult("opened", opened)
    if open_issue.body == body:
        return DriftIssueResult("unchanged", open_issue)
    return DriftIssueResult("updated", github.update_issue(repo, open_issue.number, body=body))


def _find_open(github: GitHubClient, repo: str, label: str) -> GitHubIssue | None:
    """The oldest open issue with ``label`` whose body starts with the drift marker."""
    ours = [
        issue
        for issue in github.list_issues(repo, labels=[label], state="open")
        if is_marked(issue.body, DRIFT_MARKER)
    ]
    return min(ours, key=lambda issue: issue.number, default=None)
