"""The installed ``reconciler`` console script: what users and workflow steps actually run."""

from __future__ import annotations

import sys
from importlib.metadata import entry_points
from pathlib import Path

__all__ = ["installed_reconciler"]


def installed_reconciler() -> Path:
    """The console script pip made for the ``reconciler`` entry point, next to this Python.

    Asserts the entry point is declared (``[project.scripts]``) and the script exists, so a
    test that runs it checks the packaging and the CLI's wiring, not a stand-in.
    """
    (declared,) = entry_points(group="console_scripts", name="reconciler")
    assert declared.value == "reconciler.cli:entrypoint", declared.value
    script = Path(sys.executable).parent / "reconciler"
    assert script.is_file(), f"{script} is missing: run scripts/bootstrap"
    return script
