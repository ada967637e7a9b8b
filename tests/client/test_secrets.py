"""The keys never appear in logs, errors, reprs or output, whatever goes wrong during a run."""

from __future__ import annotations

import asyncio
import base64
import logging
import traceback
from collections.abc import Awaitable
from decimal import Decimal

import pytest

from reconciler.errors import (
    ApiValidationError,
    AuthError,
    NotFoundError,
    RateLimitedError,
    ReconcilerError,
    ServerError,
    TransportError,
)
from reconciler.trackdrive import Account, TrackDriveClient, build_http_client
from tests.client.helpers import FAST, connect, refused_port
from tests.support.sandbox_server import MakeSandbox, frozen_clock

pytestmark = pytest.mark.anyio

PUBLIC = "pk-LEAKCHECK-3f9a1c"
PRIVATE = "sk-LEAKCHECK-77b2e4"
WRONG = "sk-WRONGKEY-5d0c88"


def _basic(public: str, private: str) -> str:
    return base64.b64encode(f"{public}:{private}".encode()).decode()


async def test_no_key_appears_in_anything_a_faulty_run_produces(
    make_sandbox: MakeSandbox,
    caplog: pytest.LogCaptureFixture,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """Over a run with 5xx, 429s, lost answers and refusals, no key or auth header leaks."""
    caplog.set_level(logging.DEBUG)  # every logger, httpx and httpcore included
    sandbox = make_sandbox(
        public_key=PUBLIC,
        private_key=PRIVATE,
        seed="60",
        error_rate=0.2,
        drop_after_commit_rate=0.3,
        seed_rng=5,
        clock=frozen_clock(),  # the rate limit switched on below never refills
    )
    errors: list[BaseException] = []
    texts: list[str] = []

    async def expect_error(call: Awaitable[object]) -> None:
        try:
            await call
        except ReconcilerError as exc:
            errors.append(exc)
        else:
            pytest.fail("the call should have failed")

    async with connect(sandbox, retry_attempts=8) as client:
        texts += [repr(client), str(client)]
        await client.list_schedules()
        created = await asyncio.gather(
            *(
                client.create_schedule({"name": f"Leak {i}", "sortable_order": Decimal(i)})
                for i in range(4)
            )
        )
        await client.update_schedule(created[0].id, {"paused": True})
        await client.delete_schedule(created[1].id)
        await expect_error(client.get_schedule(424242))
        await expect_error(client.update_schedule(created[2].id, {"sortable_order": "x"}))
        # A rate limit of one token that never refills (frozen clock), spent by another
        # client: every attempt of the next request meets a 429 with a Retry-After.
        sandbox.set_faults(rate_limit_rps=1)
        with sandbox.client() as other:
            assert other.get("/api/v1/schedules/new").status_code in {200, 500, 502, 503}
        await expect_error(client.get_schedule(created[3].id))
        texts.append(repr(client.stats))
    throttled = sandbox.stats()["throttled"]
    # No 5xx now: the sandbox injects them before it checks the keys, and this call must reach
    # the check, so that the error holding the wrong key's account is an AuthError.
    sandbox.set_faults(rate_limit_rps=None, error_rate=0.0)
    async with connect(sandbox, private_key=WRONG, retry_attempts=2) as wrong:
        await expect_error(wrong.list_schedules())
    sandbox.set_faults(error_rate=1.0)
    async with connect(sandbox, retry_attempts=2) as failing:
        await expect_error(failing.create_schedule({"name": "Never"}))
    with refused_port() as port:
        account = Account(f"http://127.0.0.1:{port}", PUBLIC, PRIVATE)
        async with build_http_client(account, timeout=1.0) as http:
            texts += [repr(account), str(account), repr(http)]
            unreachable = TrackDriveClient(http, retry_attempts=2, backoff=FAST)
            await expect_error(unreachable.get_schedule(1))

    # Every failing path ran, each ending in the error it should (so each message was checked).
    assert [type(error) for error in errors] == [
        NotFoundError,
        ApiValidationError,
        RateLimitedError,
        AuthError,
        ServerError,
        TransportError,
    ]
    for error in errors:
        texts += [str(error), repr(error), str(getattr(error, "hint", ""))]
        texts.append("".join(traceback.format_exception(error)))
    for record in caplog.records:
        texts += [record.getMessage(), repr(record.__dict__)]
    texts.append(caplog.text)
    captured = capsys.readouterr()
    texts += [captured.out, captured.err]
    everything = "\n".join(texts)

    assert "stamina.retry_scheduled" in everything  # the faults did cause retries
    assert throttled > 0  # among them 429s, whose Retry-After the client heeded
    for secret in (PUBLIC, PRIVATE, WRONG, _basic(PUBLIC, PRIVATE), _basic(PUBLIC, WRONG)):
        assert secret not in everything
