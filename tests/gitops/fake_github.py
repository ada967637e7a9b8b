"""A fake of the GitHub REST endpoints the GitOps commands call, on a real 127.0.0.1 socket.

``FakeGitHub`` holds issues (and pull requests, which GitHub's issues list also returns) and
their comments in memory and serves them as a Starlette app: comment list (paged with a
``Link`` header, oldest first) / create / update, issue list (filtered by state and labels,
newest first) / create / update. It checks the Bearer token (401 "Bad credentials"), can refuse
every call (403, as a read-only token would), drop the labels of new issues (as GitHub does
for a token without push access) and records every request.

``GitHubHost`` runs one uvicorn server in a thread for the session; each test mounts a fresh
``FakeGitHub`` on it, optionally under a path prefix (``/api/v3`` as on GitHub Enterprise).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.base import BaseHTTPMiddleware, RequestResponseEndpoint
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Mount, Route

from tests.support.asgi_server import Slot, ThreadedServer

__all__ = ["FakeGitHub", "GitHubHost", "Recorded"]

TOKEN = "ghs_FAKETOKEN_e3b0c44298fc1c149afbf4c8996fb924"


@dataclass(frozen=True, slots=True)
class Recorded:
    """One request the fake answered."""

    method: str
    path: str
    status: int


@dataclass
class FakeGitHub:
    """GitHub's issues and comments of any number of repositories, in memory."""

    token: str = TOKEN
    page_cap: int = 100
    forbid: bool = False
    drop_labels: bool = False
    prefix: str = ""
    base_url: str = ""
    requests: list[Recorded] = field(default_factory=list)
    comments: dict[int, dict[str, Any]] = field(default_factory=dict)
    issues: dict[tuple[str, int], dict[str, Any]] = field(default_factory=dict)
    _next_comment: int = 1000
    _next_number: dict[str, int] = field(default_factory=dict)

    # ---- seeding and inspection, for tests ----

    def add_comment(self, repo: str, number: int, body: str, user: str = "alice") -> int:
        """A comment on ``repo#number``, as if someone had posted it; returns its id."""
        self._next_comment += 1
        comment_id = self._next_comment
        self.comments[comment_id] = {
            "id": comment_id,
            "repo": repo,
            "issue": number,
            "body": body,
            "user": {"login": user},
            "html_url": f"https://github.test/{repo}/pull/{number}#issuecomment-{comment_id}",
        }
        return comment_id

    def add_issue(
        self,
        repo: str,
        *,
        title: str = "An issue",
        body: str = "",
        labels: tuple[str, ...] = (),
        state: str = "open",
        pull_request: bool = False,
    ) -> int:
        """An issue (or, with ``pull_request``, a pull request) on ``repo``; returns its number."""
        number = self._next_number.get(repo, 0) + 1
        self._next_number[repo] = number
        kind = "pull" if pull_request else "issues"
        record: dict[str, Any] = {
            "number": number,
            "title": title,
            "body": body,
            "state": state,
            "state_reason": None,
            "labels": [{"name": name} for name in labels],
            "html_url": f"https://github.test/{repo}/{kind}/{number}",
        }
        if pull_request:
            record["pull_request"] = {"url": f"https://github.test/{repo}/pulls/{number}"}
        self.issues[(repo, number)] = record
        return number

    def comments_on(self, repo: str, number: int) -> list[dict[str, Any]]:
        """The comments on ``repo#number``, oldest first."""
        return [c for c in self.comments.values() if c["repo"] == repo and c["issue"] == number]

    def writes(self) -> list[Recorded]:
        """Every request that was not a GET."""
        return [r for r in self.requests if r.method != "GET"]

    # ---- the app ----

    def app(self) -> Starlette:
        """The Starlette app serving this state (under ``prefix``)."""
        routes: list[BaseRoute] = [
            Route(
                "/repos/{owner}/{name}/issues/comments/{comment_id:int}",
                self._update_comment,
                methods=["PATCH"],
            ),
            Route(
                "/repos/{owner}/{name}/issues/{number:int}/comments",
                self._comments,
                methods=["GET", "POST"],
            ),
            Route("/repos/{owner}/{name}/issues", self._issues, methods=["GET", "POST"]),
            Route(
                "/repos/{owner}/{name}/issues/{number:int}",
                self._update_issue,
                methods=["PATCH"],
            ),
        ]
        if self.prefix:
            routes = [Mount(self.prefix, routes=routes)]
        return Starlette(
            routes=routes, middleware=[Middleware(BaseHTTPMiddleware, dispatch=self._guard)]
        )

    async def _guard(self, request: Request, call_next: RequestResponseEndpoint) -> Response:
        if request.headers.get("authorization") != f"Bearer {self.token}":
            response: Response = JSONResponse(
                {"message": "Bad credentials", "documentation_url": "https://docs.github.com"},
                status_code=401,
            )
        elif self.forbid:
            response = JSONResponse(
                {"message": "Resource not accessible by integration"}, status_code=403
            )
        else:
            response = await call_next(request)
        self.requests.append(Recorded(request.method, request.url.path, response.status_code))
        return response

    def _page(self, request: Request, items: list[dict[str, Any]]) -> Response:
        per_page = min(int(request.query_params.get("per_page", "30")), self.page_cap)
        page = int(request.query_params.get("page", "1"))
        last = max(1, -(-len(items) // per_page))
        chunk = items[(page - 1) * per_page : page * per_page]
        headers = {}
        if page < last:
            # Absolute URLs, as GitHub sends them.
            links = [(page + 1, "next"), (last, "last")]
            headers["Link"] = ", ".join(
                f'<{request.url.include_query_params(page=n)}>; rel="{rel}"' for n, rel in links
            )
        return JSONResponse(chunk, headers=headers)

    async def _comments(self, request: Request) -> Response:
        repo = f"{request.path_params['owner']}/{request.path_params['name']}"
        number = request.path_params["number"]
        if (repo, number) not in self.issues:
            return JSONResponse({"message": "Not Found"}, status_code=404)
        if request.method == "GET":
            return self._page(request, [_public(c) for c in self.comments_on(repo, number)])
        body = (await request.json())["body"]
        comment_id = self.add_comment(repo, number, body, user="github-actions[bot]")
        return JSONResponse(_public(self.comments[comment_id]), status_code=201)

    async def _update_comment(self, request: Request) -> Response:
        comment = self.comments.get(request.path_params["comment_id"])
        if comment is None:
            return JSONResponse({"message": "Not Found"}, status_code=404)
        comment["body"] = (await request.json())["body"]
        return JSONResponse(_public(comment))

    async def _issues(self, request: Request) -> Response:
        repo = f"{request.path_params['owner']}/{request.path_params['name']}"
        if request.method == "POST":
            data = await request.json()
            number = self.add_issue(
                repo,
                title=data["title"],
                body=data.get("body") or "",
                labels=() if self.drop_labels else tuple(data.get("labels") or ()),
            )
            return JSONResponse(self.issues[(repo, number)], status_code=201)
        state = request.query_params.get("state", "open")
        wanted = {x for x in request.query_params.get("labels", "").split(",") if x}
        found = [
            issue
            for (owner, _), issue in sorted(self.issues.items(), reverse=True)
            if owner == repo
            and (state == "all" or issue["state"] == state)
            and wanted <= {label["name"] for label in issue["labels"]}
        ]
        return self._page(request, found)

    async def _update_issue(self, request: Request) -> Response:
        repo = f"{request.path_params['owner']}/{request.path_params['name']}"
        issue = self.issues.get((repo, request.path_params["number"]))
        if issue is None:
            return JSONResponse({"message": "Not Found"}, status_code=404)
        data = await request.json()
        for key in ("title", "body", "state", "state_reason"):
            if key in data:
                issue[key] = data[key]
        return JSONResponse(issue)


def _public(comment: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in comment.items() if k not in ("repo", "issue")}


class GitHubHost:
    """One threaded server on a free 127.0.0.1 port; ``mounted()`` serves a fake."""

    def __init__(self) -> None:
        self._slot = Slot("fake")
        self._server = ThreadedServer(self._slot, what="the fake GitHub server")
        self.origin = self._server.base_url

    def start(self) -> None:
        """Start serving; returns once the server accepts connections."""
        self._server.start()

    def stop(self) -> None:
        """Stop the server and free the port."""
        self._server.stop()

    @contextmanager
    def mounted(self, fake: FakeGitHub) -> Iterator[FakeGitHub]:
        """Serve ``fake`` while inside; its ``base_url`` is set to where it answers."""
        fake.base_url = self.origin + fake.prefix
        self._slot.app = fake.app()
        try:
            yield fake
        finally:
            self._slot.app = None
