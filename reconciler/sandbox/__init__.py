"""A local, TrackDrive-compatible Schedules API over SQLite, with fault injection.

It implements TrackDrive's documented Schedules endpoints on its own, sharing no code with the
client or the core, so that a misreading of the API cannot hide by being mirrored on both
sides. Use it in-process (``httpx.ASGITransport(app=create_app(config))``), under uvicorn
(``serve(config)``), or from the command line (``reconciler sandbox serve``).

``/_sandbox/*`` routes (stats, reset, faults, clock, make_call set-up, the OpenAPI document)
are sandbox-only: TrackDrive has nothing like them.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from reconciler.sandbox.command import sandbox_app
from reconciler.sandbox.config import SandboxConfig

if TYPE_CHECKING:
    from reconciler.sandbox.app import create_app
    from reconciler.sandbox.faults import ResponseDroppedError
    from reconciler.sandbox.server import serve

__all__ = ["ResponseDroppedError", "SandboxConfig", "create_app", "sandbox_app", "serve"]

# The server's libraries (starlette, uvicorn) are the optional extra
# `trackdrive-reconciler[sandbox]`: these names import them only when first used, so the
# command line, `validate` and the pre-commit hook run without them.
_LAZY = {
    "create_app": "reconciler.sandbox.app",
    "ResponseDroppedError": "reconciler.sandbox.faults",
    "serve": "reconciler.sandbox.server",
}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
