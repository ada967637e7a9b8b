"""A spec file is checked before it is read and before YAML sees it: where, how big, how deep.

A pull request controls the spec files: a symlink could point at ``/etc/passwd`` or a secrets
file (whose lines would then be echoed in errors), a huge file exhausts the validator, a deep
one crashes the YAML C composer. This is the loader's only way in to a file's bytes.
"""

from __future__ import annotations

import os
from pathlib import Path

from reconciler.errors import Issue
from reconciler.inputlimits import InputLimits, size_issue, yaml_depth_issue
from reconciler.location import Location

__all__ = ["check_depth", "read_guarded"]


def read_guarded(
    path: Path, root: Path | None, limits: InputLimits, issues: list[Issue]
) -> bytes | None:
    """The file's bytes, or ``None`` with an issue: outside ``root``, too big, unreadable."""
    where = Location(str(path), 1, 1)
    if root is not None and not _inside(path, root):
        issues.append(
            Issue(
                f"the file is a symbolic link leading outside {str(root)!r}, so it is not read; "
                "spec files must live in the specs directory",
                where,
            )
        )
        return None
    try:
        with path.open("rb") as handle:
            size = os.fstat(handle.fileno()).st_size
            too_big = size_issue(size, str(path), limits)
            if too_big is None:
                data = handle.read(limits.max_file_bytes + 1)
                too_big = size_issue(len(data), str(path), limits)  # it grew while read
    except OSError as exc:
        issues.append(Issue(f"cannot read the file: {exc.strerror or exc}", where))
        return None
    if too_big is not None:
        issues.append(too_big)
        return None
    return data


def check_depth(text: str, file: str, limits: InputLimits, issues: list[Issue]) -> bool:
    """Whether ``text`` nests no deeper than the limit; if it does, the issue says where."""
    too_deep = yaml_depth_issue(text, file, limits)
    if too_deep is not None:
        issues.append(too_deep)
    return too_deep is None


def _inside(path: Path, root: Path) -> bool:
    try:
        return path.resolve().is_relative_to(root.resolve())
    except (OSError, RuntimeError):  # a symlink loop resolves to nowhere
        return False
