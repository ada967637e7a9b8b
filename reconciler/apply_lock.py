"""One apply per account on one machine: an exclusive file lock, and who holds it.

An edge module (file I/O), used by the CLI's apply. The lock is ``filelock``'s (an OS lock on
a file, released by the OS if the holder dies), one file per account in a directory every
user of the machine shares; beside it, a small JSON sidecar names the holder's pid and start
time so a refused apply can say who is in the way. Across machines nothing here helps: the
CI concurrency group is the lock there (docs/gitops.md).
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Final

import filelock

from reconciler.errors import ApplyLockedError

__all__ = ["ENV_LOCK_DIR", "account_lock", "lock_files"]

#: Overrides the directory of the lock files (tests; machines whose temp dir is per user).
ENV_LOCK_DIR: Final = "RECONCILER_LOCK_DIR"
_DEFAULT_DIR: Final = "trackdrive-reconciler-locks"


def lock_files(account: str, env: Mapping[str, str]) -> tuple[Path, Path]:
    """The lock file and its holder sidecar for ``account`` (a base URL or sandbox path)."""
    directory = Path(env.get(ENV_LOCK_DIR) or Path(tempfile.gettempdir()) / _DEFAULT_DIR)
    # A digest: an account URL is no file name, and the same account always maps to one file.
    key = hashlib.sha256(account.encode()).hexdigest()[:24]
    return directory / f"{key}.lock", directory / f"{key}.holder.json"


@contextmanager
def account_lock(account: str, *, timeout: float, env: Mapping[str, str]) -> Iterator[None]:
    """Hold the apply lock of ``account``; wait up to ``timeout`` s (0: refuse at once).

    Raises ApplyLockedError naming the holder's pid and start time when it cannot be taken.
    """
    lock_path, holder_path = lock_files(account, env)
    lock_path.parent.mkdir(parents=True, exist_ok=True)
    lock = filelock.FileLock(lock_path, timeout=timeout, thread_local=False)
    try:
        lock.acquire()
    except filelock.Timeout:
        raise ApplyLockedError(
            f"another apply to {account} is running ({_holder(holder_path)})",
            hint="wait for it to finish, or pass --lock-timeout SECONDS to wait here",
        ) from None
    try:
        holder = {
            "pid": os.getpid(),
            "started": datetime.now(UTC).isoformat(timespec="seconds"),
            "account": account,
        }
        holder_path.write_text(json.dumps(holder) + "\n", encoding="utf-8")
        yield
    finally:
        holder_path.unlink(missing_ok=True)
        lock.release()


def _holder(path: Path) -> str:
    """'pid 123, started 2026-11-30T23:40:00+00:00' from the sidecar, or why it is unknown."""
    try:
        holder = json.loads(path.read_text(encoding="utf-8")[:4096])
        pid = int(holder["pid"])
        started = str(holder["started"])[:40]
    except (OSError, ValueError, KeyError, TypeError):
        return "its pid and start time are not recorded yet"
    return f"pid {pid}, started {started}"
