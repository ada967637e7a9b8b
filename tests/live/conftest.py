"""Fixtures of the contract suite: the real account from TRACKDRIVE_*, or a skip."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator

import httpx
import pytest

from reconciler.errors import CredentialsError
from reconciler.trackdrive import Account, TrackDriveClient, build_http_client, resolve_account


@pytest.fixture
def anyio_backend() -> str:
    """Run the async tests on asyncio, the loop the CLI uses."""
    return "asyncio"


@pytest.fixture
def live_account() -> Account:
    """The account named by the TRACKDRIVE_* variables; the test is skipped without them."""
    try:
        return resolve_account(api_url=None, subdomain=None, env=os.environ)
    except CredentialsError as exc:
        pytest.skip(f"--live needs a TrackDrive account: {exc}")


@pytest.fixture
async def live_http(live_account: Account) -> AsyncIterator[httpx.AsyncClient]:
    """A raw client on the real account, to look at the answers' shapes."""
    async with build_http_client(live_account) as http:
        yield http


@pytest.fixture
def live_client(live_http: httpx.AsyncClient) -> TrackDriveClient:
    """The client on the real account, gentle: two requests at a time, two a second."""
    return TrackDriveClient(live_http, concurrency=2, max_rps=2.0)
