"""One sticky pull-request comment holding the plan, found again by its hidden marker.

The first comment whose body starts with the marker is the plan comment: it is edited in place
on every push, so a pull request never collects a pile of stale plans. A comment that only
quotes the marker further down (a reply) is not mistaken for it, and every other comment is left
alone.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final, Literal

from reconciler.gitops.github import Comment, GitHubClient
from reconciler.render.markdown import MARKER

__all__ = ["MAX_BODY_CHARS", "PLAN_MARKER", "CommentResult", "fit_body", "upsert_comment"]

PLAN_MARKER: Final = MARKER
#: GitHub refuses comment and issue bodies longer than this.
MAX_BODY_CHARS: Final = 65_536
_CUT_NOTE: Final = (
    "\n\n_… cut to fit GitHub's size limit: the full plan is in the workflow run's JSON "
    "artifact._\n"
)

CommentAction = Literal["created", "updated", "unchanged"]


@dataclass(frozen=True, slots=True)
class CommentResult:
    """What the upsert did, and the comment as GitHub now shows it."""

    action: CommentAction
    comment: Comment


def fit_body(body: str, marker: str, *, limit: int = MAX_BODY_CHARS) -> str:
    """``body`` starting with ``marker`` (added when missing) and at most ``limit`` characters."""
    if not body.lstrip().startswith(marker):
        body = f"{marker}\n{body}"
    if len(body) > limit:
        body = body[: limit - len(_CUT_NOTE)].rstrip() + _CUT_NOTE
    return body


def is_marked(body: str, marker: str) -> bool:
    """Whether a comment is one of ours: it starts with the marker."""
    return body.lstrip().startswith(marker)


def upsert_comment(
    github: GitHubClient, repo: str, number: int, body: str, *, marker: str = PLAN_MARKER
) -> CommentResult:
    """Edit the comment on ``repo#number`` that starts with ``marker``, or post one.

    Reads every page of comments first; an identical body is not sent again.
    """
    body = fit_body(body, marker)
    ours = next(
        (c for c in github.list_issue_comments(repo, number) if is_marked(c.body, marker)), None
    )
    if ours is None:
        return CommentResult("created", github.create_issue_comment(repo, number, body))
    if ours.body == body:
        return CommentResult("unchanged", ours)
    return CommentResult("updated", github.update_issue_comment(repo, ours.id, body))
