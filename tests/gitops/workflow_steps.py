"""Run a workflow job's shell steps locally, the way a GitHub runner would, minus the actions.

``run_job`` executes each ``run:`` step of one job with ``bash --noprofile --norc -eo pipefail``
(the runner's ``shell: bash``), in order, with the workflow, job and step ``env:`` merged. It
skips the steps named in ``skip`` and ``uses:`` steps, except that ``actions/upload-artifact``
and ``actions/download-artifact`` copy files to and from an ``artifacts`` directory (one folder
per artifact name), so one job's saved file reaches the next job as on GitHub. It gives every
step its own ``$GITHUB_OUTPUT`` (read back as ``steps.ID.outputs.NAME``), one shared
``$GITHUB_STEP_SUMMARY``, stops at the first failing step, as a runner does, and evaluates the
job's ``outputs:`` (for ``needs.JOB.outputs.NAME`` in the next job's ``context``).

Expressions are not evaluated in general: each ``${{ … }}`` in an ``env:`` or ``with:`` value
must be a key of ``context`` or a ``steps.ID.outputs.NAME``, and a step's ``if:`` may only be
``always()`` or ``||``-joined ``NAME == 'value'`` comparisons of such values. Anything else
fails the test, which keeps the workflows' scripts simple enough to be run here.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML

__all__ = ["JobRun", "StepRun", "load_workflow", "run_job"]

ROOT = Path(__file__).resolve().parents[2]
_EXPRESSION = re.compile(r"\$\{\{\s*(.*?)\s*\}\}")
_OUTPUT = re.compile(r"steps\.([A-Za-z0-9_-]+)\.outputs\.([A-Za-z0-9_-]+)")
_COMPARISON = re.compile(r"([A-Za-z0-9_.-]+) (==|!=) '([^']*)'")


@dataclass(frozen=True)
class StepRun:
    """One step that ran: its name, exit code and what it printed."""

    name: str
    returncode: int
    stdout: str
    stderr: str


@dataclass
class JobRun:
    """What a job's steps did: each step run, their outputs, the job summary."""

    steps: list[StepRun] = field(default_factory=list)
    outputs: dict[str, dict[str, str]] = field(default_factory=dict)
    summary: str = ""
    job_outputs: dict[str, str] = field(default_factory=dict)

    @property
    def failed(self) -> StepRun | None:
        """The step that failed the job, if one did."""
        return next((s for s in self.steps if s.returncode != 0), None)


def load_workflow(path: Path) -> dict[str, Any]:
    """A workflow file as data (YAML 1.2: ``on`` stays a string key)."""
    data: dict[str, Any] = YAML(typ="safe").load(path.read_text(encoding="utf-8"))
    return data


def _substitute(value: str, context: Mapping[str, str], outputs: Mapping[str, Any]) -> str:
    def one(match: re.Match[str]) -> str:
        expression = match.group(1)
        if expression in context:
            return context[expression]
        step = _OUTPUT.fullmatch(expression)
        if step is not None:
            return str(outputs.get(step.group(1), {}).get(step.group(2), ""))
        raise AssertionError(f"no value for the expression ${{{{ {expression} }}}}")

    return _EXPRESSION.sub(one, value)


def _condition(
    expression: str, context: Mapping[str, str], outputs: Mapping[str, Mapping[str, str]]
) -> bool:
    if expression.strip() == "always()":
        return True
    results = []
    for part in expression.split(" || "):
        match = _COMPARISON.fullmatch(part.strip())
        assert match is not None, f"cannot evaluate the condition {expression!r} here"
        actual = _substitute("${{ " + match.group(1) + " }}", context, outputs)
        results.append((actual == match.group(3)) == (match.group(2) == "=="))
    return any(results)


def run_job(
    workflow: Path,
    job: str | None,
    *,
    cwd: Path,
    runner_temp: Path,
    context: Mapping[str, str],
    env: Mapping[str, str],
    path: Sequence[Path] = (),
    skip: Sequence[str] = ("install",),
    artifacts: Path | None = None,
) -> JobRun:
    """Run the shell steps of ``job`` in ``workflow`` from ``cwd``; see the module docstring.

    With ``job=None``, ``workflow`` is a composite action's ``action.yml`` and its steps run.
    """
    data = load_workflow(workflow)
    spec = data["runs"] if job is None else data["jobs"][job]
    runner_temp.mkdir(parents=True, exist_ok=True)
    summary = runner_temp / "step_summary.md"
    summary.touch()
    base = {
        "PATH": os.pathsep.join([*map(str, path), os.environ.get("PATH", "")]),
        "HOME": os.environ.get("HOME", str(runner_temp)),
        "LANG": "C.UTF-8",
        "PYTHONPATH": str(ROOT),
        "RUNNER_TEMP": str(runner_temp),
        "GITHUB_STEP_SUMMARY": str(summary),
        **env,
    }
    context = {"runner.temp": str(runner_temp), **context}
    run = JobRun()
    for index, step in enumerate(spec["steps"]):
        if step.get("id") in skip:
            continue
        if "if" in step and not _condition(step["if"], context, run.outputs):
            continue
        if "uses" in step:
            _artifact(step, artifacts, context, run.outputs)
            continue
        output = runner_temp / f"output_{index}"
        output.touch()
        step_env = dict(base, GITHUB_OUTPUT=str(output))
        for scope in (data.get("env"), spec.get("env"), step.get("env")):
            for key, value in (scope or {}).items():
                step_env[key] = _substitute(str(value), context, run.outputs)
        script = runner_temp / f"step_{index}.sh"
        script.write_text(step["run"], encoding="utf-8")
        done = subprocess.run(
            ["bash", "--noprofile", "--norc", "-eo", "pipefail", str(script)],
            cwd=cwd,
            env=step_env,
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
        run.steps.append(StepRun(step["name"], done.returncode, done.stdout, done.stderr))
        if "id" in step:
            lines = output.read_text(encoding="utf-8").splitlines()
            run.outputs[step["id"]] = dict(line.split("=", 1) for line in lines if "=" in line)
        if done.returncode != 0:
            break
    run.summary = summary.read_text(encoding="utf-8")
    for name, value in (spec.get("outputs") or {}).items():
        run.job_outputs[name] = _substitute(str(value), context, run.outputs)
    return run


def _artifact(
    step: Mapping[str, Any],
    artifacts: Path | None,
    context: Mapping[str, str],
    outputs: Mapping[str, Any],
) -> None:
    """Upload or download an artifact as a folder of ``artifacts``; other actions do nothing."""
    action = str(step["uses"]).split("@", 1)[0]
    if action not in ("actions/upload-artifact", "actions/download-artifact"):
        return
    assert artifacts is not None, f"the step {step['name']!r} needs run_job(artifacts=...)"
    given = {k: _substitute(str(v), context, outputs) for k, v in step["with"].items()}
    folder = artifacts / given["name"]
    if action == "actions/upload-artifact":
        source = Path(given["path"])
        if not source.exists():
            assert given.get("if-no-files-found") != "error", f"nothing to upload at {source}"
            return
        folder.mkdir(parents=True, exist_ok=True)
        if source.is_dir():  # a directory uploads its files, as the action does
            shutil.copytree(source, folder, dirs_exist_ok=True)
        else:
            shutil.copy2(source, folder / source.name)
        return
    assert folder.is_dir(), f"no artifact named {given['name']!r} was uploaded"
    target = Path(given["path"])
    target.mkdir(parents=True, exist_ok=True)
    for file in folder.iterdir():
        shutil.copy2(file, target / file.name)
