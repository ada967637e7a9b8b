"""``WriteGate``: an ASGI wrapper that parks API writes until the test lets them go.

Tests that must act "while a write is in flight" (send SIGINT, let a client time out) wait
for the gate to report the write has arrived, instead of guessing with latency and sleeps.
The sandbox runs in a server thread of the test process; the test thread and the server's
event loop meet on a ``threading.Condition``.
"""

from __future__ import annotations

import threading

import anyio.to_thread
from starlette.types import ASGIApp, Message, Receive, Scope, Send

__all__ = ["WriteGate"]

_WRITES = frozenset({"POST", "PUT", "PATCH", "DELETE"})
_WAIT_S = 30.0  # a bound on waiting for the other side, so a broken test fails instead of hangs


class WriteGate:
    """Passes reads and the first ``let_through`` API writes; holds later writes until release.

    ``arrived`` counts API writes that reached the gate, ``held`` those parked at it, and
    ``finished`` those the sandbox has answered (held ones included, once released).

    A held write's body is read only once it is released, so a write whose client gave up
    meanwhile is never committed (the server sees the disconnect), as with the ``latency_ms``
    fault. With ``read_body_first`` the body is read on arrival and such a write commits
    after all: the "timed out, yet applied later" case.
    """

    def __init__(
        self, app: ASGIApp, *, let_through: int = 0, read_body_first: bool = False
    ) -> None:
        self._app = app
        self._let_through = let_through
        self._read_body_first = read_body_first
        self._condition = threading.Condition()
        self._released = False
        self.arrived = 0
        self.held = 0
        self.finished = 0

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Forward the request, after parking it if it is a write beyond ``let_through``."""
        if not _is_api_write(scope):
            await self._app(scope, receive, send)
            return
        with self._condition:
            self.arrived += 1
            hold = self.arrived > self._let_through and not self._released
            if hold:
                self.held += 1
            self._condition.notify_all()
        if hold and self._read_body_first:
            receive = await _buffered(receive)
        if hold:
            # In a worker thread, so the server's event loop keeps answering everything else.
            await anyio.to_thread.run_sync(self._wait_for_release)
        try:
            await self._app(scope, receive, send)
        finally:
            with self._condition:
                self.finished += 1
                self._condition.notify_all()

    def _wait_for_release(self) -> None:
        with self._condition:
            if not self._condition.wait_for(lambda: self._released, timeout=_WAIT_S):
                raise RuntimeError("a held write was never released")

    def wait_until_held(self, count: int) -> None:
        """Block the test until ``count`` writes are parked at the gate."""
        with self._condition:
            if not self._condition.wait_for(lambda: self.held >= count, timeout=_WAIT_S):
                raise AssertionError(f"only {self.held} of {count} writes reached the gate")

    def release(self) -> None:
        """Let every held write (and every later one) through."""
        with self._condition:
            self._released = True
            self._condition.notify_all()

    def wait_until_settled(self) -> None:
        """Block until every write that arrived has been answered by the sandbox."""
        with self._condition:
            if not self._condition.wait_for(lambda: self.finished >= self.arrived, timeout=_WAIT_S):
                raise AssertionError(f"{self.arrived - self.finished} writes never finished")


async def _buffered(receive: Receive) -> Receive:
    """Read the whole request body now; the returned ``receive`` replays it."""
    chunks: list[bytes] = []
    while True:
        message = await receive()
        if message["type"] != "http.request":
            break
        chunks.append(message.get("body", b""))
        if not message.get("more_body", False):
            break
    replay: list[Message] = [{"type": "http.request", "body": b"".join(chunks), "more_body": False}]

    async def replayed() -> Message:
        if replay:
            return replay.pop()
        return await receive()

    return replayed


def _is_api_write(scope: Scope) -> bool:
    return (
        scope["type"] == "http"
        and scope["method"] in _WRITES
        and str(scope["path"]).startswith("/api/")
    )
