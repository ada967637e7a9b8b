"""One uvicorn server in a background thread on a free 127.0.0.1 port, for tests on real sockets.

Shared by the sandbox hosts, the fake GitHub and the hostile servers. The port comes from binding
port 0 in this process (never a port released and picked again), and ``start()`` returns when
uvicorn's own startup has finished, signalled by an event rather than polled with sleeps.
``Slot`` lets one long-lived server serve whichever app a test mounts on it.
"""

from __future__ import annotations

import socket
import threading

import uvicorn
from starlette.types import ASGIApp, Receive, Scope, Send

__all__ = ["Slot", "ThreadedServer"]

#: A generous bound on an event, not a duration anything waits for: startup takes milliseconds.
_START_TIMEOUT_S = 10.0


class Slot:
    """An ASGI app forwarding to whichever app is mounted (503 while none is)."""

    def __init__(self, what: str) -> None:
        self.app: ASGIApp | None = None
        self._empty = f"no {what} mounted".encode()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            while True:
                message = await receive()
                if message["type"] == "lifespan.startup":
                    await send({"type": "lifespan.startup.complete"})
                else:
                    await send({"type": "lifespan.shutdown.complete"})
                    return
        app = self.app
        if app is None:
            await send({"type": "http.response.start", "status": 503, "headers": []})
            await send({"type": "http.response.body", "body": self._empty})
            return
        await app(scope, receive, send)


class _SignallingServer(uvicorn.Server):
    """A uvicorn server that sets ``started_event`` once its startup is over, failed or not."""

    def __init__(self, config: uvicorn.Config) -> None:
        super().__init__(config)
        self.started_event = threading.Event()

    async def startup(self, sockets: list[socket.socket] | None = None) -> None:
        try:
            await super().startup(sockets=sockets)
        finally:
            self.started_event.set()


def _tcp_socket() -> socket.socket:
    # IPPROTO_TCP explicitly: asyncio only sets TCP_NODELAY on sockets that say they are TCP,
    # and without it every keep-alive response waits ~40 ms for a delayed ACK.
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    return sock


class ThreadedServer:
    """``app`` served by uvicorn in a daemon thread; ``base_url`` is known before ``start()``."""

    def __init__(self, app: ASGIApp, *, what: str) -> None:
        self._what = what
        self._socket = _tcp_socket()
        self.base_url = f"http://127.0.0.1:{self._socket.getsockname()[1]}"
        self._server = _SignallingServer(
            uvicorn.Config(app, ws="none", log_config=None, log_level="warning", access_log=False)
        )
        self._thread = threading.Thread(
            target=self._server.run, kwargs={"sockets": [self._socket]}, daemon=True
        )

    def start(self) -> None:
        """Start serving; returns once the server accepts connections."""
        self._thread.start()
        signalled = self._server.started_event.wait(_START_TIMEOUT_S)
        if not (signalled and self._server.started):
            raise RuntimeError(f"{self._what} did not start")

    def stop(self) -> None:
        """Stop the server and free the port."""
        self._server.should_exit = True
        self._thread.join(timeout=_START_TIMEOUT_S)
        self._socket.close()
