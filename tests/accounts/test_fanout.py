"""Running one job per account: bounded, every outcome kept, exit code the worst."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from reconciler.accounts import load_accounts
from reconciler.connect import Target
from reconciler.errors import AuthError, ReconcilerError
from reconciler.fanout import AccountRun, run_accounts, run_for, target_for, worst_exit
from tests.core._scenarios import FIXTURES

TWO_ACCOUNTS = FIXTURES / "accounts" / "valid-two-accounts"


@pytest.mark.parametrize(
    ("codes", "worst"),
    [
        ([], 0),
        ([0, 0], 0),
        ([0, 2, 0], 2),
        ([2, 1, 0], 1),
        ([0, 130, 2], 130),
        ([1, 130], 1),
    ],
)
def test_the_worst_exit_code_is_error_then_changes_then_none(codes: list[int], worst: int) -> None:
    """Any error code beats 2 (changes), which beats 0; the first error wins among errors."""
    assert worst_exit(codes) == worst


def _runs(*keys: str) -> list[AccountRun]:
    return [AccountRun(key=k, layers=(), config=None, target=Target()) for k in keys]


def test_one_account_failing_keeps_the_others_results() -> None:
    """An account whose job raises is reported with its error; the others keep their results."""

    async def job(run: AccountRun) -> str:
        if run.key == "b":
            raise AuthError("bad keys", method="GET", path="/api/v1/schedules", status=401)
        return f"planned {run.key}"

    outcomes = asyncio.run(run_accounts(_runs("a", "b", "c"), job, limit=2))
    assert [(o.run.key, o.result) for o in outcomes] == [
        ("a", "planned a"),
        ("b", None),
        ("c", "planned c"),
    ]
    error = outcomes[1].error
    assert isinstance(error, ReconcilerError)
    assert error.message == "GET /api/v1/schedules answered 401: bad keys"


def test_an_unreadable_file_is_that_accounts_error() -> None:
    """An OSError in one account's job becomes its one-line error, not a crash of the run."""

    async def job(run: AccountRun) -> str:
        raise FileNotFoundError(2, "No such file or directory", f"{run.key}/schedules.d")

    (outcome,) = asyncio.run(run_accounts(_runs("a"), job, limit=1))
    assert outcome.error is not None
    assert outcome.error.message == "a/schedules.d: No such file or directory"


def test_no_more_than_limit_accounts_run_at_once() -> None:
    """With limit=2, a third account starts only after one of the first two has finished."""
    running = 0
    peak = 0
    release = asyncio.Event()

    async def job(run: AccountRun) -> None:
        nonlocal running, peak
        running += 1
        peak = max(peak, running)
        if running == 2:
            release.set()
        await release.wait()
        running -= 1

    # The timeout only turns a broken limit of 1 (a deadlock here) into a failure.
    runs = run_accounts(_runs("a", "b", "c", "d", "e"), job, limit=2)
    asyncio.run(asyncio.wait_for(runs, timeout=60))
    assert peak == 2


def test_each_account_gets_its_own_url_and_key_variables() -> None:
    """An account's target carries its URL and its key variable names, and keeps the tuning."""
    prod, staging = load_accounts(TWO_ACCOUNTS / "accounts.yaml").accounts
    base = Target(concurrency=4, max_rps=5.0)
    assert target_for(prod, base) == Target(
        subdomain="acme",
        concurrency=4,
        max_rps=5.0,
        public_key_env="TRACKDRIVE_ACME_PROD_PUBLIC_KEY",
        private_key_env="TRACKDRIVE_ACME_PROD_PRIVATE_KEY",
    )
    assert target_for(staging, base).api_url == "https://staging.example.com"


def test_each_account_gets_its_own_sandbox_database() -> None:
    """With --sandbox, every account has its own practice database under accounts/<key>/."""
    prod, staging = load_accounts(TWO_ACCOUNTS / "accounts.yaml").accounts
    base = Target(sandbox=True, sandbox_db=Path(".reconciler/sandbox.sqlite3"))
    assert target_for(prod, base).sandbox_db == Path(
        ".reconciler/accounts/acme-prod/sandbox.sqlite3"
    )
    assert target_for(staging, base).sandbox_db == Path(
        ".reconciler/accounts/acme-staging/sandbox.sqlite3"
    )


def test_a_run_reads_the_accounts_layers_and_config() -> None:
    """An account's run reads its shared directories, then its own specs, and its config."""
    prod = load_accounts(TWO_ACCOUNTS / "accounts.yaml").get("acme-prod")
    run = run_for(prod, Target())
    assert run.key == "acme-prod"
    assert run.layers == (
        TWO_ACCOUNTS / "shared" / "schedules.d",
        TWO_ACCOUNTS / "acme-prod" / "schedules.d",
    )
    assert run.config == TWO_ACCOUNTS / "acme-prod" / "reconciler.yaml"
