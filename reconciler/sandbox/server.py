"""``serve``: run the sandbox under uvicorn until interrupted."""

from __future__ import annotations

import uvicorn

from reconciler.sandbox.app import create_app
from reconciler.sandbox.config import SandboxConfig
from reconciler.sandbox.faults import quiet_dropped_responses

__all__ = ["serve"]


def serve(config: SandboxConfig, host: str = "127.0.0.1", port: int = 8787) -> None:
    """Serve the sandbox on ``host:port`` (blocking; Ctrl-C stops it)."""
    server_config = uvicorn.Config(
        create_app(config), host=host, port=port, ws="none", log_level="info"
    )
    quiet_dropped_responses()  # after uvicorn has configured its loggers
    uvicorn.Server(server_config).run()
