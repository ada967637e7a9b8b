"""The httpx client every request to an account goes through: base URL, auth, User-Agent."""

from __future__ import annotations

from typing import Final

import httpx

from reconciler.__about__ import __version__
from reconciler.trackdrive import assumptions
from reconciler.trackdrive.account import Account

__all__ = ["USER_AGENT", "build_http_client"]

USER_AGENT: Final = f"trackdrive-reconciler/{__version__}"


def build_http_client(
    account: Account,
    *,
    timeout: float = 30.0,
    transport: httpx.AsyncBaseTransport | None = None,
) -> httpx.AsyncClient:
    """An AsyncClient for ``account`` (Basic auth, User-Agent, JSON); opens no connection.

    ``transport`` replaces the network, e.g. ``httpx.ASGITransport(app=...)`` for the
    in-process sandbox. Redirects are not followed (``assumptions.FOLLOW_REDIRECTS``): one
    means a wrong account URL (a login page), which the client reports as such.
    """
    return httpx.AsyncClient(
        base_url=account.base_url,
        auth=httpx.BasicAuth(account.public_key, account.private_key),
        headers={"User-Agent": USER_AGENT, "Accept": "application/json"},
        timeout=httpx.Timeout(timeout),
        transport=transport,
        follow_redirects=assumptions.FOLLOW_REDIRECTS,
    )
