"""Which documented route a request is for, as ``"METHOD /path/:id"`` (the stats' keys)."""

from __future__ import annotations

import re

__all__ = ["is_write", "route_key"]

_COLLECTION = "/api/v1/schedules"
_PATTERNS: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"/api/v1/schedules(\.json|\.csv)?"), _COLLECTION),
    (re.compile(r"/api/v1/schedules/new(\.json)?"), f"{_COLLECTION}/new"),
    (re.compile(r"/api/v1/schedules/make_call(\.json)?"), f"{_COLLECTION}/make_call"),
    (re.compile(r"/api/v1/schedules/[^/]+"), f"{_COLLECTION}/:id"),
)
_WRITE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})


def route_key(method: str, path: str) -> str | None:
    """``"GET /api/v1/schedules/:id"`` for a request; None for the sandbox's own routes."""
    if path.startswith("/_sandbox/") or path == "/_sandbox":
        return None
    for pattern, template in _PATTERNS:
        if pattern.fullmatch(path):
            route = template
            if route.endswith(("/new", "/make_call")) and method not in {"GET", "POST"}:
                route = f"{_COLLECTION}/:id"  # Rails routes PUT /schedules/new to update
            return f"{method} {route}"
    return f"{method} (unmatched)"


def is_write(method: str, path: str) -> bool:
    """Whether a request may change the account's data (a write through the API)."""
    return method in _WRITE_METHODS and path.startswith(f"{_COLLECTION}")
