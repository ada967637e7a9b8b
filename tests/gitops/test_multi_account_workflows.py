"""examples/multi-account/workflows/: the two-account example through its own workflows.

Two sandbox servers stand for the two accounts (each with its own keys); the fake GitHub takes
the comment and the issues. Each job's shell steps run as a runner would (tests.gitops
.workflow_steps); a matrix job runs once per account, with that account's matrix entry.
"""

from __future__ import annotations

import json
import shutil
import sys
from pathlib import Path
from typing import Any

from reconciler.accounts import load_accounts
from reconciler.gitops.comment import PLAN_MARKER
from reconciler.sandbox import SandboxConfig
from tests.gitops.conftest import REPO
from tests.gitops.fake_github import FakeGitHub
from tests.gitops.workflow_steps import JobRun, load_workflow, run_job
from tests.support.sandbox_server import MakeSandbox

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "multi-account"
WORKFLOWS = EXAMPLE / "workflows"
INSTALLED = Path(sys.executable).parent
KEYS = {"acme-prod": ("prod-pub", "prod-priv"), "acme-staging": ("stg-pub", "stg-priv")}


class _Setup:
    """The example checked out (pointed at two sandboxes), the fake GitHub, the secrets."""

    def __init__(self, tmp: Path, make_sandbox: MakeSandbox, github: FakeGitHub) -> None:
        self.tmp = tmp
        self.github = github
        self.sandboxes = {
            key: make_sandbox(SandboxConfig(public_key=pub, private_key=priv, seed="demo"))
            for key, (pub, priv) in KEYS.items()
        }
        self.root = tmp / "checkout"
        shutil.copytree(EXAMPLE, self.root, ignore=shutil.ignore_patterns("workflows"))
        text = (self.root / "accounts.yaml").read_text(encoding="utf-8")
        for key, subdomain in (("acme-staging", "acme-staging"), ("acme-prod", "acme")):
            text = text.replace(
                f"subdomain: {subdomain}\n", f"api_url: {self.sandboxes[key].base_url}\n", 1
            )
        (self.root / "accounts.yaml").write_text(text, encoding="utf-8")
        self.matrix = load_accounts(self.root / "accounts.yaml").matrix()["include"]
        self.secrets = {
            f"TRACKDRIVE_{key.upper().replace('-', '_')}_{which}_KEY": value
            for key, pair in KEYS.items()
            for which, value in zip(("PUBLIC", "PRIVATE"), pair, strict=True)
        }

    def run(self, workflow: str, job: str, runner: str, **context: str) -> JobRun:
        return run_job(
            WORKFLOWS / workflow,
            job,
            cwd=self.root,
            runner_temp=self.tmp / runner,
            context={
                **{f"secrets.{name}": value for name, value in self.secrets.items()},
                "github.token": self.github.token,
                "github.event.pull_request.number": "1",
                "github.run_id": "77",
                "github.run_attempt": "1",
                **context,
            },
            env={
                "GITHUB_API_URL": self.github.base_url,
                "GITHUB_REPOSITORY": REPO,
                "GITHUB_SERVER_URL": "https://github.test",
                "GITHUB_RUN_ID": "77",
            },
            path=[INSTALLED],
            artifacts=self.tmp / "artifacts",
        )

    def run_matrix(self, workflow: str, job: str, entry: dict[str, str]) -> JobRun:
        context = {f"matrix.{k}": v for k, v in entry.items()}
        context["secrets[matrix.public_key_env]"] = self.secrets[entry["public_key_env"]]
        context["secrets[matrix.private_key_env]"] = self.secrets[entry["private_key_env"]]
        return self.run(workflow, job, f"{job}-{entry['account']}", **context)

    def names(self, key: str) -> list[str]:
        sandbox = self.sandboxes[key]
        with sandbox.client() as http:
            records: list[dict[str, Any]] = http.get(
                "/api/v1/schedules", params={"per_page": 100}, auth=sandbox.auth
            ).json()["schedules"]
        return sorted(r["name"] for r in records)

    def assert_no_secret(self, *runs: JobRun) -> None:
        for run in runs:
            for text in [run.summary] + [s.stdout + s.stderr for s in run.steps]:
                for secret in [*self.secrets.values(), self.github.token]:
                    assert secret not in text


def test_the_pr_workflow_posts_one_comment_with_a_section_per_account(
    tmp_path: Path, make_sandbox: MakeSandbox, github: FakeGitHub
) -> None:
    """One sticky comment: the table of both accounts first, then a section for each."""
    setup = _Setup(tmp_path, make_sandbox, github)
    shutil.copytree(setup.root, tmp_path / "base-copy", ignore=shutil.ignore_patterns("base"))
    (tmp_path / "base-copy").rename(setup.root / "base")
    staging = setup.root / "acme-staging" / "schedules.d" / "overrides.yaml"
    staging.write_text(
        staging.read_text("utf-8").replace("sortable_order: 20", "sortable_order: 22"), "utf-8"
    )
    run = setup.run("trackdrive-plan.yml", "plan", "pr")
    assert run.failed is None, run.failed
    assert run.outputs["plan"] == {"exit-code": "2"}
    (comment,) = github.comments_on(REPO, 1)
    body = comment["body"]
    assert body.startswith(f"{PLAN_MARKER}\n### TrackDrive plan: 2 accounts: 1 with changes")
    assert "| `acme-prod` | ✅ no changes |" in body
    assert "| `acme-staging` | 🟡 0 to create\\, 1 to update\\, 0 to delete |" in body
    assert "<details><summary><code>acme-prod</code>: no changes</summary>" in body
    assert "<details open><summary><code>acme-staging</code>:" in body
    assert body.count(PLAN_MARKER) == 1
    plans = tmp_path / "artifacts" / "trackdrive-plans-pr1"
    assert sorted(p.name for p in plans.iterdir()) == ["acme-prod.json", "acme-staging.json"]
    setup.assert_no_secret(run)


def test_apply_fans_out_per_account_and_drift_keeps_one_issue_per_account(
    tmp_path: Path, make_sandbox: MakeSandbox, github: FakeGitHub
) -> None:
    """Each account's matrix jobs plan, apply in its own environment and concurrency group;
    afterwards drift is clean on both; a UI edit on one opens that account's issue only."""
    setup = _Setup(tmp_path, make_sandbox, github)
    listed = setup.run("trackdrive-apply.yml", "accounts", "accounts")
    assert listed.failed is None, listed.failed
    assert json.loads(listed.outputs["accounts"]["matrix"]) == {"include": setup.matrix}
    jobs = load_workflow(WORKFLOWS / "trackdrive-apply.yml")["jobs"]
    assert jobs["apply"]["environment"] == "${{ matrix.environment }}"
    assert jobs["apply"]["concurrency"]["group"] == "trackdrive-apply-${{ matrix.account }}"
    assert jobs["apply"]["strategy"]["fail-fast"] is False
    runs = []
    for entry in setup.matrix:
        planned = setup.run_matrix("trackdrive-apply.yml", "plan", entry)
        assert planned.failed is None, planned.failed
        applied = setup.run_matrix("trackdrive-apply.yml", "apply", entry)
        assert applied.failed is None, applied.failed
        assert f"### TrackDrive apply ({entry['account']}): done" in applied.summary
        runs += [planned, applied]
    assert "Medicare - Overflow" in setup.names("acme-prod")
    assert "Medicare - Overflow" not in setup.names("acme-staging")  # prod's own schedule

    for entry in setup.matrix:
        clean = setup.run_matrix("trackdrive-drift.yml", "drift", entry)
        assert clean.failed is None, clean.failed
        assert clean.outputs["drift"]["exit-code"] == "0"
        runs.append(clean)
    prod = setup.sandboxes["acme-prod"]
    with prod.client() as http:
        records = http.get("/api/v1/schedules", params={"per_page": 100}, auth=prod.auth).json()
        east = next(r for r in records["schedules"] if r["name"] == "Solar - East")
        http.put(f"/api/v1/schedules/{east['id']}", json={"paused": True}, auth=prod.auth)
    for entry in setup.matrix:
        checked = setup.run_matrix("trackdrive-drift.yml", "drift", entry)
        assert checked.failed is None, checked.failed
        runs.append(checked)
    issues = [
        (i["title"], [label["name"] for label in i["labels"]], i["state"])
        for i in github.issues.values()
        if "pull_request" not in i
    ]
    assert issues == [("TrackDrive drift on acme-prod", ["drift:acme-prod"], "open")]
    setup.assert_no_secret(*runs)
