"""The workflows, the action and the pre-commit hook, checked offline.

SchemaStore's schemas (vendored by check-jsonschema) for the shape, and our own rules for what
matters most: least privilege, actions pinned to commits, no expression spliced into a shell
script, an apply that is never cancelled and applies the saved plan, the action as the one
install path, and the project's own workflows kept apart from the templates users copy.
(actionlint with shellcheck runs over both in scripts/test.)
"""

from __future__ import annotations

import json
import re
import subprocess
from collections.abc import Iterator
from importlib import resources
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft7Validator
from ruamel.yaml import YAML

from tests.gitops.workflow_steps import load_workflow

ROOT = Path(__file__).resolve().parents[2]
WORKFLOWS = ROOT / ".github" / "workflows"
TEMPLATES = ROOT / "examples" / "github" / "workflows"
ACTION = ROOT / "action.yml"
ALL_WORKFLOWS = sorted([*WORKFLOWS.glob("*.yml"), *TEMPLATES.glob("*.yml")])
OWN = {"ci.yml", "release.yml"}  # the project's own workflows, never copied by users
_ACTION_PIN = re.compile(
    r"^\s*(?:-\s*)?uses:\s*OWNER/trackdrive-reconciler@([0-9a-f]{40}) # v\d+\.\d+\.\d+\s*$"
)
_PIN = re.compile(r"^\s*(?:-\s*)?uses:\s*([\w.-]+/[\w./-]+)@([0-9a-f]{40}) # v\d+\.\d+\.\d+\s*$")
#: The write scopes each job may hold; anything else must be read-only.
WRITES: dict[str, dict[str, set[str]]] = {
    "trackdrive-plan.yml": {"plan": {"pull-requests"}},
    "trackdrive-apply.yml": {"plan": set(), "apply": set()},
    "trackdrive-drift.yml": {"drift": {"issues"}},
    "ci.yml": {"test": set()},
    "release.yml": {"build": set(), "github-release": {"contents"}, "pypi": {"id-token"}},
}


def _schema(name: str, package: str = "check_jsonschema.builtin_schemas.vendor") -> Any:
    return json.loads(resources.files(package).joinpath(name).read_text(encoding="utf-8"))


def _ids(paths: list[Path]) -> list[str]:
    return [str(p.relative_to(ROOT)) for p in paths]


def _steps(data: dict[str, Any]) -> Iterator[dict[str, Any]]:
    if "runs" in data:
        yield from data["runs"].get("steps", [])
        return
    for job in data["jobs"].values():
        yield from job.get("steps", [])


def test_own_workflows_are_apart_from_the_templates() -> None:
    """.github/workflows/ holds only CI and release; the templates live in examples/ alone."""
    assert sorted(p.name for p in WORKFLOWS.glob("*.yml")) == sorted(OWN)
    assert sorted(p.name for p in TEMPLATES.glob("*.yml")) == sorted(set(WRITES) - OWN)


@pytest.mark.parametrize("template", sorted(TEMPLATES.glob("*.yml")), ids=lambda p: p.name)
def test_templates_install_only_through_the_action(template: Path) -> None:
    """Every job of a template installs with the action, pinned; no template names a package."""
    text = template.read_text(encoding="utf-8")
    assert "pip install" not in text
    assert "trackdrive-reconciler==" not in text
    data = load_workflow(template)
    for name, job in data["jobs"].items():
        installs = [s for s in job["steps"] if "trackdrive-reconciler@" in str(s.get("uses", ""))]
        assert [s["with"] for s in installs] == [{"command": "install"}], name
    pins = [line for line in text.splitlines() if "trackdrive-reconciler@" in line]
    assert pins
    assert all(_ACTION_PIN.match(line) for line in pins), pins


@pytest.mark.parametrize("path", ALL_WORKFLOWS, ids=_ids(ALL_WORKFLOWS))
def test_workflow_matches_schemastore_schema(path: Path) -> None:
    """Every workflow is valid against SchemaStore's github-workflow schema."""
    errors = sorted(
        Draft7Validator(_schema("github-workflows.json")).iter_errors(load_workflow(path)),
        key=str,
    )
    assert [f"{list(e.absolute_path)}: {e.message}" for e in errors] == []


@pytest.mark.parametrize("path", ALL_WORKFLOWS, ids=_ids(ALL_WORKFLOWS))
def test_every_job_has_a_timeout(path: Path) -> None:
    """Every job sets timeout-minutes (check-jsonschema's github-workflows-require-timeout)."""
    schema = _schema(
        "github-workflows-require-timeout.json", "check_jsonschema.builtin_schemas.custom"
    )
    assert list(Draft7Validator(schema).iter_errors(load_workflow(path))) == []


def test_action_matches_schemastore_schema() -> None:
    """action.yml is valid against SchemaStore's github-action schema."""
    errors = Draft7Validator(_schema("github-actions.json")).iter_errors(load_workflow(ACTION))
    assert [f"{list(e.absolute_path)}: {e.message}" for e in errors] == []


def test_action_interface() -> None:
    """The action takes typed inputs (no extra-args split on spaces) and gives four outputs."""
    data = load_workflow(ACTION)
    assert data["runs"]["using"] == "composite"
    assert set(data["inputs"]) == {"command", "specs", "config", "only", "subdomain", "args"}
    assert data["inputs"]["command"]["default"] == "install"
    assert {"changes", "exit-code", "plan-file", "report-file"} <= set(data["outputs"])
    script = data["runs"]["steps"][1]["run"]
    assert "GITHUB_STEP_SUMMARY" in script
    assert "${{" not in script


@pytest.mark.parametrize("path", ALL_WORKFLOWS, ids=_ids(ALL_WORKFLOWS))
def test_least_privilege_permissions(path: Path) -> None:
    """The workflow grants nothing by default; each job asks only for what it writes."""
    data = load_workflow(path)
    assert data["permissions"] == {}
    allowed = WRITES[path.name]
    assert set(data["jobs"]) == set(allowed)
    for name, job in data["jobs"].items():
        permissions = job["permissions"]
        assert isinstance(permissions, dict), f"{name}: permissions must be a mapping"
        writes = {scope for scope, level in permissions.items() if level == "write"}
        assert writes == allowed[name], name
        assert set(permissions.values()) <= {"read", "write", "none"}


@pytest.mark.parametrize("path", [*ALL_WORKFLOWS, ACTION], ids=_ids([*ALL_WORKFLOWS, ACTION]))
def test_remote_actions_are_pinned_to_a_commit(path: Path) -> None:
    """Every remote `uses:` names a full 40-hex commit, with the release it is in a comment."""
    lines = [line for line in path.read_text(encoding="utf-8").splitlines() if "uses:" in line]
    code = [line for line in lines if not line.lstrip().startswith("#")]
    for line in code:
        target = line.split("uses:", 1)[1].strip()
        if target.startswith(("./", "docker://")):
            continue
        assert _PIN.match(line), f"not pinned to a commit with a # vX.Y.Z comment: {line.strip()}"
    used = {step["uses"] for step in _steps(load_workflow(path)) if "uses" in step}
    assert len(used) <= len(code)


@pytest.mark.parametrize("path", [*ALL_WORKFLOWS, ACTION], ids=_ids([*ALL_WORKFLOWS, ACTION]))
def test_no_expression_inside_a_shell_script(path: Path) -> None:
    """No `${{ }}` (so no secret and no github.event text) is spliced into a `run:` script."""
    for step in _steps(load_workflow(path)):
        script = step.get("run", "")
        assert "${{" not in script, f"{step.get('name')}: pass it through env: instead"
        assert "secrets." not in script
        assert "github.event" not in script


@pytest.mark.parametrize("path", [*ALL_WORKFLOWS, ACTION], ids=_ids([*ALL_WORKFLOWS, ACTION]))
def test_secrets_only_reach_steps_through_env(path: Path) -> None:
    """`secrets.` appears only as a step's env value, never in `with:`, `if:` or a job's env."""
    text = path.read_text(encoding="utf-8")
    data = load_workflow(path)
    in_env = [
        value
        for step in _steps(data)
        for value in (step.get("env") or {}).values()
        if "secrets." in str(value)
    ]
    in_code = [
        line
        for line in text.splitlines()
        if "secrets." in line and not line.lstrip().startswith("#")
    ]
    assert len(in_env) == len(in_code)


@pytest.mark.parametrize("path", [*ALL_WORKFLOWS, ACTION], ids=_ids([*ALL_WORKFLOWS, ACTION]))
def test_shell_scripts_parse(path: Path) -> None:
    """Every `run:` script is valid bash (`bash -n`)."""
    for step in _steps(load_workflow(path)):
        if "run" in step:
            done = subprocess.run(
                ["bash", "-n"], input=step["run"], capture_output=True, text=True, check=False
            )
            assert done.returncode == 0, f"{step.get('name')}: {done.stderr}"


@pytest.mark.parametrize("path", ALL_WORKFLOWS, ids=_ids(ALL_WORKFLOWS))
def test_checkouts_do_not_keep_the_token(path: Path) -> None:
    """Every actions/checkout sets persist-credentials: false, so later steps cannot push."""
    for step in _steps(load_workflow(path)):
        if str(step.get("uses", "")).startswith("actions/checkout@"):
            assert step["with"]["persist-credentials"] is False


def test_action_installs_hash_pinned_from_its_own_checkout() -> None:
    """The install: every dependency from the lock with --require-hashes, then only the package."""
    install = load_workflow(ACTION)["runs"]["steps"][0]["run"]
    assert '--require-hashes -r "$GITHUB_ACTION_PATH/requirements/action.lock"' in install
    assert '--no-index --no-deps --no-build-isolation "$GITHUB_ACTION_PATH"' in install


DEFAULT_BRANCH_ONLY = (
    "github.ref == format('refs/heads/{0}', github.event.repository.default_branch)"
)


def test_apply_plans_then_applies_that_file_behind_the_environment() -> None:
    """Apply: a plan job saves and shows the plan; an approved job applies that very file."""
    data = load_workflow(TEMPLATES / "trackdrive-apply.yml")
    assert data["on"]["push"]["branches"] == ["main"]
    assert "workflow_dispatch" in data["on"]
    assert data["concurrency"] == {"group": "trackdrive-apply", "cancel-in-progress": False}
    plan, apply = data["jobs"]["plan"], data["jobs"]["apply"]
    assert plan["if"] == DEFAULT_BRANCH_ONLY
    assert "environment" not in plan
    assert plan["outputs"] == {"changes": "${{ steps.plan.outputs.changes }}"}
    (upload,) = [s for s in plan["steps"] if "upload-artifact" in str(s.get("uses", ""))]
    assert upload["with"]["name"] == "trackdrive-plan"
    assert (apply["needs"], apply["if"]) == ("plan", "needs.plan.outputs.changes == 'true'")
    assert apply["environment"] == "production"
    (download,) = [s for s in apply["steps"] if "download-artifact" in str(s.get("uses", ""))]
    assert download["with"]["name"] == "trackdrive-plan"
    scripts = "\n".join(step.get("run", "") for step in apply["steps"])
    assert 'reconciler apply "$out/plan.json" --specs schedules.d --journal' in scripts
    assert "--auto-approve" not in scripts
    assert "--force" not in scripts
    uploads = [s for s in apply["steps"] if "upload-artifact" in str(s.get("uses", ""))]
    assert [s["if"] for s in uploads] == ["always()"]


def test_drift_runs_only_on_the_default_branch() -> None:
    """A drift check run by hand on another branch would report that branch's specs: skipped."""
    (job,) = load_workflow(TEMPLATES / "trackdrive-drift.yml")["jobs"].values()
    assert job["if"].startswith(DEFAULT_BRANCH_ONLY + " && (")


def test_plan_runs_on_spec_changes_and_keeps_one_comment() -> None:
    """The plan workflow triggers on spec paths, plans against the base, posts the comment."""
    data = load_workflow(TEMPLATES / "trackdrive-plan.yml")
    assert data["on"]["pull_request"]["paths"] == ["schedules.d/**", "reconciler.yaml"]
    (job,) = data["jobs"].values()
    scripts = "\n".join(step.get("run", "") for step in job["steps"])
    assert "reconciler validate" in scripts
    assert "--base-specs base/schedules.d" in scripts
    assert "--format markdown" in scripts
    assert "reconciler gitops comment" in scripts
    assert any("upload-artifact" in str(s.get("uses", "")) for s in job["steps"])
    last = job["steps"][-1]
    assert last["run"] == (
        'reconciler gitops check-plan --plan-file "$RUNNER_TEMP/trackdrive/plan.json"'
    )


def test_drift_runs_on_a_timer_and_by_hand() -> None:
    """The drift workflow has a cron and workflow_dispatch, and syncs the drift issue."""
    data = load_workflow(TEMPLATES / "trackdrive-drift.yml")
    assert data["on"]["schedule"][0]["cron"]
    assert "workflow_dispatch" in data["on"]
    (job,) = data["jobs"].values()
    scripts = "\n".join(step.get("run", "") for step in job["steps"])
    assert "reconciler drift --specs schedules.d --format markdown --out" in scripts
    assert "reconciler gitops drift-issue" in scripts


def test_ci_runs_the_readme_test_command() -> None:
    """The project's CI runs scripts/test, the command the README gives."""
    data = load_workflow(WORKFLOWS / "ci.yml")
    runs = [step["run"] for job in data["jobs"].values() for step in job["steps"] if "run" in step]
    assert runs == ["scripts/test"]
    assert "scripts/test" in (ROOT / "README.md").read_text(encoding="utf-8")


def test_pre_commit_hook() -> None:
    """The reconciler-validate hook runs `reconciler validate` once for spec or config changes."""
    hooks: list[dict[str, Any]] = YAML(typ="safe").load(
        (ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8")
    )
    (hook,) = hooks
    assert hook["id"] == "reconciler-validate"
    assert hook["entry"] == "reconciler validate"
    assert hook["language"] == "python"
    assert hook["pass_filenames"] is False
    files = re.compile(hook["files"])
    matching = ["schedules.d/solar.yaml", "schedules.d/a/b.yml", "reconciler.yaml"]
    assert all(files.search(name) for name in matching)
    other = ["README.md", "schedules.d/notes.txt", "x/reconciler.yaml", "reconciler.yaml.bak"]
    assert not any(files.search(name) for name in other)
