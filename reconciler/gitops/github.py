"""A tiny GitHub REST client: the issue and comment calls the GitOps commands need, no more.

The base URL is injectable (``GITHUB_API_URL`` in Actions, ``https://api.github.com`` by
default, ``https://HOST/api/v3`` on GitHub Enterprise Server) and so is the transport. The token
goes into the Authorization header and nowhere else: errors name the method, path and status.
Lists follow the ``Link: rel="next"`` header, only ever to the same origin, so a token is never
sent to another host.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from types import TracebackType
from typing import Any, Final, Literal, Self
from urllib.parse import urlsplit

import httpx

from reconciler.__about__ import __version__
from reconciler.gitops.errors import GitHubAuthError, GitHubError, GitOpsError

__all__ = [
    "DEFAULT_API_URL",
    "ENV_API_URL",
    "ENV_TOKEN",
    "Comment",
    "GitHubClient",
    "GitHubIssue",
    "check_repo",
]

DEFAULT_API_URL: Final = "https://api.github.com"
ENV_API_URL: Final = "GITHUB_API_URL"
ENV_TOKEN: Final = "GITHUB_TOKEN"  # noqa: S105 (a variable name, not a token)
_PER_PAGE: Final = 100
_MAX_PAGES: Final = 100
_REPO: Final = re.compile(r"[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+")
_AUTH_HINT: Final = (
    "check that GITHUB_TOKEN is this repository's token and that the job grants the "
    "permission (`pull-requests: write` for the plan comment, `issues: write` for the drift "
    "issue); pull requests from forks only get a read-only token"
)


@dataclass(frozen=True, slots=True)
class Comment:
    """An issue or pull-request comment."""

    id: int
    body: str
    html_url: str


@dataclass(frozen=True, slots=True)
class GitHubIssue:
    """An issue (never a pull request: the issues list's pull requests are dropped)."""

    number: int
    title: str
    body: str
    state: str
    labels: tuple[str, ...]
    html_url: str


def check_repo(repo: str) -> str:
    """``repo`` if it is ``OWNER/NAME``; anything else could reach another endpoint."""
    if not _REPO.fullmatch(repo) or ".." in repo:
        raise GitOpsError(
            f"--repo must be OWNER/NAME, got '{repo}'",
            hint='in Actions, pass --repo "$GITHUB_REPOSITORY"',
        )
    return repo


class GitHubClient:
    """The issue and comment endpoints of GitHub's REST API, synchronously, over httpx."""

    def __init__(
        self,
        token: str,
        *,
        api_url: str = DEFAULT_API_URL,
        transport: httpx.BaseTransport | None = None,
        timeout: float = 30.0,
    ) -> None:
        if not token.strip():
            raise GitOpsError(
                f"{ENV_TOKEN} is empty",
                hint="pass `GITHUB_TOKEN: ${{ github.token }}` in the step's env",
            )
        base = api_url.rstrip("/")
        parts = urlsplit(base)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise GitOpsError(f"{ENV_API_URL} must be an http(s) URL, got '{api_url}'")
        self._origin = (parts.scheme, parts.netloc)
        self._http = httpx.Client(
            base_url=base,
            headers={
                "Authorization": f"Bearer {token}",
                "Accept": "application/vnd.github+json",
                "X-GitHub-Api-Version": "2022-11-28",
                "User-Agent": f"trackdrive-reconciler/{__version__}",
            },
            timeout=httpx.Timeout(timeout),
            transport=transport,
            follow_redirects=False,
            # Plain http (a local fake) has no TLS to verify: skip building a CA store.
            verify=parts.scheme == "https",
        )

    @classmethod
    def from_env(cls, env: Mapping[str, str], **kwargs: Any) -> Self:
        """A client with the token from ``GITHUB_TOKEN`` and the URL from ``GITHUB_API_URL``."""
        token = env.get(ENV_TOKEN, "")
        if not token.strip():
            raise GitOpsError(
                f"{ENV_TOKEN} is not set",
                hint="pass `GITHUB_TOKEN: ${{ github.token }}` in the step's env",
            )
        api_url = env.get(ENV_API_URL, "").strip() or DEFAULT_API_URL
        return cls(token, api_url=api_url, **kwargs)

    def __repr__(self) -> str:
        return f"GitHubClient(api_url={str(self._http.base_url)!r}, token=<hidden>)"

    __str__ = __repr__

    def close(self) -> None:
        """Close the connections."""
        self._http.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    # ---- comments ----

    def list_issue_comments(self, repo: str, number: int) -> list[Comment]:
        """Every comment on issue or pull request ``number``, oldest first, all pages."""
        path = f"/repos/{check_repo(repo)}/issues/{number}/comments"
        return [_comment(item, path) for item in self._pages(path)]

    def create_issue_comment(self, repo: str, number: int, body: str) -> Comment:
        """Post a new comment on issue or pull request ``number``."""
        path = f"/repos/{check_repo(repo)}/issues/{number}/comments"
        return _comment(self._request("POST", path, json={"body": body}), path)

    def update_issue_comment(self, repo: str, comment_id: int, body: str) -> Comment:
        """Replace the body of comment ``comment_id``."""
        path = f"/repos/{check_repo(repo)}/issues/comments/{comment_id}"
        return _comment(self._request("PATCH", path, json={"body": body}), path)

    # ---- issues ----

    def list_issues(
        self,
        repo: str,
        *,
        labels: Sequence[str] = (),
        state: Literal["open", "closed", "all"] = "open",
    ) -> list[GitHubIssue]:
        """The issues (not pull requests) with every one of ``labels``, in ``state``."""
        path = f"/repos/{check_repo(repo)}/issues"
        params = {"state": state, "labels": ",".join(labels)} if labels else {"state": state}
        return [
            _issue(item, path) for item in self._pages(path, params) if "pull_request" not in item
        ]

    def create_issue(
        self, repo: str, *, title: str, body: str, labels: Sequence[str] = ()
    ) -> GitHubIssue:
        """Open an issue."""
        path = f"/repos/{check_repo(repo)}/issues"
        payload = {"title": title, "body": body, "labels": list(labels)}
        return _issue(self._request("POST", path, json=payload), path)

    def update_issue(
        self,
        repo: str,
        number: int,
        *,
        body: str | None = None,
        state: Literal["open", "closed"] | None = None,
        state_reason: Literal["completed", "not_planned", "reopened"] | None = None,
    ) -> GitHubIssue:
        """Change an issue's body and/or state; fields left ``None`` are not sent."""
        path = f"/repos/{check_repo(repo)}/issues/{number}"
        payload = {
            key: value
            for key, value in (("body", body), ("state", state), ("state_reason", state_reason))
            if value is not None
        }
        return _issue(self._request("PATCH", path, json=payload), path)

    # ---- the wire ----

    def _pages(self, path: str, params: Mapping[str, str] | None = None) -> Iterator[Any]:
        """The items of every page of a list, following ``Link: rel="next"``."""
        query = {"per_page": str(_PER_PAGE), **(params or {})}
        url: str | None = None
        for _ in range(_MAX_PAGES):
            response = (
                self._send("GET", path, params=query) if url is None else self._send("GET", url)
            )
            items = _json(response, "GET", path)
            if not isinstance(items, list):
                raise GitHubError("expected a JSON list", method="GET", path=path)
            yield from items
            url = response.links.get("next", {}).get("url")
            if url is None:
                return
            self._check_same_origin(url, path)
        raise GitHubError(f"more than {_MAX_PAGES} pages", method="GET", path=path)

    def _check_same_origin(self, url: str, path: str) -> None:
        parts = urlsplit(url)
        if (parts.scheme, parts.netloc) != self._origin:
            raise GitHubError(
                "the next page is on another host; not sending the token there",
                method="GET",
                path=path,
            )

    def _request(self, method: str, path: str, *, json: Mapping[str, Any]) -> Any:
        return _json(self._send(method, path, json=json), method, path)

    def _send(
        self,
        method: str,
        url: str,
        *,
        params: Mapping[str, str] | None = None,
        json: Mapping[str, Any] | None = None,
    ) -> httpx.Response:
        path = urlsplit(url).path or url
        try:
            response = self._http.request(method, url, params=params, json=json)
        except httpx.HTTPError as exc:
            raise GitHubError(
                f"no answer ({type(exc).__name__})",
                method=method,
                path=path,
                hint=f"check {ENV_API_URL} and the network; run the job again",
            ) from None
        if response.is_success:
            return response
        status = response.status_code
        message = _message(response)
        if status in (403, 429) and (
            response.headers.get("x-ratelimit-remaining") == "0"
            or "retry-after" in response.headers
        ):
            raise GitHubError(
                f"rate limited: {message}",
                method=method,
                path=path,
                status=status,
                hint="run the job again later",
            )
        if status in (401, 403):
            raise GitHubAuthError(message, method=method, path=path, status=status, hint=_AUTH_HINT)
        hint = "check --repo and the number" if status == 404 else None
        raise GitHubError(message, method=method, path=path, status=status, hint=hint)


def _message(response: httpx.Response) -> str:
    """GitHub's own one-line explanation of an error answer."""
    try:
        data = response.json()
    except ValueError:
        data = None
    text = data.get("message") if isinstance(data, dict) else None
    if not isinstance(text, str) or not text.strip():
        text = response.reason_phrase or "error"
    return " ".join(text.split())[:200]


def _json(response: httpx.Response, method: str, path: str) -> Any:
    try:
        return response.json()
    except ValueError:
        raise GitHubError("the answer is not JSON", method=method, path=path) from None


def _comment(item: Any, path: str) -> Comment:
    if not isinstance(item, dict) or not isinstance(item.get("id"), int):
        raise GitHubError("a comment without an id", method="GET", path=path)
    return Comment(
        id=item["id"], body=str(item.get("body") or ""), html_url=str(item.get("html_url") or "")
    )


def _issue(item: Any, path: str) -> GitHubIssue:
    if not isinstance(item, dict) or not isinstance(item.get("number"), int):
        raise GitHubError("an issue without a number", method="GET", path=path)
    labels = tuple(
        str(label["name"]) if isinstance(label, dict) else str(label)
        for label in item.get("labels") or ()
    )
    return GitHubIssue(
        number=item["number"],
        title=str(item.get("title") or ""),
        body=str(item.get("body") or ""),
        state=str(item.get("state") or ""),
        labels=labels,
        html_url=str(item.get("html_url") or ""),
    )
