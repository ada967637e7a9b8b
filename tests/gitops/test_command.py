"""``reconciler gitops comment`` and ``drift-issue`` end to end, against the fake GitHub."""

from __future__ import annotations

import logging
import subprocess
from pathlib import Path

import pytest

from reconciler.cli import main
from reconciler.gitops.comment import PLAN_MARKER
from reconciler.render.drift import DRIFT_MARKER
from tests.gitops.conftest import REPO
from tests.gitops.fake_github import FakeGitHub
from tests.support.entrypoint import installed_reconciler


def _write(path: Path, text: str) -> str:
    path.write_text(text, encoding="utf-8")
    return str(path)


TOKEN_TIP = (
    "tip: check that GITHUB_TOKEN is this repository's token and that the job grants the "
    "permission (`pull-requests: write` for the plan comment, `issues: write` for the drift "
    "issue); pull requests from forks only get a read-only token"
)


def _error_lines(err: str) -> list[str]:
    return [line for line in err.splitlines() if line.startswith("error:")]


def test_comment_posts_then_edits_the_plan_comment(
    github_env: FakeGitHub, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Two runs leave one comment with the second plan, each saying what it did on stderr."""
    body = _write(tmp_path / "plan.md", f"{PLAN_MARKER}\n### TrackDrive plan: one\n")
    argv = ["gitops", "comment", "--repo", REPO, "--pr", "1", "--body-file", body]
    assert main(argv) == 0
    assert f"created the plan comment on {REPO}#1" in capsys.readouterr().err
    _write(tmp_path / "plan.md", f"{PLAN_MARKER}\n### TrackDrive plan: two\n")
    assert main(argv) == 0
    captured = capsys.readouterr()
    assert f"updated the plan comment on {REPO}#1" in captured.err
    assert captured.out == ""
    (only,) = github_env.comments_on(REPO, 1)
    assert "plan: two" in only["body"]


def test_repo_defaults_to_github_repository(github_env: FakeGitHub, tmp_path: Path) -> None:
    """Without --repo, the repository comes from GITHUB_REPOSITORY, as Actions sets it."""
    body = _write(tmp_path / "plan.md", "### plan\n")
    assert main(["gitops", "comment", "--pr", "1", "--body-file", body]) == 0
    assert len(github_env.comments_on(REPO, 1)) == 1


def test_drift_issue_opens_updates_and_closes(
    github_env: FakeGitHub, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Exit codes 2, 2, 0 open the drift issue, update it, then close it."""
    report = _write(tmp_path / "drift.md", f"{DRIFT_MARKER}\n### TrackDrive drift: 1 changed\n")
    base = ["gitops", "drift-issue", "--repo", REPO, "--report-file", report]
    assert main([*base, "--drift-exit-code", "2"]) == 0
    assert "opened drift issue #2" in capsys.readouterr().err
    _write(tmp_path / "drift.md", f"{DRIFT_MARKER}\n### TrackDrive drift: 2 changed\n")
    assert main([*base, "--drift-exit-code", "2"]) == 0
    assert "updated drift issue #2" in capsys.readouterr().err
    assert main([*base, "--drift-exit-code", "0"]) == 0
    assert "closed drift issue #2" in capsys.readouterr().err
    issue = github_env.issues[(REPO, 2)]
    assert issue["state"] == "closed"
    assert "https://github.test/acme/schedules/actions/runs/4242" in issue["body"]
    assert main([*base, "--drift-exit-code", "0"]) == 0
    assert "nothing to do" in capsys.readouterr().err


def test_drift_issue_needs_the_report_when_there_is_drift(
    github_env: FakeGitHub, capsys: pytest.CaptureFixture[str]
) -> None:
    """Exit code 2 without --report-file is an error naming the flag; nothing is written."""
    argv = ["gitops", "drift-issue", "--repo", REPO, "--drift-exit-code", "2"]
    assert main(argv) == 1
    assert _error_lines(capsys.readouterr().err) == [
        "error: --report-file is needed when there is drift (--drift-exit-code 2)"
    ]
    assert github_env.requests == []


def test_drift_issue_refuses_a_failed_drift_run(
    github_env: FakeGitHub, capsys: pytest.CaptureFixture[str]
) -> None:
    """Exit code 1 from drift makes the step fail without a single request to GitHub."""
    argv = ["gitops", "drift-issue", "--repo", REPO, "--drift-exit-code", "1"]
    assert main(argv) == 1
    assert capsys.readouterr().err == (
        "error: reconciler drift failed (exit code 1): the drift issue is left as it is\n"
        "tip: the drift step's log above says why\n"
    )
    assert github_env.requests == []


@pytest.mark.parametrize(
    ("forbid", "status", "message"),
    [(False, 401, "Bad credentials"), (True, 403, "Resource not accessible by integration")],
)
def test_a_refused_token_gives_one_clear_error_line(
    github_env: FakeGitHub,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    forbid: bool,
    status: int,
    message: str,
) -> None:
    """A 401 or 403 from GitHub is one error line with method, path, status and GitHub's words."""
    github_env.forbid = forbid
    if not forbid:
        monkeypatch.setenv("GITHUB_TOKEN", "ghs_WRONGTOKEN_0000")
    body = _write(tmp_path / "plan.md", "### plan\n")
    argv = ["gitops", "comment", "--repo", REPO, "--pr", "1", "--body-file", body]
    assert main(argv) == 1
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err == (
        f"error: GitHub: GET /repos/{REPO}/issues/1/comments answered {status}: {message}\n"
        f"{TOKEN_TIP}\n"
    )


def test_a_missing_token_is_named(
    github_env: FakeGitHub,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """Without GITHUB_TOKEN the command says so and how to pass it."""
    monkeypatch.delenv("GITHUB_TOKEN")
    body = _write(tmp_path / "plan.md", "### plan\n")
    assert main(["gitops", "comment", "--pr", "1", "--body-file", body]) == 1
    err = capsys.readouterr().err
    assert err == (
        "error: GITHUB_TOKEN is not set\n"
        "tip: pass `GITHUB_TOKEN: ${{ github.token }}` in the step's env\n"
    )


def test_a_malformed_repo_is_refused_before_any_request(
    github_env: FakeGitHub, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """--repo must be OWNER/NAME: a path that would reach another endpoint is refused."""
    body = _write(tmp_path / "plan.md", "### plan\n")
    argv = ["gitops", "comment", "--repo", "acme/x/../../users", "--pr", "1", "--body-file", body]
    assert main(argv) == 1
    assert capsys.readouterr().err == (
        "error: --repo must be OWNER/NAME, got 'acme/x/../../users'\n"
        'tip: in Actions, pass --repo "$GITHUB_REPOSITORY"\n'
    )
    assert github_env.requests == []


def test_a_missing_body_file_is_one_error(
    github_env: FakeGitHub, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """An unreadable --body-file is reported as such, before any request."""
    argv = ["gitops", "comment", "--pr", "1", "--body-file", str(tmp_path / "nope.md")]
    assert main(argv) == 1
    assert _error_lines(capsys.readouterr().err) == [
        f"error: cannot read the comment body {tmp_path / 'nope.md'}: No such file or directory"
    ]
    assert github_env.requests == []


def test_the_token_never_appears_in_any_output(
    github_env: FakeGitHub,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    caplog: pytest.LogCaptureFixture,
) -> None:
    """With --debug, across successes and failures, the token is in no output and no log."""
    caplog.set_level(logging.DEBUG)
    token = github_env.token
    body = _write(tmp_path / "plan.md", "### plan\n")
    report = _write(tmp_path / "drift.md", f"{DRIFT_MARKER}\n### drift\n")
    comment = ["--debug", "gitops", "comment", "--pr", "1", "--body-file", body]
    drift = ["--debug", "gitops", "drift-issue", "--report-file", report, "--drift-exit-code"]
    codes = [main(comment), main([*drift, "2"])]
    codes += [main([*drift, "0"]), main([*drift, "1"])]
    github_env.forbid = True
    codes.append(main(comment))
    github_env.forbid = False
    monkeypatch.setenv("GITHUB_API_URL", "http://127.0.0.1:9")  # nothing listens there
    codes.append(main(comment))
    assert codes == [0, 0, 0, 1, 1, 1]
    captured = capsys.readouterr()
    assert [e for e in captured.err.splitlines() if e.startswith(("error:", "tip:"))] == [
        "error: reconciler drift failed (exit code 1): the drift issue is left as it is",
        "tip: the drift step's log above says why",
        f"error: GitHub: GET /repos/{REPO}/issues/1/comments answered 403: "
        "Resource not accessible by integration",
        TOKEN_TIP,
        f"error: GitHub: GET /repos/{REPO}/issues/1/comments: no answer (ConnectError)",
        "tip: check GITHUB_API_URL and the network; run the job again",
    ]
    for text in (captured.out, captured.err, caplog.text):
        assert token not in text
        assert token[4:20] not in text


def test_help_lists_both_commands(capsys: pytest.CaptureFixture[str]) -> None:
    """`reconciler gitops --help` names comment and drift-issue."""
    assert main(["gitops", "--help"]) == 0
    out = capsys.readouterr().out
    assert "comment" in out
    assert "drift-issue" in out


def test_the_installed_command_line_mounts_the_gitops_commands() -> None:
    """`reconciler gitops --help`, run as the installed console script, lists its commands."""
    done = subprocess.run(
        [str(installed_reconciler()), "gitops", "--help"],
        capture_output=True,
        text=True,
        encoding="utf-8",
        check=False,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    assert "comment" in done.stdout
    assert "drift-issue" in done.stdout
