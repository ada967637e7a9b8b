"""Writing files only inside the directory the user named, and never through a symlink.

``import`` writes new spec files into ``--out``; ``import --adopt`` rewrites spec files in
``--specs``. A spec tree comes from a pull request, so a file there may be a symlink (dangling,
or to ``~/.bashrc``): following it would write outside the tree. Every such write goes through
``write_inside``, which opens the path with ``O_NOFOLLOW`` and refuses a path whose directory
leaves the root.
"""

from __future__ import annotations

import errno
import os
from pathlib import Path

from reconciler.errors import ReconcilerError

__all__ = ["UnsafeWriteError", "write_inside"]


class UnsafeWriteError(ReconcilerError):
    """A write that would leave the named directory or follow a symlink; nothing was written."""


def write_inside(root: Path, path: Path, text: str, *, new: bool) -> None:
    """Write ``text`` to ``path`` under ``root``: a new file (``new``) or one replaced in place."""
    try:
        inside = path.parent.resolve().is_relative_to(root.resolve())
    except (OSError, RuntimeError):
        inside = False
    if not inside:
        raise UnsafeWriteError(
            f"refusing to write {path}: it is outside {root}",
            hint="spec files must live in the directory given to the command",
        )
    flags = os.O_WRONLY | os.O_CREAT | getattr(os, "O_NOFOLLOW", 0)
    flags |= os.O_EXCL if new else os.O_TRUNC
    try:
        descriptor = os.open(path, flags, 0o644)
    except OSError as exc:
        if exc.errno == errno.ELOOP or (exc.errno == errno.EEXIST and path.is_symlink()):
            raise UnsafeWriteError(
                f"refusing to write {path}: it is a symbolic link",
                hint="replace the link with the file itself, or remove it",
            ) from None
        if exc.errno == errno.EEXIST:
            raise UnsafeWriteError(
                f"refusing to write {path}: it already exists",
                hint="choose an empty --out directory",
            ) from None
        raise
    with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
        handle.write(text)
