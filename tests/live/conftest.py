"""Contract suite fixtures: every test runs on the sandbox, and with --live on the real account.

``live_account`` is parametrized: ``sandbox`` always runs (in CI too), so the contract tests are
known to work the day someone runs them with credentials; ``live`` carries the ``live``
marker, skipped unless ``pytest --live`` is given with the TRACKDRIVE_* variables.
"""

from __future__ import annotations

import os
from collections.abc import AsyncIterator, Iterator

import httpx
import pytest

from reconciler.errors import CredentialsError
from reconciler.trackdrive import Account, TrackDriveClient, build_http_client, resolve_account
from tests.support.sandbox_server import SandboxPool


@pytest.fixture
def anyio_backend() -> str:
    """Run the async tests on asyncio, the loop the CLI uses."""
    return "asyncio"


@pytest.fixture(params=["sandbox", pytest.param("live", marks=pytest.mark.live)])
def live_account(request: pytest.FixtureRequest, sandbox_pool: SandboxPool) -> Iterator[Account]:
    """The account under test: a seeded sandbox, or the one the TRACKDRIVE_* variables name."""
    if request.param == "sandbox":
        # 60 schedules: more than one page at TrackDrive's default page size of 25.
        with sandbox_pool.sandbox(seed="60") as running:
            yield Account(running.base_url, *running.auth)
        return
    try:
        yield resolve_account(api_url=None, subdomain=None, env=os.environ)
    except CredentialsError as exc:
        pytest.skip(f"--live needs a TrackDrive account: {exc}")


@pytest.fixture
async def live_http(live_account: Account) -> AsyncIterator[httpx.AsyncClient]:
    """A raw client on the account under test, to look at the answers' shapes."""
    async with build_http_client(live_account) as http:
        yield http


@pytest.fixture
def live_client(live_http: httpx.AsyncClient) -> TrackDriveClient:
    """The client on the account under test, gentle: two requests at a time, two a second."""
    return TrackDriveClient(live_http, concurrency=2, max_rps=2.0)
