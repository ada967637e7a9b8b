"""Fixtures of the apply tests: no retry ever sleeps; the CLI tests' ``account`` and ``specs_dir``.

``account`` (the HTTP sandbox, keys in the environment), ``specs_dir`` (a copy of the example
specs) and ``applied`` (the account with them applied) are the ones in ``tests/cli/conftest.py``,
imported so pytest finds them here.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import stamina

from tests.apply.scenario import FAULT_SEED
from tests.cli.conftest import account, applied, specs_dir
from tests.support.account import use_account
from tests.support.sandbox_server import MakeSandbox, RunningSandbox, counting_clock

__all__ = ["account", "applied", "faulty_account", "no_waits", "specs_dir"]


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

    The rate limit's bucket runs on a clock that moves a fixed step per request, never on the
    wall clock: a 2 rps bucket then refills 0.9 of a token per request, so after its first ten
    requests about one in ten is throttled whatever the machine's speed, and it never stalls
    (apply's client waits the Retry-After in real time and learns a rate from the 429s).
    """
    return use_account(make_sandbox(seed_rng=FAULT_SEED, clock=counting_clock(0.45)), monkeypatch)
