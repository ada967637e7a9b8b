"""The sticky plan comment: one per pull request, edited in place, found on any page."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from reconciler.gitops.comment import MAX_BODY_CHARS, PLAN_MARKER, upsert_comment
from reconciler.gitops.github import GitHubClient
from tests.gitops.conftest import REPO
from tests.gitops.fake_github import FakeGitHub

PR = 1


def _plan(title: str) -> str:
    return f"{PLAN_MARKER}\n### TrackDrive plan: {title}\n"


@pytest.fixture
def client(github: FakeGitHub) -> Iterator[GitHubClient]:
    """A client of the fake GitHub with the right token."""
    with GitHubClient(github.token, api_url=github.base_url) as client:
        yield client


def test_creates_the_comment_when_there_is_none(github: FakeGitHub, client: GitHubClient) -> None:
    """With no plan comment on the pull request, one is posted."""
    github.add_comment(REPO, PR, "Looks good to me")
    result = upsert_comment(client, REPO, PR, _plan("1 to update"))
    assert result.action == "created"
    bodies = [c["body"] for c in github.comments_on(REPO, PR)]
    assert bodies == ["Looks good to me", _plan("1 to update")]


def test_updates_the_marked_comment_on_page_two_and_leaves_others(
    github: FakeGitHub, client: GitHubClient
) -> None:
    """The marked comment is edited in place even on a later page; no other comment changes."""
    first = [github.add_comment(REPO, PR, f"review note {n}") for n in range(3)]
    ours = github.add_comment(REPO, PR, _plan("old"), user="github-actions[bot]")
    last = github.add_comment(REPO, PR, "another note")
    result = upsert_comment(client, REPO, PR, _plan("new"))
    assert (result.action, result.comment.id) == ("updated", ours)
    assert github.comments[ours]["body"] == _plan("new")
    assert [github.comments[i]["body"] for i in first] == [f"review note {n}" for n in range(3)]
    assert github.comments[last]["body"] == "another note"
    assert len(github.comments_on(REPO, PR)) == 5
    pages = [r for r in github.requests if r.method == "GET"]
    assert len(pages) == 3  # 5 comments, 2 per page
    assert [(w.method, w.path) for w in github.writes()] == [
        ("PATCH", f"/repos/{REPO}/issues/comments/{ours}")
    ]


def test_an_identical_plan_is_not_sent_again(github: FakeGitHub, client: GitHubClient) -> None:
    """When the comment already says exactly this, nothing is written."""
    github.add_comment(REPO, PR, _plan("same"))
    assert upsert_comment(client, REPO, PR, _plan("same")).action == "unchanged"
    assert github.writes() == []


def test_a_body_without_the_marker_gets_it(github: FakeGitHub, client: GitHubClient) -> None:
    """A body lacking the marker is posted with it, so the next run finds and edits it."""
    upsert_comment(client, REPO, PR, "### plan\n")
    assert upsert_comment(client, REPO, PR, "### plan, again\n").action == "updated"
    (only,) = github.comments_on(REPO, PR)
    assert only["body"] == f"{PLAN_MARKER}\n### plan, again\n"


def test_a_reply_quoting_the_marker_is_not_the_plan_comment(
    github: FakeGitHub, client: GitHubClient
) -> None:
    """A comment that mentions the marker below its first line is left alone."""
    reply = github.add_comment(REPO, PR, f"Why does the bot write\n> {PLAN_MARKER}\n?")
    assert upsert_comment(client, REPO, PR, _plan("fresh")).action == "created"
    assert github.comments[reply]["body"].startswith("Why")


def test_a_huge_plan_is_cut_to_fit_github(github: FakeGitHub, client: GitHubClient) -> None:
    """A body over GitHub's 65,536-character limit is cut, with a pointer to the artifact."""
    upsert_comment(client, REPO, PR, _plan("big") + "x" * 100_000)
    (only,) = github.comments_on(REPO, PR)
    assert len(only["body"]) <= MAX_BODY_CHARS
    assert only["body"].startswith(PLAN_MARKER)
    assert "JSON artifact" in only["body"]


def test_works_under_an_enterprise_api_prefix(github_host_prefixed: FakeGitHub) -> None:
    """With GITHUB_API_URL ending in /api/v3 (GitHub Enterprise), paging stays under it."""
    fake = github_host_prefixed
    for n in range(4):
        fake.add_comment(REPO, PR, f"note {n}")
    with GitHubClient(fake.token, api_url=fake.base_url) as client:
        assert upsert_comment(client, REPO, PR, _plan("ghes")).action == "created"
    assert all(r.path.startswith("/api/v3/repos/") for r in fake.requests)
    assert len(fake.comments_on(REPO, PR)) == 5
