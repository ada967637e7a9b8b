"""Golden files: output a person reads, compared byte for byte with ``tests/golden/``.

The one implementation every golden test uses (through the ``golden`` fixture, or
``check_golden`` where a fixture cannot reach). When a change to the output is intended::

    UPDATE_GOLDEN=1 .venv/bin/pytest tests/...
    git diff tests/golden/

Rules, so a golden test cannot pass by comparing a file with itself unnoticed:

- without ``UPDATE_GOLDEN=1`` nothing is ever written: a missing or different file fails;
- with it, a file is rewritten only when its content differs, and every rewrite is listed at
  the end of the run (``golden files rewritten``) for review;
- with it and ``CI`` set, every golden test fails: CI must compare, never update.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Final

import pytest

__all__ = ["GOLDEN_DIR", "check_golden", "rewritten"]

GOLDEN_DIR: Final = Path(__file__).resolve().parent.parent / "golden"

#: Golden files rewritten during this run (relative to ``GOLDEN_DIR``), for the summary.
rewritten: list[str] = []


def _updating() -> bool:
    if os.environ.get("UPDATE_GOLDEN") != "1":
        return False
    if os.environ.get("CI"):
        pytest.fail("UPDATE_GOLDEN=1 is refused when CI is set: CI compares golden files only")
    return True


def check_golden(name: str, actual: str) -> None:
    """Compare ``actual`` with ``tests/golden/<name>``; rewrite it only under UPDATE_GOLDEN=1."""
    updating = _updating()
    path = GOLDEN_DIR / name
    current = path.read_bytes().decode("utf-8") if path.exists() else None
    if current != actual and updating:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(actual.encode("utf-8"))
        rewritten.append(name)
        return
    if current is None:
        pytest.fail(f"{path} is missing; create it with UPDATE_GOLDEN=1 and review it")
    assert actual == current, f"{name} differs; if intended, refresh with UPDATE_GOLDEN=1"
