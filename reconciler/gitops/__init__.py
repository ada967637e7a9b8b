"""The GitOps edge: what the GitHub workflows call besides the reconciler itself.

``github`` is a tiny GitHub REST client (issues and comments); ``comment`` keeps one sticky plan
comment on a pull request; ``drift_issue`` opens, updates and closes the drift issue;
``command`` exposes both as ``reconciler gitops comment`` and ``reconciler gitops drift-issue``.
The core never imports this package.
"""

from reconciler.gitops.command import gitops_app
from reconciler.gitops.comment import CommentResult, upsert_comment
from reconciler.gitops.drift_issue import DriftIssueResult, sync_drift_issue
from reconciler.gitops.errors import GitHubAuthError, GitHubError, GitOpsError
from reconciler.gitops.github import GitHubClient

__all__ = [
    "CommentResult",
    "DriftIssueResult",
    "GitHubAuthError",
    "GitHubClient",
    "GitHubError",
    "GitOpsError",
    "gitops_app",
    "sync_drift_issue",
    "upsert_comment",
]
