"""The drift issue: opened when drift appears, updated while it lasts, closed when clean."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from reconciler.gitops.drift_issue import DRIFT_LABEL, sync_drift_issue
from reconciler.gitops.errors import GitOpsError
from reconciler.gitops.github import GitHubClient
from reconciler.render.drift import DRIFT_MARKER
from tests.gitops.conftest import REPO
from tests.gitops.fake_github import FakeGitHub

RUN = "https://github.test/acme/schedules/actions/runs/1"


def _report(detail: str) -> str:
    return f"{DRIFT_MARKER}\n### TrackDrive drift: {detail}\n"


@pytest.fixture
def client(github: FakeGitHub) -> Iterator[GitHubClient]:
    """A client of the fake GitHub with the right token."""
    with GitHubClient(github.token, api_url=github.base_url) as client:
        yield client


def _drift_issues(github: FakeGitHub) -> list[dict[str, object]]:
    return [
        issue
        for (repo, _), issue in sorted(github.issues.items())
        if repo == REPO and "pull_request" not in issue
    ]


def test_drift_opens_one_labelled_issue(github: FakeGitHub, client: GitHubClient) -> None:
    """Exit code 2 with no drift issue open opens one, labelled drift, holding the report."""
    result = sync_drift_issue(
        client, REPO, drift_exit_code=2, report=_report("1 changed"), run_url=RUN
    )
    assert result.action == "opened"
    (issue,) = _drift_issues(github)
    assert issue["labels"] == [{"name": DRIFT_LABEL}]
    assert issue["state"] == "open"
    body = str(issue["body"])
    assert body.startswith(DRIFT_MARKER)
    assert "1 changed" in body
    assert RUN in body


def test_persisting_drift_updates_the_same_issue(github: FakeGitHub, client: GitHubClient) -> None:
    """While drift lasts, each run puts its report into the open issue instead of a new one."""
    opened = sync_drift_issue(client, REPO, drift_exit_code=2, report=_report("1 changed"))
    again = sync_drift_issue(client, REPO, drift_exit_code=2, report=_report("3 changed"))
    assert again.action == "updated"
    assert again.issue is not None
    assert opened.issue is not None
    assert again.issue.number == opened.issue.number
    (issue,) = _drift_issues(github)
    assert "3 changed" in str(issue["body"])
    assert "1 changed" not in str(issue["body"])


def test_the_same_report_is_not_sent_again(github: FakeGitHub, client: GitHubClient) -> None:
    """A report identical to the issue's body writes nothing."""
    sync_drift_issue(client, REPO, drift_exit_code=2, report=_report("1 changed"))
    writes = len(github.writes())
    result = sync_drift_issue(client, REPO, drift_exit_code=2, report=_report("1 changed"))
    assert result.action == "unchanged"
    assert len(github.writes()) == writes


def test_clean_closes_the_issue_with_a_comment(github: FakeGitHub, client: GitHubClient) -> None:
    """Exit code 0 closes the open drift issue as completed, after a comment saying why."""
    sync_drift_issue(client, REPO, drift_exit_code=2, report=_report("1 changed"))
    result = sync_drift_issue(client, REPO, drift_exit_code=0, report="", run_url=RUN)
    assert result.action == "closed"
    (issue,) = _drift_issues(github)
    assert (issue["state"], issue["state_reason"]) == ("closed", "completed")
    (comment,) = github.comments_on(REPO, int(str(issue["number"])))
    assert "matches the specs again" in comment["body"]
    assert RUN in comment["body"]


def test_drift_after_closing_opens_a_new_issue(github: FakeGitHub, client: GitHubClient) -> None:
    """Drift that comes back after a clean run gets a fresh issue; the closed one stays closed."""
    sync_drift_issue(client, REPO, drift_exit_code=2, report=_report("1 changed"))
    sync_drift_issue(client, REPO, drift_exit_code=0, report="")
    assert sync_drift_issue(client, REPO, drift_exit_code=2, report=_report("2")).action == (
        "opened"
    )
    assert [i["state"] for i in _drift_issues(github)] == ["closed", "open"]


def test_clean_with_no_issue_open_writes_nothing(github: FakeGitHub, client: GitHubClient) -> None:
    """Exit code 0 and no drift issue: one read, no write."""
    result = sync_drift_issue(client, REPO, drift_exit_code=0, report="")
    assert (result.action, result.issue) == ("none", None)
    assert github.writes() == []
    assert [r.method for r in github.requests] == ["GET"]


def test_a_failed_drift_check_touches_nothing(github: FakeGitHub, client: GitHubClient) -> None:
    """Exit code 1 (drift itself failed) is an error and neither opens nor closes anything."""
    sync_drift_issue(client, REPO, drift_exit_code=2, report=_report("1 changed"))
    before = len(github.requests)
    with pytest.raises(GitOpsError) as raised:
        sync_drift_issue(client, REPO, drift_exit_code=1, report="")
    assert raised.value.message == (
        "reconciler drift failed (exit code 1): the drift issue is left as it is"
    )
    assert raised.value.hint == "the drift step's log above says why"
    assert len(github.requests) == before
    assert [i["state"] for i in _drift_issues(github)] == ["open"]


def test_hand_made_drift_issues_and_pull_requests_are_left_alone(
    github: FakeGitHub, client: GitHubClient
) -> None:
    """An issue labelled drift without the marker, or a labelled pull request, is never edited."""
    by_hand = github.add_issue(REPO, title="Drift in Solar?", body="I saw…", labels=("drift",))
    pull = github.add_issue(
        REPO, title="PR", body=_report("in a PR"), labels=("drift",), pull_request=True
    )
    result = sync_drift_issue(client, REPO, drift_exit_code=2, report=_report("1 changed"))
    assert result.action == "opened"
    assert result.issue is not None
    assert result.issue.number not in (by_hand, pull)
    assert github.issues[(REPO, by_hand)]["body"] == "I saw…"
    sync_drift_issue(client, REPO, drift_exit_code=0, report="")
    assert github.issues[(REPO, by_hand)]["state"] == "open"
    assert github.issues[(REPO, pull)]["state"] == "open"


def test_a_dropped_label_is_an_error(github: FakeGitHub, client: GitHubClient) -> None:
    """If GitHub drops the drift label of a new issue, the run fails and says how to fix it."""
    github.drop_labels = True
    with pytest.raises(GitOpsError) as raised:
        sync_drift_issue(client, REPO, drift_exit_code=2, report=_report("1 changed"))
    assert raised.value.message == "opened drift issue #2 but GitHub dropped its label 'drift'"
    assert raised.value.hint == (
        "create the label 'drift' in the repository (Issues → Labels), add it to #2, and check "
        "that the job has `issues: write`"
    )
