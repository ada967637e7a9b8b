"""Fixtures for the GitOps tests: a fake GitHub on a real socket, and the Actions variables."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.gitops.fake_github import FakeGitHub, GitHubHost

REPO = "acme/schedules"


@pytest.fixture(scope="session")
def github_host() -> Iterator[GitHubHost]:
    """One fake-GitHub server for the session; each test mounts fresh state on it."""
    host = GitHubHost()
    host.start()
    yield host
    host.stop()


@pytest.fixture
def github(github_host: GitHubHost) -> Iterator[FakeGitHub]:
    """An empty fake GitHub (comment pages of 2, to exercise paging) with one open PR, #1."""
    with github_host.mounted(FakeGitHub(page_cap=2)) as fake:
        fake.add_issue(REPO, title="Change the solar schedules", pull_request=True)
        yield fake


@pytest.fixture
def github_env(github: FakeGitHub, monkeypatch: pytest.MonkeyPatch) -> FakeGitHub:
    """The variables a workflow step sees: the token, the API URL, the repository and run."""
    monkeypatch.setenv("GITHUB_TOKEN", github.token)
    monkeypatch.setenv("GITHUB_API_URL", github.base_url)
    monkeypatch.setenv("GITHUB_REPOSITORY", REPO)
    monkeypatch.setenv("GITHUB_SERVER_URL", "https://github.test")
    monkeypatch.setenv("GITHUB_RUN_ID", "4242")
    return github


@pytest.fixture
def github_host_prefixed(github_host: GitHubHost) -> Iterator[FakeGitHub]:
    """Like ``github``, served under ``/api/v3`` as GitHub Enterprise Server does."""
    with github_host.mounted(FakeGitHub(page_cap=2, prefix="/api/v3")) as fake:
        fake.add_issue(REPO, title="Change the solar schedules", pull_request=True)
        yield fake
