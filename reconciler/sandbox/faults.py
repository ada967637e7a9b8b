"""Fault injection: latency, a token-bucket rate limit, random 5xx, responses lost after commit.

``FaultMiddleware`` wraps the API routes (never ``/_sandbox/*``) and counts every request in
``Stats``. All randomness comes from one ``random.Random`` (seeded by ``seed_rng``), so a
sequence of requests meets the same faults on every run.

A dropped response: the write is committed, the response's status line and headers are sent,
then the connection is cut. Under uvicorn the client sees the peer close mid-response (httpx:
``RemoteProtocolError``); in-process (``httpx.ASGITransport``) the same ``ResponseDroppedError``
— an ``httpx.RemoteProtocolError`` — reaches the caller, as it would from a real socket.
"""

from __future__ import annotations

import json
import logging
import math
import random
import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field, fields, replace
from typing import Any

import anyio
import httpx
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from reconciler.sandbox import assumptions
from reconciler.sandbox.config import SandboxConfig, check_fault_values
from reconciler.sandbox.routekeys import is_write, route_key

__all__ = [
    "FaultMiddleware",
    "FaultSettings",
    "Faults",
    "ResponseDroppedError",
    "Stats",
    "TokenBucket",
    "quiet_dropped_responses",
]

INJECTED_STATUSES = (500, 502, 503)


class ResponseDroppedError(httpx.RemoteProtocolError):
    """The sandbox committed a write and then cut the connection (``drop_after_commit_rate``)."""


@dataclass(frozen=True)
class FaultSettings:
    """The fault switches that ``PUT /_sandbox/faults`` may change at runtime."""

    latency_ms: int = 0
    rate_limit_rps: float | None = None
    error_rate: float = 0.0
    drop_after_commit_rate: float = 0.0
    per_page_max: int = 100
    ignore_per_page: bool = False
    make_call_cps: int = assumptions.CALLS_PER_SECOND_DEFAULT

    @classmethod
    def from_config(cls, config: SandboxConfig) -> FaultSettings:
        """The switches a config starts with."""
        names = {item.name for item in fields(cls)}
        return cls(**{name: getattr(config, name) for name in names})

    @classmethod
    def names(cls) -> tuple[str, ...]:
        """The settable switches' names."""
        return tuple(item.name for item in fields(cls))

    def changed(self, **updates: Any) -> FaultSettings:
        """A copy with ``updates``; raises ValueError for an out-of-range value."""
        settings = replace(self, **updates)
        check_fault_values(
            latency_ms=settings.latency_ms,
            rate_limit_rps=settings.rate_limit_rps,
            error_rate=settings.error_rate,
            drop_after_commit_rate=settings.drop_after_commit_rate,
            per_page_max=settings.per_page_max,
        )
        if settings.make_call_cps < 1:
            raise ValueError(f"make_call_cps must be at least 1, not {settings.make_call_cps}")
        return settings


class TokenBucket:
    """``rate`` tokens a second, holding at most ``max(1, rate)``; one per request."""

    def __init__(self, rate: float, clock: Callable[[], float] = time.monotonic) -> None:
        self._rate = rate
        self._capacity = max(1.0, rate)
        self._tokens = self._capacity
        self._clock = clock
        self._stamp = clock()
        self._lock = threading.Lock()

    def take(self) -> float:
        """Take a token: 0.0 when one was there, else the seconds until one will be."""
        with self._lock:
            now = self._clock()
            self._tokens = min(self._capacity, self._tokens + (now - self._stamp) * self._rate)
            self._stamp = now
            if self._tokens >= 1.0:
                self._tokens -= 1.0
                return 0.0
            return (1.0 - self._tokens) / self._rate


@dataclass
class Stats:
    """Request counts since the last reset (``GET /_sandbox/stats``)."""

    total: int = 0
    by_route: Counter[str] = field(default_factory=Counter)
    throttled: int = 0
    errors_injected: int = 0
    dropped_after_commit: int = 0
    # Query params the list ignored because no route declares them (see assumptions).
    ignored_params: Counter[str] = field(default_factory=Counter)

    def as_json(self) -> dict[str, Any]:
        """The stats as ``GET /_sandbox/stats`` answers them."""
        return {
            "total": self.total,
            "by_route": dict(sorted(self.by_route.items())),
            "throttled": self.throttled,
            "errors_injected": self.errors_injected,
            "dropped_after_commit": self.dropped_after_commit,
            "ignored_params": dict(sorted(self.ignored_params.items())),
        }


class Faults:
    """The live fault switches, their token bucket, their random source and the stats."""

    def __init__(
        self,
        settings: FaultSettings,
        seed_rng: int | None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.rng = random.Random(seed_rng)  # noqa: S311 (faults, not secrets)
        self.stats = Stats()
        self._lock = threading.Lock()
        self.settings = settings
        self._clock = clock
        self.bucket: TokenBucket | None = None
        self._rebuild_bucket()

    def _rebuild_bucket(self) -> None:
        rate = self.settings.rate_limit_rps
        self.bucket = None if rate is None else TokenBucket(rate, self._clock)

    def update(self, **updates: Any) -> FaultSettings:
        """Change switches at runtime; a new rate limit starts with a full bucket."""
        with self._lock:
            previous = self.settings
            self.settings = previous.changed(**updates)
            if self.settings.rate_limit_rps != previous.rate_limit_rps:
                self._rebuild_bucket()
            return self.settings

    def reset_stats(self) -> None:
        """Zero every counter."""
        self.stats = Stats()

    def roll(self, rate: float) -> bool:
        """True with probability ``rate`` (draws from the seeded source only when 0 < rate)."""
        if rate <= 0.0:
            return False
        return rate >= 1.0 or self.rng.random() < rate


def _json_error(status: int, message: str) -> bytes:
    return json.dumps({"status": status, "errors": {"base": [message]}}).encode()


async def _send_json(
    send: Send, status: int, body: bytes, headers: list[tuple[bytes, bytes]]
) -> None:
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", b"application/json; charset=utf-8"),
                (b"content-length", str(len(body)).encode()),
                *headers,
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})


class FaultMiddleware:
    """Counts API requests and injects the configured faults around them."""

    def __init__(self, app: ASGIApp, faults: Faults) -> None:
        self.app = app
        self.faults = faults

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Count the request, then delay, throttle, fail or drop it as the switches say."""
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        method, path = scope["method"], scope["path"]
        key = route_key(method, path)
        if key is None:
            await self.app(scope, receive, send)
            return
        faults = self.faults
        stats = faults.stats
        stats.total += 1
        stats.by_route[key] += 1
        settings = faults.settings
        if settings.latency_ms:
            await anyio.sleep(settings.latency_ms / 1000)
        bucket = faults.bucket
        if bucket is not None:
            wait = bucket.take()
            if wait > 0:
                stats.throttled += 1
                retry_after = max(1, math.ceil(wait))
                message = f"Rate limit exceeded. Retry in {retry_after} seconds."
                await _send_json(
                    send,
                    429,
                    _json_error(429, message),
                    [(b"retry-after", str(retry_after).encode())],
                )
                return
        if faults.roll(settings.error_rate):
            stats.errors_injected += 1
            status = faults.rng.choice(INJECTED_STATUSES)
            await _send_json(
                send, status, _json_error(status, "Injected by the sandbox (error_rate)."), []
            )
            return
        if not (settings.drop_after_commit_rate > 0 and is_write(method, path)):
            await self.app(scope, receive, send)
            return
        messages: list[Message] = []

        async def capture(message: Message) -> None:
            messages.append(message)

        await self.app(scope, receive, capture)
        start = messages[0] if messages else None
        committed = start is not None and 200 <= int(start["status"]) < 300
        if committed and faults.roll(settings.drop_after_commit_rate):
            stats.dropped_after_commit += 1
            assert start is not None
            await send(start)
            raise ResponseDroppedError(
                "sandbox: the write was committed, then its response was dropped"
            )
        for captured in messages:
            await send(captured)


class _DroppedResponseFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        exc = record.exc_info[1] if record.exc_info else None
        return not isinstance(exc, ResponseDroppedError)


def quiet_dropped_responses(logger_name: str = "uvicorn.error") -> None:
    """Keep uvicorn from logging a traceback for each deliberately dropped response."""
    logger = logging.getLogger(logger_name)
    if not any(isinstance(item, _DroppedResponseFilter) for item in logger.filters):
        logger.addFilter(_DroppedResponseFilter())
