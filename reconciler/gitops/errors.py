"""The errors of the GitOps commands, under the reconciler's one base.

::

    ReconcilerError              (reconciler.errors) one-line message and exit 1 in the CLI
    └── GitOpsError              a GitOps command cannot do its job: bad input, no token
        └── GitHubError          GitHub answered badly or not at all; carries method, path, status
            └── GitHubAuthError  401 / 403: the token is wrong or lacks a permission

Messages never contain the token: errors carry the request's method and path, never its
headers, and the token goes nowhere but the Authorization header.
"""

from __future__ import annotations

from reconciler.errors import ApiError, ReconcilerError

__all__ = ["GitHubAuthError", "GitHubError", "GitOpsError"]


class GitOpsError(ReconcilerError):
    """A GitOps command cannot do its job (bad repository name, missing token or file)."""


class GitHubError(GitOpsError, ApiError):
    """GitHub answered a request with an error, or did not answer."""

    service = "GitHub"


class GitHubAuthError(GitHubError):
    """GitHub refused the token (401) or the permission (403)."""
