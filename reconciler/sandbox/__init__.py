"""A local, TrackDrive-compatible Schedules API over SQLite, with fault injection.

It implements TrackDrive's documented Schedules endpoints on its own, sharing no code with the
client or the core, so that a misreading of the API cannot hide by being mirrored on both
sides. Use it in-process (``httpx.ASGITransport(app=create_app(config))``), under uvicorn
(``serve(config)``), or from the command line (``reconciler sandbox serve``).

``/_sandbox/*`` routes (stats, reset, faults, clock, make_call set-up, the OpenAPI document)
are sandbox-only: TrackDrive has nothing like them.
"""

from reconciler.sandbox.app import create_app
from reconciler.sandbox.command import sandbox_app
from reconciler.sandbox.config import SandboxConfig
from reconciler.sandbox.faults import ResponseDroppedError
from reconciler.sandbox.server import serve

__all__ = ["ResponseDroppedError", "SandboxConfig", "create_app", "sandbox_app", "serve"]
