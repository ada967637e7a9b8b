"""Fixtures of the apply tests: no retry ever sleeps; the CLI tests' ``account`` and ``specs_dir``.

``account`` (the HTTP sandbox, keys in the environment) and ``specs_dir`` (a copy of the
example specs) are the ones in ``tests/cli/conftest.py``, imported so pytest finds them here.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import stamina

from tests.apply.scenario import FAULT_SEED
from tests.cli.conftest import account, specs_dir
from tests.support.sandbox_server import MakeSandbox, RunningSandbox

__all__ = ["account", "faulty_account", "no_waits", "specs_dir"]


@pytest.fixture(autouse=True)
def no_waits() -> Iterator[None]:
    """stamina's test mode: retries keep their count (5, as in production) but never sleep.

    The client's own waits (the POST path's backoff, and the pause a 429's Retry-After puts on
    every request of the run) go through ``Backoff.delay``, which is zero in this mode too.
    """
    with stamina.set_testing(True, attempts=5, cap=True):
        yield


@pytest.fixture
def faulty_account(make_sandbox: MakeSandbox, monkeypatch: pytest.MonkeyPatch) -> RunningSandbox:
    """Like ``account``, on a sandbox whose random faults are seeded (all off until set).

    The rate limit keeps the wall clock: apply's own client learns a rate from 429s and
    waits in real time, so a bucket that never refilled would stall it.
    """
    sandbox = make_sandbox(seed_rng=FAULT_SEED)
    monkeypatch.setenv("TRACKDRIVE_API_URL", sandbox.base_url)
    monkeypatch.setenv("TRACKDRIVE_PUBLIC_KEY", sandbox.config.public_key)
    monkeypatch.setenv("TRACKDRIVE_PRIVATE_KEY", sandbox.config.private_key)
    monkeypatch.delenv("TRACKDRIVE_SUBDOMAIN", raising=False)
    return sandbox
