"""Fixture scenario directories (STYLE habit 7): one directory per case, its expectation beside it.

A scenario directory under ``tests/fixtures/specs/`` or ``tests/fixtures/config/`` holds the YAML
it is about and exactly one expectation:

- ``expected.txt``: an invalid case; the exact ``path:line:col: message`` lines, in order, with
  paths relative to the scenario directory;
- ``expected-specs.txt`` (specs): a valid case; one line per loaded spec,
  ``path:line:col: field=value ...``, listing only the fields the spec gives; a value not
  written in the entry is followed by how it got there and where it is written,
  ``offer_id=1234 (defaults at path:line:col)``;
- ``expected-config.json`` (config): a valid case; the loaded config as JSON.

An ``xfail.txt`` beside them marks a known bug in ``reconciler/``: its text is the reason, and the
case is a strict xfail until the bug is fixed. So every test over ``scenarios(...)`` must compare
the scenario's expected lines (a test that could pass on a bug scenario would XPASS). This module
is a test helper, not a test.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from reconciler.loader import LoadedSpec
from reconciler.normalize import display
from reconciler.spec import ScheduleSpec

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
SPEC_SCENARIOS = FIXTURES / "specs"
CONFIG_SCENARIOS = FIXTURES / "config"

ERRORS_FILE = "expected.txt"
SPECS_FILE = "expected-specs.txt"
CONFIG_FILE = "expected-config.json"
XFAIL_FILE = "xfail.txt"


def scenario_dirs(root: Path) -> list[Path]:
    """Every scenario directory under ``root``, sorted by name."""
    return sorted(p for p in root.iterdir() if p.is_dir())


def scenarios(root: Path, expectation: str) -> list[object]:
    """``pytest.param`` per scenario holding ``expectation``; a strict xfail when it says so."""
    params: list[object] = []
    for directory in scenario_dirs(root):
        if not (directory / expectation).is_file():
            continue
        xfail = directory / XFAIL_FILE
        marks = (
            [pytest.mark.xfail(reason=xfail.read_text(encoding="utf-8").strip(), strict=True)]
            if xfail.is_file()
            else []
        )
        params.append(pytest.param(directory, id=directory.name, marks=marks))
    return params


def expected_lines(path: Path) -> list[str]:
    """The lines of an expectation file, without their line endings."""
    return path.read_text(encoding="utf-8").splitlines()


def relative(text: str, base: Path) -> str:
    """``text`` with every path under ``base`` made relative to it."""
    return text.replace(f"{base}{os.sep}", "")


def describe(loaded: LoadedSpec, base: Path) -> str:
    """One line for a loaded spec: its location and the fields it gives, in model order."""
    spec = loaded.spec
    given = []
    for field in ScheduleSpec.model_fields:
        if field not in spec.model_fields_set:
            continue
        text = f"{field}={display(getattr(spec, field))}"
        source = loaded.source_of(field)
        if source is not None:
            text += f" ({loaded.origins[field]} at {relative(str(source), base)})"
        given.append(text)
    return f"{relative(str(loaded.location), base)}: {' '.join(given)}"
