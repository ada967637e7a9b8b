"""The templates users copy, run as a runner would, against the sandbox and the fake GitHub.

Each test lays out a checkout, points the steps at the sandbox (TrackDrive) and the fake GitHub,
puts the installed ``reconciler`` command (this checkout's console script, as the action's
install leaves it) on PATH, and runs a job's steps in order: ``run:`` steps in bash, artifacts
carried between jobs through a folder, other ``uses:`` steps (checkout, setup-python, the
action's install) being what a runner adds. Together they are the Done-when of docs/gitops.md:
a PR comment with the plan and the split, a failing check on a threshold breach, an apply job
that applies the plan saved and shown before the approval, and a drift issue that opens on a UI
edit and closes when it is reverted.
"""

from __future__ import annotations

import json
import sys
from decimal import Decimal
from pathlib import Path
from typing import Any

from reconciler.gitops.comment import PLAN_MARKER
from reconciler.render.drift import DRIFT_MARKER
from tests.gitops.conftest import REPO
from tests.gitops.fake_github import FakeGitHub
from tests.gitops.scenario import (
    assert_west_is_the_prs_change_and_east_is_drift,
    make_pull_request,
    trackdrive_env,
)
from tests.gitops.workflow_steps import JobRun, load_workflow, run_job
from tests.support.sandbox_server import RunningSandbox

ROOT = Path(__file__).resolve().parents[2]
TEMPLATES = ROOT / "examples" / "github" / "workflows"
ACTION = ROOT / "action.yml"
#: The installed console script's folder: the reconciler a workflow step finds on PATH.
INSTALLED = Path(sys.executable).parent


def _github_env(github: FakeGitHub) -> dict[str, str]:
    return {
        "GITHUB_API_URL": github.base_url,
        "GITHUB_REPOSITORY": REPO,
        "GITHUB_SERVER_URL": "https://github.test",
        "GITHUB_RUN_ID": "77",
    }


def _context(sandbox: RunningSandbox, github: FakeGitHub, **more: str) -> dict[str, str]:
    keys = trackdrive_env(sandbox)
    return {
        "secrets.TRACKDRIVE_PUBLIC_KEY": keys["TRACKDRIVE_PUBLIC_KEY"],
        "secrets.TRACKDRIVE_PRIVATE_KEY": keys["TRACKDRIVE_PRIVATE_KEY"],
        "vars.TRACKDRIVE_SUBDOMAIN": "",
        "vars.TRACKDRIVE_API_URL": sandbox.base_url,
        "github.token": github.token,
        "github.event.pull_request.number": "1",
        "github.run_id": "77",
        "github.run_attempt": "1",
        **more,
    }


def _assert_no_secret(run: JobRun, sandbox: RunningSandbox, github: FakeGitHub) -> None:
    secrets = [sandbox.config.public_key, sandbox.config.private_key, github.token]
    for text in [run.summary] + [s.stdout + s.stderr for s in run.steps]:
        for secret in secrets:
            assert secret not in text


def _run(
    workflow: str,
    job: str,
    root: Path,
    sandbox: RunningSandbox,
    github: FakeGitHub,
    *,
    runner: str = "runner",
    **context: str,
) -> JobRun:
    return run_job(
        TEMPLATES / workflow,
        job,
        cwd=root,
        runner_temp=root.parent / runner,
        context=_context(sandbox, github, **context),
        env=_github_env(github),
        path=[INSTALLED],
        artifacts=root.parent / "artifacts",
    )


def _records(sandbox: RunningSandbox) -> list[dict[str, Any]]:
    with sandbox.client() as http:
        records: list[dict[str, Any]] = http.get(
            "/api/v1/schedules", params={"per_page": 100}
        ).json()["schedules"]
    return records


def _ui_edit(sandbox: RunningSandbox, name: str, **fields: Any) -> None:
    record = next(r for r in _records(sandbox) if r["name"] == name)
    with sandbox.client() as http:
        http.put(f"/api/v1/schedules/{record['id']}", json=fields).raise_for_status()


def _merge(root: Path) -> None:
    """The PR merged: main's checkout now holds the head specs, no base/ beside them."""
    (root / "base" / "schedules.d").rename(root.parent / "old-base")


def test_plan_workflow_comments_failure_then_plan_and_split_on_one_comment(
    sandbox: RunningSandbox, github: FakeGitHub, tmp_path: Path
) -> None:
    """Invalid specs fail the check with the errors in the comment; the fix edits that comment
    into the plan, the PR's change apart from the drift; the check passes; nothing leaks."""
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
    assert_west_is_the_prs_change_and_east_is_drift(comment["body"])
    assert comment["body"] in fixed.summary
    assert (tmp_path / "artifacts" / "trackdrive-plan-pr1" / "plan.json").is_file()
    assert fixed.steps[-1].stderr.endswith("within the safety thresholds of reconciler.yaml.\n")
    for run in (broken, fixed):
        _assert_no_secret(run, sandbox, github)


def test_plan_check_fails_on_a_threshold_breach_until_a_reviewed_config_commit(
    sandbox: RunningSandbox, github: FakeGitHub, tmp_path: Path
) -> None:
    """A plan apply would refuse fails the PR's check with the breach in the comment; raising
    the threshold in reconciler.yaml in the PR (the reviewed --force) makes it pass."""
    pr = make_pull_request(tmp_path / "checkout", sandbox)
    config = pr.root / "reconciler.yaml"
    config.write_text(
        "safety:\n  min_live_for_percent: 1\n  max_update_percent: 10\n", encoding="utf-8"
    )
    breach = "2 updates are 40.0% of 5 live schedules, over safety.max_update_percent (10%)"
    # The same words as a Markdown cell shows them: every punctuation character escaped.
    breach_cell = (
        "2 updates are 40\\.0\\% of 5 live schedules\\, over safety\\.max\\_update\\_percent "
        "\\(10\\%\\)"
    )

    refused = _run("trackdrive-plan.yml", "plan", pr.root, sandbox, github)
    assert refused.failed is not None
    assert refused.failed.name == "Fail if apply would refuse this plan (safety thresholds)"
    assert refused.failed.stderr.splitlines()[0] == (
        f"error: the apply after merging would refuse this plan: {breach}"
    )
    (comment,) = github.comments_on(REPO, 1)
    assert breach_cell in comment["body"]

    config.write_text(
        "safety:\n  min_live_for_percent: 1\n  max_update_percent: 50\n", encoding="utf-8"
    )
    allowed = _run("trackdrive-plan.yml", "plan", pr.root, sandbox, github)
    assert allowed.failed is None, allowed.failed
    (comment,) = github.comments_on(REPO, 1)
    assert breach_cell not in comment["body"]


def test_apply_workflow_applies_exactly_the_saved_plan_shown_before_approval(
    sandbox: RunningSandbox, github: FakeGitHub, tmp_path: Path
) -> None:
    """The plan job saves the plan, shows it in its summary and uploads it; the approved apply
    job downloads that file and applies it; a fresh plan is then empty."""
    pr = make_pull_request(tmp_path / "checkout", sandbox)
    _merge(pr.root)
    planned = _run("trackdrive-apply.yml", "plan", pr.root, sandbox, github)
    assert planned.failed is None, planned.failed
    assert planned.job_outputs == {"changes": "true"}
    assert planned.summary.startswith("## The plan this run will apply\n")
    assert "Solar \\- West" in planned.summary
    assert "Solar \\- East" in planned.summary
    saved = tmp_path / "artifacts" / "trackdrive-plan" / "plan.json"
    assert sorted(c["name"] for c in json.loads(saved.read_text("utf-8"))["changes"]) == [
        "Solar - East",
        "Solar - West",
    ]
    apply_job = load_workflow(TEMPLATES / "trackdrive-apply.yml")["jobs"]["apply"]
    assert apply_job["environment"] == "production"

    applied = _run(
        "trackdrive-apply.yml",
        "apply",
        pr.root,
        sandbox,
        github,
        runner="apply-runner",
        **{"needs.plan.outputs.changes": "true"},
    )
    assert applied.failed is None, applied.failed
    assert applied.summary.startswith("### TrackDrive apply: done")
    assert "Verified: a fresh plan is empty." in applied.summary
    by_name = {r["name"]: r for r in _records(sandbox)}
    assert by_name["Solar - East"]["paused"] is False
    # Exactly the 21 the PR wrote (the API sends decimals as strings, here "21.0").
    assert Decimal(by_name["Solar - West"]["sortable_order"]) == Decimal("21")
    journal = tmp_path / "apply-runner" / "trackdrive" / "journal.jsonl"
    assert len(journal.read_text("utf-8").splitlines()) == 2
    for run in (planned, applied):
        _assert_no_secret(run, sandbox, github)


def test_apply_workflow_refuses_the_saved_plan_when_the_account_moved(
    sandbox: RunningSandbox, github: FakeGitHub, tmp_path: Path
) -> None:
    """A schedule edited between the plan and the approval: the apply job writes nothing."""
    pr = make_pull_request(tmp_path / "checkout", sandbox)
    _merge(pr.root)
    planned = _run("trackdrive-apply.yml", "plan", pr.root, sandbox, github)
    assert planned.failed is None, planned.failed
    _ui_edit(sandbox, "Solar - West", lead_duplicate_timeframe=60)
    before = _records(sandbox)

    applied = _run("trackdrive-apply.yml", "apply", pr.root, sandbox, github, runner="r2")
    assert applied.failed is not None
    assert applied.failed.name == "Apply the reviewed plan"
    stale = "error: refusing to apply a stale plan: changed on the account since it was planned"
    assert stale in applied.failed.stdout
    assert "### :x: TrackDrive apply FAILED" in applied.summary
    assert _records(sandbox) == before


def test_drift_issue_opens_on_a_ui_edit_and_closes_when_it_is_reverted(
    sandbox: RunningSandbox, github: FakeGitHub, tmp_path: Path
) -> None:
    """A UI edit opens one labelled drift issue; reverting it closes the issue, although
    schedules that no spec names are still live (they are listed, not drift)."""
    pr = make_pull_request(tmp_path / "checkout", sandbox)  # East paused in the UI
    pr.head.rename(tmp_path / "unused-head")
    pr.base.rename(pr.head)  # main's specs
    sandbox.seed_schedules([{"name": "Made in the UI"}])

    drifted = _run("trackdrive-drift.yml", "drift", pr.root, sandbox, github)
    assert drifted.failed is None, drifted.failed
    assert drifted.outputs["drift"] == {"exit-code": "2"}
    (issue,) = [i for i in github.issues.values() if "pull_request" not in i]
    assert issue["labels"] == [{"name": "drift"}]
    assert issue["state"] == "open"
    assert issue["body"].startswith(DRIFT_MARKER)
    assert "Solar \\- East" in issue["body"]
    assert "<details><summary>show 1</summary>" in issue["body"]
    assert "https://github.test/acme/schedules/actions/runs/77" in issue["body"]

    _ui_edit(sandbox, "Solar - East", paused=False)
    clean = _run("trackdrive-drift.yml", "drift", pr.root, sandbox, github, runner="r2")
    assert clean.failed is None, clean.failed
    assert clean.outputs["drift"] == {"exit-code": "0"}
    (issue,) = [i for i in github.issues.values() if "pull_request" not in i]
    assert issue["state"] == "closed"
    assert "Made in the UI" in clean.summary
    for run in (drifted, clean):
        _assert_no_secret(run, sandbox, github)


def test_action_plan_takes_typed_inputs_and_sets_its_outputs(
    sandbox: RunningSandbox, tmp_path: Path
) -> None:
    """`only` with spaces and newline-separated `args` reach plan whole; the outputs are set."""
    pr = make_pull_request(tmp_path / "checkout", sandbox)
    runner_temp = tmp_path / "runner"
    venv_bin = runner_temp / "trackdrive-reconciler-venv" / "bin"  # what the install makes
    venv_bin.mkdir(parents=True)
    (venv_bin / "reconciler").symlink_to(INSTALLED / "reconciler")
    inputs = {
        "command": "plan",
        "specs": "schedules.d",
        "config": "",
        "only": "Solar - West",
        "subdomain": "",
        "args": "--base-specs\nbase/schedules.d\n",
    }
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
    plan = json.loads(Path(outputs["plan-file"]).read_text(encoding="utf-8"))
    assert [c["name"] for c in plan["changes"]] == ["Solar - West"]
    report = Path(outputs["report-file"]).read_text(encoding="utf-8")
    assert report.startswith(PLAN_MARKER)
    assert "Changes this PR makes" in report
    assert report in run.summary
    for step in run.steps:
        assert sandbox.config.private_key not in step.stdout + step.stderr
