"""``serve``: run the sandbox under uvicorn until interrupted."""

from __future__ import annotations

import socket
from collections.abc import Callable

import uvicorn

from reconciler.sandbox.app import create_app
from reconciler.sandbox.config import SandboxConfig
from reconciler.sandbox.faults import quiet_dropped_responses

__all__ = ["serve"]


def serve(
    config: SandboxConfig,
    host: str = "127.0.0.1",
    port: int = 8787,
    announce: Callable[[str], None] | None = None,
) -> None:
    """Serve the sandbox on ``host:port`` (blocking; Ctrl-C stops it).

    The socket is bound here, before serving, so ``port`` 0 picks a free port and
    ``announce`` receives the real base URL (``http://host:port``) before the first request.
    """
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host, port))
    bound = sock.getsockname()[1]
    if announce is not None:
        shown = f"[{host}]" if family == socket.AF_INET6 else host
        announce(f"http://{shown}:{bound}")
    server_config = uvicorn.Config(
        create_app(config), host=host, port=bound, ws="none", log_level="info"
    )
    quiet_dropped_responses()  # after uvicorn has configured its loggers
    with sock:
        uvicorn.Server(server_config).run(sockets=[sock])
