"""The steps a command test takes before its claim: apply, save a plan, edit a spec file.

Each step asserts that it did what it says (the command exited 0, the text to replace was
there exactly once), so a set-up that silently did nothing cannot make a test pass.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from reconciler.cli import main

__all__ = [
    "apply_saved",
    "apply_specs",
    "copy_specs",
    "pin_rename",
    "plan_to",
    "replace_in",
    "write_config",
]


def apply_specs(specs: Path, *extra: str) -> None:
    """``reconciler apply --specs SPECS --auto-approve [EXTRA]``, which must exit 0."""
    assert main(["apply", "--specs", str(specs), "--auto-approve", *extra]) == 0


def plan_to(specs: Path, out: Path, *extra: str) -> None:
    """``reconciler plan --specs SPECS --out OUT [EXTRA]`` (a saved plan), which must exit 0."""
    assert main(["plan", "--specs", str(specs), "--out", str(out), *extra]) == 0


def apply_saved(plan_file: Path, specs: Path, *extra: str) -> int:
    """``reconciler apply PLAN_FILE --specs SPECS [EXTRA]``: its exit code (the step under test)."""
    return main(["apply", str(plan_file), "--specs", str(specs), *extra])


def replace_in(path: Path, old: str, new: str) -> None:
    """Replace the one occurrence of ``old`` in the file with ``new``."""
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, f"{old!r} is in {path.name} {text.count(old)} times, not once"
    path.write_text(text.replace(old, new), encoding="utf-8")


def pin_rename(path: Path, old_name: str, new_name: str, schedule_id: int) -> None:
    """Rename the spec ``old_name`` in the file to ``new_name``, pinned to ``schedule_id``."""
    replace_in(path, f"  - name: {old_name}\n", f"  - name: {new_name}\n    id: {schedule_id}\n")


def copy_specs(source: Path, target: Path) -> Path:
    """A copy of the spec directory ``source`` at ``target`` (which must not exist yet)."""
    shutil.copytree(source, target)
    return target


def write_config(directory: Path, text: str) -> Path:
    """``directory/reconciler.yaml`` holding ``text``."""
    config = directory / "reconciler.yaml"
    config.write_text(text, encoding="utf-8")
    return config
