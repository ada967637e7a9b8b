"""Real sandbox servers for tests: uvicorn in background threads on 127.0.0.1.

``running_sandbox(**overrides)`` starts a server on a free port, waits until it answers, yields a
``RunningSandbox`` (its ``base_url``, ``config`` and helpers over the sandbox-only routes) and
stops the server cleanly on exit.

Starting and stopping uvicorn costs ~0.2 s (its shutdown sleeps), so the fixtures use a
``SandboxPool`` instead: servers that stay up for the session, each serving whichever fresh
sandbox app (new database, clock, stats and faults) a test mounts on it. A test sees exactly what
``running_sandbox`` would give it, on a real socket, without the wait.
"""

from __future__ import annotations

import dataclasses
import itertools
import threading
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from typing import Any

import httpx

from reconciler.sandbox import SandboxConfig, create_app
from reconciler.sandbox.clock import SandboxClock
from reconciler.sandbox.faults import quiet_dropped_responses
from tests.support.asgi_server import Slot, ThreadedServer
from tests.support.gates import WriteGate

__all__ = [
    "POST_FIELDS",
    "MakeSandbox",
    "RunningSandbox",
    "SandboxPool",
    "counting_clock",
    "frozen_clock",
    "running_sandbox",
]

#: What ``POST /api/v1/schedules`` accepts; ``seed_schedules`` PUTs every other field.
POST_FIELDS = ("name", "offer_id", "description", "paused")


def http_client(base_url: str, **kwargs: Any) -> httpx.Client:
    """An ``httpx.Client`` for plain HTTP on 127.0.0.1.

    ``verify=False`` only skips building a CA store (~50-100 ms per client): there is no TLS.
    """
    kwargs.setdefault("timeout", 10.0)
    return httpx.Client(base_url=base_url, verify=False, **kwargs)


def frozen_clock() -> SandboxClock:
    """A sandbox clock whose rate-limit time stands still until a test advances it.

    With it a bucket of ``rate_limit_rps`` N holds max(1, N) tokens that never refill on their
    own: the N+1-th request is throttled however slowly the test runs, and ``clock.advance``
    (or ``RunningSandbox.advance_clock``) refills it.
    """
    return SandboxClock(ticks=lambda: 0.0)


def counting_clock(step: float) -> SandboxClock:
    """A sandbox clock whose rate-limit time moves ``step`` seconds each time it is read.

    The bucket reads it once per API request, so with ``rate_limit_rps`` R each request refills
    ``R * step`` tokens: which share of requests is throttled follows from their count alone,
    however fast or slow the machine runs them, and the bucket never stalls for good.
    """
    ticks = itertools.count()
    return SandboxClock(ticks=lambda: next(ticks) * step)


@dataclass
class RunningSandbox:
    """A sandbox answering on ``base_url`` (``http://127.0.0.1:PORT``) with ``config``.

    ``clock`` is the app's own clock, in this process, for tests that move time from inside a
    transport or a thread; ``hold_writes()`` parks API writes at the server's door.
    """

    base_url: str
    config: SandboxConfig
    clock: SandboxClock
    _http: httpx.Client = field(repr=False, compare=False)
    _slot: Slot = field(repr=False, compare=False)

    @contextmanager
    def hold_writes(
        self, *, let_through: int = 0, read_body_first: bool = False
    ) -> Iterator[WriteGate]:
        """Park every API write after the first ``let_through`` until ``gate.release()``.

        The gate is released on exit (and the held writes are waited for), so nothing is left
        blocked inside the server.
        """
        app = self._slot.app
        assert app is not None
        gate = WriteGate(app, let_through=let_through, read_body_first=read_body_first)
        self._slot.app = gate
        try:
            yield gate
        finally:
            gate.release()
            gate.wait_until_settled()
            self._slot.app = app

    @property
    def auth(self) -> tuple[str, str]:
        """The Basic-auth pair the sandbox accepts."""
        return (self.config.public_key, self.config.private_key)

    def client(self, **kwargs: Any) -> httpx.Client:
        """A new ``httpx.Client`` on ``base_url`` with the sandbox's credentials (close it)."""
        kwargs.setdefault("auth", self.auth)
        return http_client(self.base_url, **kwargs)

    def _control(self, method: str, path: str, **kwargs: Any) -> Any:
        response = self._http.request(method, path, **kwargs)
        response.raise_for_status()
        return response.json()

    def stats(self) -> dict[str, Any]:
        """``GET /_sandbox/stats``: request counts since the last reset."""
        stats: dict[str, Any] = self._control("GET", "/_sandbox/stats")
        return stats

    def set_faults(self, **switches: Any) -> None:
        """``PUT /_sandbox/faults``: change latency_ms, rate_limit_rps, error_rate, … now."""
        self._control("PUT", "/_sandbox/faults", json=switches)

    def reset(self, data: bool = False) -> None:
        """``POST /_sandbox/reset``: zero the stats (and with ``data`` delete every schedule)."""
        self._control("POST", "/_sandbox/reset", params={"data": "true" if data else "false"})

    def advance_clock(self, seconds: float) -> None:
        """``POST /_sandbox/clock``: move the sandbox's time forward (e.g. past a guard)."""
        self._control("POST", "/_sandbox/clock", json={"advance_seconds": seconds})

    def seed_schedules(self, records: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """Create each record through the API (POST, then PUT for the other fields).

        Returns the records as the API shows them afterwards. Needs faults switched off.
        """
        created: list[dict[str, Any]] = []
        with self.client() as client:
            for record in records:
                first = {key: value for key, value in record.items() if key in POST_FIELDS}
                rest = {key: value for key, value in record.items() if key not in POST_FIELDS}
                response = client.post("/api/v1/schedules", json=first)
                response.raise_for_status()
                shown: dict[str, Any] = response.json()["schedule"]
                if rest:
                    response = client.put(f"/api/v1/schedules/{shown['id']}", json=rest)
                    response.raise_for_status()
                    shown = response.json()["schedule"]
                created.append(shown)
        return created


class _Host:
    """One threaded server on a free 127.0.0.1 port, serving whichever sandbox is mounted."""

    def __init__(self) -> None:
        self.slot = Slot("sandbox")
        self._server = ThreadedServer(self.slot, what="the sandbox server")
        self.base_url = self._server.base_url
        quiet_dropped_responses()

    def start(self) -> None:
        self._server.start()

    def stop(self) -> None:
        self._server.stop()

    @contextmanager
    def mounted(
        self, config: SandboxConfig, clock: SandboxClock | None = None
    ) -> Iterator[RunningSandbox]:
        """Serve a fresh sandbox app with ``config`` while inside; close its database after."""
        clock = clock or SandboxClock()
        app = create_app(config, clock=clock)
        self.slot.app = app
        try:
            with http_client(self.base_url) as control:
                control.get("/_sandbox/stats").raise_for_status()  # it answers
                yield RunningSandbox(
                    base_url=self.base_url,
                    config=config,
                    clock=clock,
                    _http=control,
                    _slot=self.slot,
                )
        finally:
            self.slot.app = None
            app.state.sandbox.close()


@contextmanager
def running_sandbox(
    config: SandboxConfig | None = None, *, clock: SandboxClock | None = None, **overrides: Any
) -> Iterator[RunningSandbox]:
    """Serve a sandbox (``config`` with ``overrides``) on a free 127.0.0.1 port while inside."""
    config = dataclasses.replace(config or SandboxConfig(), **overrides)
    host = _Host()
    host.start()
    try:
        with host.mounted(config, clock) as running:
            yield running
    finally:
        host.stop()


class SandboxPool:
    """Servers kept up between tests; ``sandbox()`` mounts a fresh app on an idle one."""

    def __init__(self) -> None:
        self._idle: list[_Host] = []
        self._all: list[_Host] = []
        self._lock = threading.Lock()

    def _take(self) -> _Host:
        with self._lock:
            if self._idle:
                return self._idle.pop()
        host = _Host()
        host.start()
        with self._lock:
            self._all.append(host)
        return host

    @contextmanager
    def sandbox(
        self,
        config: SandboxConfig | None = None,
        *,
        clock: SandboxClock | None = None,
        **overrides: Any,
    ) -> Iterator[RunningSandbox]:
        """Like ``running_sandbox``, on a pooled server."""
        config = dataclasses.replace(config or SandboxConfig(), **overrides)
        host = self._take()
        try:
            with host.mounted(config, clock) as running:
                yield running
        finally:
            with self._lock:
                self._idle.append(host)

    def close(self) -> None:
        """Stop every server."""
        with ExitStack() as stack:
            for host in self._all:
                stack.callback(host.stop)
        self._all.clear()
        self._idle.clear()


#: The ``make_sandbox`` fixture: ``make_sandbox(config=None, *, clock=None, **overrides)``.
MakeSandbox = Callable[..., RunningSandbox]
