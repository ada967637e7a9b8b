"""One command over several accounts at once: each its own target, client and rate limit.

``targets_for`` turns the accounts of ``accounts.yaml`` into one ``AccountRun`` each (its
layers, config and ``Target``; with ``--sandbox`` its own practice database).
``run_accounts`` runs an async job per account, at most ``limit`` at a time, and keeps every
account's result or error: one account failing never hides the others. ``worst_exit`` folds
their exit codes, error first (1, or 130 for an interrupt), then changes (2), then none (0).
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Generic, TypeVar

from reconciler.accounts import AccountLayout
from reconciler.connect import Target
from reconciler.errors import ReconcilerError

__all__ = [
    "AccountRun",
    "Outcome",
    "run_accounts",
    "run_for",
    "sandbox_db_for",
    "target_for",
    "worst_exit",
]

T = TypeVar("T")

EXIT_OK = 0
EXIT_ERROR = 1
EXIT_CHANGES = 2


@dataclass(frozen=True, slots=True)
class AccountRun:
    """What one account's run reads and talks to. ``key`` is None without accounts.yaml."""

    key: str | None
    layers: tuple[Path, ...]
    config: Path | None
    target: Target
    #: Where it points, for reports (readable even when its keys are missing).
    where: str = ""


@dataclass(frozen=True, slots=True)
class Outcome(Generic[T]):
    """One account's result, or the error that stopped it (never both)."""

    run: AccountRun
    result: T | None = None
    error: ReconcilerError | None = None


def sandbox_db_for(key: str, default: Path) -> Path:
    """An account's own practice database: ``accounts/<key>/`` beside the default one."""
    return default.parent / "accounts" / key / default.name


def target_for(layout: AccountLayout, base: Target) -> Target:
    """``base`` (tuning, sandbox choice) pointed at ``layout``'s account and key variables."""
    if base.sandbox:
        return replace(base, sandbox_db=sandbox_db_for(layout.key, base.sandbox_db))
    return replace(
        base,
        api_url=layout.api_url,
        subdomain=layout.subdomain,
        public_key_env=layout.public_key_env,
        private_key_env=layout.private_key_env,
    )


def run_for(layout: AccountLayout, base: Target) -> AccountRun:
    """The run of one account from ``accounts.yaml``."""
    target = target_for(layout, base)
    where = f"local sandbox ({target.sandbox_db})" if target.sandbox else layout.base_url
    return AccountRun(
        key=layout.key, layers=layout.layers, config=layout.config, target=target, where=where
    )


async def run_accounts(
    runs: Sequence[AccountRun],
    job: Callable[[AccountRun], Awaitable[T]],
    *,
    limit: int,
) -> list[Outcome[T]]:
    """``job`` for every run, ``limit`` at a time; outcomes in the order of ``runs``."""
    gate = asyncio.Semaphore(max(1, limit))

    async def one(run: AccountRun) -> Outcome[T]:
        async with gate:
            try:
                return Outcome(run, result=await job(run))
            except ReconcilerError as error:
                return Outcome(run, error=error)
            except OSError as error:
                where = f"{error.filename}: " if error.filename else ""
                return Outcome(run, error=ReconcilerError(f"{where}{error.strerror or error}"))

    return list(await asyncio.gather(*(one(run) for run in runs)))


def worst_exit(codes: Iterable[int]) -> int:
    """The most severe exit code: an error (1, 130, …; the first one) beats changes (2), which
    beat none (0)."""
    seen = list(codes)
    for code in seen:
        if code not in (EXIT_OK, EXIT_CHANGES):
            return code
    return EXIT_CHANGES if EXIT_CHANGES in seen else EXIT_OK
