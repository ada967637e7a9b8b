"""The pull-request flow in-process: plan against the sandbox, then the sticky comment."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from reconciler.cli import main
from tests.gitops.conftest import REPO
from tests.gitops.fake_github import FakeGitHub
from tests.gitops.scenario import (
    assert_west_is_the_prs_change_and_east_is_drift,
    make_pull_request,
    trackdrive_env,
)
from tests.support.sandbox_server import RunningSandbox


@pytest.fixture
def keys(sandbox: RunningSandbox, monkeypatch: pytest.MonkeyPatch) -> RunningSandbox:
    """The sandbox's keys in the environment, as the workflow passes the secrets."""
    for name, value in trackdrive_env(sandbox).items():
        if name != "TRACKDRIVE_API_URL":
            monkeypatch.setenv(name, value)
    monkeypatch.delenv("TRACKDRIVE_API_URL", raising=False)
    monkeypatch.delenv("TRACKDRIVE_SUBDOMAIN", raising=False)
    return sandbox


def test_pr_plan_comment_has_both_sections(
    keys: RunningSandbox,
    github_env: FakeGitHub,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """Planning a PR against the sandbox posts one comment: its own changes, then old drift."""
    pr = make_pull_request(tmp_path, keys)
    capsys.readouterr()
    plan_json = tmp_path / "plan.json"
    argv = ["plan", "--specs", str(pr.head), "--base-specs", str(pr.base)]
    argv += ["--format", "markdown", "--out", str(plan_json), "--detailed-exitcode"]
    assert main([*argv, "--api-url", keys.base_url]) == 2
    body = tmp_path / "plan.md"
    body.write_text(capsys.readouterr().out, encoding="utf-8")
    comment = ["gitops", "comment", "--repo", REPO, "--pr", "1", "--body-file", str(body)]
    assert main(comment) == 0

    (posted,) = github_env.comments_on(REPO, 1)
    assert_west_is_the_prs_change_and_east_is_drift(posted["body"])
    saved = json.loads(plan_json.read_text(encoding="utf-8"))
    assert sorted(c["name"] for c in saved["changes"]) == ["Solar - East", "Solar - West"]
