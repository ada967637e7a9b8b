"""Which API a command talks to: a TrackDrive account, or the local sandbox in-process.

``--sandbox`` runs the sandbox app inside this process (no port, no server) over a state file,
``.reconciler/sandbox.sqlite3`` by default, so ``plan`` then ``apply`` then ``plan`` see the
same practice account. A new state file starts as the sandbox's demo account: ~40 believable
schedules, some of them drifted from the example specs, so a first plan has something to show.
"""

from __future__ import annotations

import functools
from collections.abc import AsyncIterator, Callable, Mapping
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx

from reconciler.errors import MissingExtraError
from reconciler.sandbox.config import SandboxConfig
from reconciler.trackdrive import (
    ENV_PRIVATE_KEY,
    ENV_PUBLIC_KEY,
    Account,
    Bounds,
    RetryNotice,
    TrackDriveClient,
    build_http_client,
    resolve_account,
)
from reconciler.trackdrive.bounds import (
    DEFAULT_DEADLINE_S,
    DEFAULT_MAX_BODY_MB,
    DEFAULT_MAX_PAGES,
)

__all__ = ["DEFAULT_SANDBOX_DB", "Target", "open_client"]

DEFAULT_SANDBOX_DB = Path(".reconciler/sandbox.sqlite3")
_SANDBOX_URL = "http://sandbox.invalid"


@dataclass(frozen=True, slots=True)
class Target:
    """What the user chose on the command line."""

    api_url: str | None = None
    subdomain: str | None = None
    sandbox: bool = False
    sandbox_db: Path = DEFAULT_SANDBOX_DB
    concurrency: int = 8
    max_rps: float | None = None
    timeout: float = 30.0
    deadline: float | None = DEFAULT_DEADLINE_S
    max_pages: int = DEFAULT_MAX_PAGES
    max_body_mb: float = DEFAULT_MAX_BODY_MB
    # The variables holding the keys: an account in accounts.yaml names its own.
    public_key_env: str = ENV_PUBLIC_KEY
    private_key_env: str = ENV_PRIVATE_KEY

    def account(self, env: Mapping[str, str]) -> Account:
        """The TrackDrive account and its keys (not for the sandbox)."""
        return resolve_account(
            api_url=self.api_url,
            subdomain=self.subdomain,
            env=env,
            public_key_env=self.public_key_env,
            private_key_env=self.private_key_env,
        )

    def bounds(self) -> Bounds:
        """The client's bounds on what the server controls, from the options."""
        return Bounds(
            timeout_s=self.timeout,
            deadline_s=self.deadline,
            max_pages=self.max_pages,
            max_body_bytes=int(self.max_body_mb * 1024 * 1024),
        )

    def lock_key(self, env: Mapping[str, str]) -> str:
        """What identifies the account for the apply lock: its base URL, or the sandbox file."""
        if self.sandbox:
            return f"sandbox:{self.sandbox_db.resolve()}"
        return self.account(env).base_url

    def describe(self, env: Mapping[str, str]) -> str:
        """Where the command is pointed, for the first line of its output (no secrets)."""
        if self.sandbox:
            return f"local sandbox ({self.sandbox_db})"
        return self.account(env).base_url


@asynccontextmanager
async def open_client(
    target: Target,
    env: Mapping[str, str],
    *,
    on_retry: Callable[[RetryNotice], None] | None = None,
) -> AsyncIterator[TrackDriveClient]:
    """A ready client for ``target``; closes its connections on exit.

    ``on_retry`` hears of each retry before its wait (the CLI prints one line for it).
    """
    client = functools.partial(
        TrackDriveClient,
        concurrency=target.concurrency,
        max_rps=target.max_rps,
        bounds=target.bounds(),
        on_retry=on_retry,
    )
    if not target.sandbox:
        account = target.account(env)
        async with build_http_client(account, timeout=target.timeout) as http:
            yield client(http)
        return
    try:
        from reconciler.sandbox.app import create_app  # noqa: PLC0415 (optional extra)
    except ImportError:
        raise MissingExtraError(
            "--sandbox needs the sandbox extra (starlette, uvicorn), which is not installed",
            hint="pip install 'trackdrive-reconciler[sandbox]'",
        ) from None
    target.sandbox_db.parent.mkdir(parents=True, exist_ok=True)
    config = SandboxConfig(db_path=str(target.sandbox_db), seed="demo")
    app = create_app(config)
    account = Account(_SANDBOX_URL, config.public_key, config.private_key)
    transport = httpx.ASGITransport(app=app)
    try:
        async with build_http_client(account, timeout=target.timeout, transport=transport) as http:
            yield client(http)
    finally:
        app.state.sandbox.close()
