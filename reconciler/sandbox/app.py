"""``create_app``: the sandbox as one Starlette app, in-process or under uvicorn."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.routing import Route

from reconciler.sandbox.api import ENDPOINTS
from reconciler.sandbox.clock import SandboxClock
from reconciler.sandbox.config import SandboxConfig
from reconciler.sandbox.control import CONTROL_ROUTES
from reconciler.sandbox.faults import FaultMiddleware
from reconciler.sandbox.state import SandboxState

__all__ = ["create_app"]


def create_app(config: SandboxConfig, *, clock: SandboxClock | None = None) -> Starlette:
    """A TrackDrive-compatible Schedules API over SQLite, with the faults ``config`` asks for.

    The database is opened (and seeded) now, so the app works with ``httpx.ASGITransport``
    without a lifespan; under a server, the lifespan's end closes it. ``clock`` (wall time by
    default) is how tests make the rate limit refill only when they advance it.
    """
    state = SandboxState.open(config, clock)

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        try:
            yield
        finally:
            state.close()

    routes = [
        Route(path, handler, methods=methods)
        for path, handler, methods in (*ENDPOINTS, *CONTROL_ROUTES)
    ]
    app = Starlette(
        routes=routes,
        middleware=[Middleware(FaultMiddleware, faults=state.faults)],
        lifespan=lifespan,
    )
    app.state.sandbox = state
    return app
