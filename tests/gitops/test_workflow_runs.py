"""The workflows' own shell steps, run as a runner would against the sandbox and fake GitHub.

Each test lays out a checkout, points the steps at the sandbox (TrackDrive) and the fake GitHub,
puts a ``reconciler`` on PATH that is this checkout's CLI, and runs the job's ``run:`` steps in
order (the ``uses:`` steps and the pip install are what a runner adds; they are skipped).
"""

from __future__ import annotations

from pathlib import Path

from reconciler.gitops.comment import PLAN_MARKER
from reconciler.render.drift import DRIFT_MARKER
from tests.gitops.conftest import REPO
from tests.gitops.fake_github import FakeGitHub
from tests.gitops.scenario import make_pull_request, trackdrive_env
from tests.gitops.workflow_steps import JobRun, reconciler_shim, run_job
from tests.support.sandbox_server import RunningSandbox

ROOT = Path(__file__).resolve().parents[2]
WORKFLOWS = ROOT / ".github" / "workflows"
ACTION = ROOT / "action.yml"


def _github_env(github: FakeGitHub) -> dict[str, str]:
    return {
        "GITHUB_API_URL": github.base_url,
        "GITHUB_REPOSITORY": REPO,
        "GITHUB_SERVER_URL": "https://github.test",
        "GITHUB_RUN_ID": "77",
    }


def _context(sandbox: RunningSandbox, github: FakeGitHub) -> dict[str, str]:
    keys = trackdrive_env(sandbox)
    return {
        "secrets.TRACKDRIVE_PUBLIC_KEY": keys["TRACKDRIVE_PUBLIC_KEY"],
        "secrets.TRACKDRIVE_PRIVATE_KEY": keys["TRACKDRIVE_PRIVATE_KEY"],
        "vars.TRACKDRIVE_SUBDOMAIN": "",
        "vars.TRACKDRIVE_API_URL": sandbox.base_url,
        "github.token": github.token,
        "github.event.pull_request.number": "1",
    }


def _assert_no_secret(run: JobRun, sandbox: RunningSandbox, github: FakeGitHub) -> None:
    secrets = [sandbox.config.public_key, sandbox.config.private_key, github.token]
    for text in [run.summary] + [s.stdout + s.stderr for s in run.steps]:
        for secret in secrets:
            assert secret not in text


def _run(
    workflow: str, job: str, root: Path, sandbox: RunningSandbox, github: FakeGitHub
) -> JobRun:
    return run_job(
        WORKFLOWS / workflow,
        job,
        cwd=root,
        runner_temp=root.parent / f"runner-{root.name}",
        context=_context(sandbox, github),
        env=_github_env(github),
        path=[reconciler_shim(root.parent / "bin")],
    )


def test_plan_workflow_comments_failure_then_plan_on_one_comment(
    sandbox: RunningSandbox, github: FakeGitHub, tmp_path: Path
) -> None:
    """Invalid specs fail the check, errors in the comment; the fix edits that comment; no leak."""
    pr = make_pull_request(tmp_path / "checkout", sandbox)
    solar = pr.head / "solar.yaml"
    good = solar.read_text(encoding="utf-8")
    solar.write_text(good.replace("paused: true", "pasued: true", 1), encoding="utf-8")

    broken = _run("trackdrive-plan.yml", "plan", pr.root, sandbox, github)
    assert broken.outputs["plan"] == {"exit-code": "1", "changes": "false"}
    assert broken.failed is not None
    assert broken.failed.name == "Fail on invalid specs or errors (not on changes)"
    assert "::error title=TrackDrive plan failed::" in broken.failed.stdout
    (comment,) = github.comments_on(REPO, 1)
    assert comment["body"].startswith(f"{PLAN_MARKER}\n### TrackDrive plan: failed")
    assert "unknown key 'pasued'" in comment["body"]
    assert "did you mean 'paused'" in comment["body"]

    solar.write_text(good, encoding="utf-8")
    fixed = _run("trackdrive-plan.yml", "plan", pr.root, sandbox, github)
    assert fixed.failed is None, fixed.failed
    assert fixed.outputs["plan"] == {"exit-code": "2", "changes": "true"}
    (comment,) = github.comments_on(REPO, 1)
    body = comment["body"]
    assert body.startswith(PLAN_MARKER)
    assert "### Changes this PR makes: 0 to create, 1 to update" in body
    assert "Drift already on the account" in body
    assert body in fixed.summary
    assert (tmp_path / "runner-checkout" / "trackdrive" / "plan.json").is_file()
    for run in (broken, fixed):
        _assert_no_secret(run, sandbox, github)


def test_drift_workflow_opens_the_drift_issue(
    sandbox: RunningSandbox, github: FakeGitHub, tmp_path: Path
) -> None:
    """A drifted account makes the drift job open one labelled issue with the report; no leak."""
    pr = make_pull_request(tmp_path / "checkout", sandbox)
    (pr.root / "base").rename(tmp_path / "unused")
    pr.head.rename(tmp_path / "unused-head")
    (tmp_path / "unused" / "schedules.d").rename(pr.head)  # main's specs: only East drifted

    run = _run("trackdrive-drift.yml", "drift", pr.root, sandbox, github)
    assert run.failed is None, run.failed
    assert run.outputs["drift"] == {"exit-code": "2"}
    (issue,) = [i for i in github.issues.values() if "pull_request" not in i]
    assert issue["labels"] == [{"name": "drift"}]
    assert issue["body"].startswith(DRIFT_MARKER)
    assert "Solar - East" in issue["body"]
    assert "https://github.test/acme/schedules/actions/runs/77" in issue["body"]
    assert "Solar - East" in run.summary
    _assert_no_secret(run, sandbox, github)


def test_action_plan_sets_its_outputs(sandbox: RunningSandbox, tmp_path: Path) -> None:
    """The action's plan succeeds on changes and sets changes, exit-code, the files, the summary."""
    pr = make_pull_request(tmp_path / "checkout", sandbox)
    runner_temp = tmp_path / "runner"
    reconciler_shim(runner_temp / "trackdrive-reconciler-venv" / "bin")  # what the install makes
    inputs = {"command": "plan", "specs": "schedules.d", "config": "", "subdomain": ""}
    inputs["extra-args"] = "--base-specs base/schedules.d"
    run = run_job(
        ACTION,
        None,
        cwd=pr.root,
        runner_temp=runner_temp,
        context={f"inputs.{name}": value for name, value in inputs.items()},
        env=trackdrive_env(sandbox),
    )
    assert run.failed is None, run.failed
    outputs = run.outputs["run"]
    assert (outputs["exit-code"], outputs["changes"]) == ("2", "true")
    assert Path(outputs["plan-file"]).is_file()
    report = Path(outputs["report-file"]).read_text(encoding="utf-8")
    assert report.startswith(PLAN_MARKER)
    assert "Changes this PR makes" in report
    assert "Drift already on the account" in report
    assert report in run.summary
    for step in run.steps:
        assert sandbox.config.private_key not in step.stdout + step.stderr
