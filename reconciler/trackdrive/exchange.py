"""One request to TrackDrive: through the gate, sent, read, retried, and mapped to the error tree.

Implementation detail of the client. Every attempt that does not give a usable answer becomes an
``AttemptFailed``; ``AttemptFailed.to_api_error`` is the one place where statuses and transport
failures become the ``ApiError`` subclasses of ``reconciler.errors``. Idempotent requests (GET,
PUT, DELETE) are retried with stamina; a POST is sent once per call to ``send_once`` and its
caller decides, knowing whether the outcome is unknown, what to do next.

Nothing here logs or raises a header: errors and logs carry the method and the path only.
"""

from __future__ import annotations

import asyncio
import logging
import math
import random
import socket
import time
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any, Final, TypeVar

import httpx
import stamina

from reconciler.errors import (
    ApiError,
    ApiValidationError,
    AuthError,
    BoundExceededError,
    NotFoundError,
    RateLimitedError,
    ServerError,
    TransportError,
    UnexpectedResponseError,
)
from reconciler.trackdrive import assumptions
from reconciler.trackdrive.account import ENV_PRIVATE_KEY, ENV_PUBLIC_KEY
from reconciler.trackdrive.bounds import Bounds
from reconciler.trackdrive.limiter import Limiter
from reconciler.trackdrive.wire import WireError, decode_json, envelope_status, field_errors

__all__ = ["AttemptFailed", "Backoff", "ClientStats", "Exchange", "RetryNotice"]

T = TypeVar("T")

logger = logging.getLogger("reconciler.trackdrive")

# Failures where the request certainly never reached the server: safe to send again, even a POST.
_NOT_SENT: Final = (
    httpx.ConnectError,
    httpx.ConnectTimeout,
    httpx.PoolTimeout,
    httpx.UnsupportedProtocol,
    httpx.LocalProtocolError,
)
# Failures worth another attempt: the network or the server may do better next time.
_TRANSIENT: Final = (httpx.TimeoutException, httpx.NetworkError, httpx.RemoteProtocolError)

_CHECK_KEYS: Final = f"check {ENV_PUBLIC_KEY} / {ENV_PRIVATE_KEY} and the account URL"
# A refused connection is retried this many times at most: a server that is down stays down.
_REFUSED_RETRIES: Final = 2


@dataclass(frozen=True, slots=True)
class RetryNotice:
    """One retry about to happen, for the one line a person sees about it."""

    method: str
    what: str
    reason: str
    wait_s: float
    attempt: int
    attempts: int

    def __str__(self) -> str:
        return (
            f"retrying {self.method} {self.what} after {self.reason}, "
            f"waiting {self.wait_s:.1f} s ({self.attempt}/{self.attempts})"
        )


@dataclass(frozen=True, slots=True)
class _Exceeded:
    """A bound that tripped: what happened, the option raising it, whether to try again."""

    what: str
    option: str
    retryable: bool


@dataclass(frozen=True, slots=True)
class Backoff:
    """How long to wait before a retry: exponential with jitter, capped; Retry-After, capped."""

    initial: float = 0.5
    maximum: float = 10.0
    jitter: float = 0.5
    retry_after_cap: float = 30.0

    def delay(self, retry_number: int, retry_after: float | None) -> float:
        """Seconds to wait before retry ``retry_number`` (1-based); zero in stamina's test mode."""
        if stamina.is_testing():
            return 0.0
        if retry_after is not None:
            return min(retry_after, self.retry_after_cap)
        exponential = self.initial * 2.0 ** (retry_number - 1)
        return min(self.maximum, exponential + random.uniform(0, self.jitter))  # noqa: S311


@dataclass(frozen=True, slots=True)
class ClientStats:
    """Counts for a run summary.

    ``wait_s`` sums, over requests, the time held by the rate limit, by Retry-After pauses and
    by backoff before retries (not the queueing for a concurrency slot).
    """

    requests: int = 0
    retries: int = 0
    throttled: int = 0
    wait_s: float = 0.0
    by_method: Mapping[str, int] = field(default_factory=dict)


class AttemptFailed(Exception):  # noqa: N818 - an outcome, not a bug: "the attempt failed"
    """One attempt that gave no usable answer: a status, an unreadable body, or no answer."""

    def __init__(
        self,
        method: str,
        path: str,
        *,
        status: int | None = None,
        body: Any = None,
        cause: httpx.HTTPError | None = None,
        reason: str | None = None,
        retry_after: float | None = None,
        account_url: str = "",
        exceeded: _Exceeded | None = None,
    ) -> None:
        self.method = method
        self.account_url = account_url
        self.path = path
        self.status = status
        self.body = body
        self.cause = cause
        self.reason = reason
        self.retry_after = retry_after
        self.exceeded = exceeded
        #: Set when a retry policy (refused connections) says: no more attempts.
        self.final = False
        super().__init__(f"{method} {path}: {self._describe()}")

    @property
    def retryable(self) -> bool:
        """Whether an idempotent request may be sent again after this failure."""
        if self.exceeded is not None:
            return self.exceeded.retryable
        if self.cause is not None:
            # A name that does not resolve will not resolve a second later either.
            return isinstance(self.cause, _TRANSIENT) and not _name_unresolved(self.cause)
        return self.reason is None and self.status in assumptions.RETRYABLE_STATUSES

    @property
    def refused(self) -> bool:
        """Whether the server refused the connection (nothing listens there)."""
        return self.cause is not None and _in_chain(self.cause, ConnectionRefusedError)

    @property
    def why(self) -> str:
        """Why it failed, in a few words, for the retry line."""
        if self.exceeded is not None:
            return self.exceeded.what
        if self.cause is not None:
            if self.refused:
                return "a refused connection"
            if isinstance(self.cause, httpx.TimeoutException):
                return "a timeout"
            return f"no answer ({type(self.cause).__name__})"
        return f"{self.status}" if self.reason is None else f"an unreadable answer ({self.status})"

    @property
    def outcome_unknown(self) -> bool:
        """Whether the server may have acted on the request (a POST may have created a record)."""
        if self.cause is not None:
            return not isinstance(self.cause, _NOT_SENT)
        if self.exceeded is not None or self.status is None:
            return True
        if self.status == 429:
            return not assumptions.RATE_LIMITED_POST_NOT_COMMITTED
        if 400 <= self.status < 500:
            return not assumptions.CLIENT_ERROR_POST_NOT_COMMITTED
        # A 2xx whose body cannot be read did act; a 5xx may have acted before failing.
        return self.status >= 500 or 200 <= self.status < 300

    def to_api_error(self) -> ApiError:
        """The error the rest of the reconciler sees: the one mapping of failures to errors."""
        where: dict[str, Any] = {"method": self.method, "path": self.path}
        status = self.status
        if self.exceeded is not None:
            return BoundExceededError(self.exceeded.what, bound=self.exceeded.option, **where)
        if self.cause is not None and _name_unresolved(self.cause):
            return TransportError(
                f"the host name does not resolve ({self._describe()}); not retried",
                **where,
                hint="check the account URL (--subdomain / --api-url) and the DNS",
            )
        if self.cause is not None:
            if isinstance(self.cause, httpx.DecodingError):
                return UnexpectedResponseError("the answer could not be decoded", **where)
            return TransportError(
                f"no answer from TrackDrive ({self._describe()})",
                **where,
                hint="check the network and the account URL (--subdomain / --api-url)",
            )
        messages = field_errors(self.body)
        if self.reason is not None or status is None:
            return UnexpectedResponseError(
                self.reason or "no usable answer",
                **where,
                status=status,
                hint="check the account URL (--subdomain / --api-url)",
            )
        if status in assumptions.AUTH_STATUSES and not _names_a_parameter(messages):
            refused = (
                "TrackDrive refused the credentials"
                if status == 401
                else "TrackDrive refused the request (permission or IP allow-list)"
            )
            account = f" {self.account_url}" if self.account_url else ""
            return AuthError(
                f"{_with_messages(refused, messages)}: {_CHECK_KEYS}{account}",
                **where,
                status=status,
                hint="choose the account with --subdomain or --api-url",
            )
        if status == assumptions.NOT_FOUND_STATUS:
            return NotFoundError(_with_messages("not found", messages), **where, status=status)
        if status == 429:
            return RateLimitedError(**where, retry_after=self.retry_after, field_errors=messages)
        if status >= 500:
            return ServerError(
                _with_messages("TrackDrive failed", messages),
                **where,
                status=status,
                hint="try again later",
            )
        if 400 <= status < 500:
            return ApiValidationError(
                messages or {"base": [f"refused ({status})"]}, **where, status=status
            )
        return UnexpectedResponseError(
            f"unexpected status {status}",
            **where,
            status=status,
            hint="a redirect usually means a wrong account URL (--subdomain / --api-url)",
        )

    def _describe(self) -> str:
        if self.exceeded is not None:
            return self.exceeded.what
        if self.cause is not None:
            detail = str(self.cause).strip()
            name = type(self.cause).__name__
            return f"{name}: {detail}" if detail else name
        if self.reason is not None:
            return f"status {self.status}: {self.reason}"
        said = field_errors(self.body)  # the API's own words, e.g. which make_call guard refused
        detail = "; ".join(f"{k}: {', '.join(v)}" for k, v in said.items())
        return f"status {self.status} ({detail})" if detail else f"status {self.status}"


@dataclass(slots=True)
class _History:
    """What earlier attempts of one request showed, for the caller's decisions."""

    outcome_unknown: bool = False
    # Seconds to wait before the next attempt, decided when the last one failed.
    wait_s: float = 0.0
    refused: int = 0


class Exchange:
    """Sends requests through a shared limiter, retries idempotent ones, keeps the counts.

    Every attempt is bounded: its whole answer by ``bounds.timeout_s`` (else the HTTP
    client's read timeout), its body by ``bounds.max_body_bytes``, and everything from the
    exchange's creation on by ``bounds.deadline_s``. ``on_retry`` hears of each retry before
    its wait (by default it is logged).
    """

    def __init__(
        self,
        http: httpx.AsyncClient,
        *,
        limiter: Limiter,
        attempts: int,
        backoff: Backoff,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
        bounds: Bounds | None = None,
        on_retry: Callable[[RetryNotice], None] | None = None,
    ) -> None:
        if attempts < 1:
            raise ValueError(f"retry_attempts must be at least 1, got {attempts}")
        self._http = http
        # Scheme, host and port only (httpx's netloc never holds user info), for messages.
        base = http.base_url
        self.account_url = f"{base.scheme}://{base.netloc.decode('ascii')}" if base.host else ""
        self._limiter = limiter
        self.attempts = attempts
        self.backoff = backoff
        self.bounds = bounds or Bounds()
        self._timeout_s = self.bounds.timeout_s or http.timeout.read or None
        self._clock = clock
        self._sleep = sleep
        self._on_retry = on_retry
        self._started = clock()
        self._requests = 0
        self._retries = 0
        self._throttled = 0
        self._backoff_s = 0.0
        self._by_method: dict[str, int] = {}

    def stats(self) -> ClientStats:
        """A snapshot of the counts so far."""
        return ClientStats(
            requests=self._requests,
            retries=self._retries,
            throttled=self._throttled,
            wait_s=self._backoff_s + self._limiter.waited_s,
            by_method=dict(self._by_method),
        )

    async def request(
        self,
        method: str,
        path: str,
        *,
        read: Callable[[Any], T],
        params: Mapping[str, str | int] | None = None,
        json: Mapping[str, Any] | None = None,
        label: str | None = None,
    ) -> T:
        """An idempotent request, retried; ``read`` turns the body into the result.

        ``label`` names the request in retry lines ("page 7"); the path by default.
        """
        try:
            return await self._retrying(method, path, read, params, json, label, _History())
        except AttemptFailed as failed:
            raise failed.to_api_error() from None

    async def delete(self, path: str, *, read: Callable[[Any], object]) -> None:
        """A DELETE, retried; a 404 after an attempt of unknown outcome means it is done."""
        history = _History()
        try:
            await self._retrying("DELETE", path, read, None, None, None, history)
        except AttemptFailed as failed:
            if failed.status == assumptions.NOT_FOUND_STATUS and history.outcome_unknown:
                logger.debug("DELETE %s: already gone after an unanswered attempt", path)
                return
            raise failed.to_api_error() from None

    async def send_once(
        self,
        method: str,
        path: str,
        *,
        read: Callable[[Any], T],
        params: Mapping[str, str | int] | None = None,
        json: Mapping[str, Any] | None = None,
        attempt: int = 1,
    ) -> T:
        """One attempt, never retried here; raises AttemptFailed for the caller to judge.

        Errors carry ``path`` without the query; the debug log shows the query too.
        """
        if attempt > 1:
            self._retries += 1
        target = f"{path}?{httpx.QueryParams(dict(params))}" if params else path
        async with self._limiter.slot() as left:
            self._check_deadline(method, path)
            self._requests += 1
            self._by_method[method] = self._by_method.get(method, 0) + 1
            status, headers, content = await self._fetch(method, path, target, json, attempt)
        logger.debug(
            "%s %s -> %d (attempt %d, %.0f ms)",
            method,
            target,
            status,
            attempt,
            (self._clock() - left) * 1000,
        )
        if status == 429:
            self._limiter.throttled(left)
        else:
            self._limiter.answered()
        return self._read(method, path, status, headers, content, read)

    async def wait_before_retry(
        self, failed: AttemptFailed, retry_number: int, *, label: str | None = None
    ) -> None:
        """Back off before sending again outside the retry loop (the POST path)."""
        delay = self.backoff.delay(retry_number, failed.retry_after)
        self._check_deadline(failed.method, failed.path, after=delay)
        if failed.retry_after is not None:
            self._limiter.pause(delay)
        self._notify(failed, label, delay, retry_number + 1)
        await self._wait(delay)

    async def _wait(self, seconds: float) -> None:
        """Sleep on the injected clock, counting the wait as backoff."""
        if seconds <= 0:
            return
        started = self._clock()
        await self._sleep(seconds)
        self._backoff_s += self._clock() - started

    async def _fetch(
        self,
        method: str,
        path: str,
        target: str,
        json: Mapping[str, Any] | None,
        attempt: int,
    ) -> tuple[int, httpx.Headers, bytes]:
        """Send, and read the whole answer within the answer timeout and the body limit."""
        timeout = self._timeout_s
        remaining = self._remaining_s()
        # The run's deadline bounds this answer too; whichever is nearer trips first.
        nearer = [x for x in (timeout, remaining) if x is not None]
        limit = min(nearer) if nearer else None
        try:
            async with asyncio.timeout(limit):
                return await self._stream(method, path, target, json)
        except TimeoutError:
            if remaining is not None and (timeout is None or remaining <= timeout):
                raise self._deadline_passed(method, path) from None
            raise AttemptFailed(
                method,
                path,
                account_url=self.account_url,
                exceeded=_Exceeded(
                    f"no complete answer within {_seconds(timeout or 0)} (the answer timeout)",
                    "--timeout",
                    retryable=True,
                ),
            ) from None
        except httpx.HTTPError as exc:
            logger.debug("%s %s -> %s (attempt %d)", method, target, type(exc).__name__, attempt)
            raise AttemptFailed(method, path, cause=exc, account_url=self.account_url) from None

    async def _stream(
        self, method: str, path: str, target: str, json: Mapping[str, Any] | None
    ) -> tuple[int, httpx.Headers, bytes]:
        limit = self.bounds.max_body_bytes
        async with self._http.stream(method, target, json=json) as response:
            declared = response.headers.get("Content-Length", "")
            if declared.isdigit() and int(declared) > limit:
                raise self._too_large(method, path)
            chunks: list[bytes] = []
            size = 0
            async for chunk in response.aiter_bytes():
                size += len(chunk)
                if size > limit:
                    raise self._too_large(method, path)
                chunks.append(chunk)
            return response.status_code, response.headers, b"".join(chunks)

    def _too_large(self, method: str, path: str) -> AttemptFailed:
        mb = self.bounds.max_body_bytes / (1024 * 1024)
        return AttemptFailed(
            method,
            path,
            account_url=self.account_url,
            exceeded=_Exceeded(
                f"the answer is larger than the body limit of {mb:g} MB", "--max-body-mb", False
            ),
        )

    def _remaining_s(self) -> float | None:
        deadline = self.bounds.deadline_s
        return None if deadline is None else deadline - (self._clock() - self._started)

    def _check_deadline(self, method: str, path: str, *, after: float = 0.0) -> None:
        """Raise if the run's deadline has passed, or will have after waiting ``after`` s."""
        remaining = self._remaining_s()
        if remaining is not None and remaining - after <= 0:
            raise self._deadline_passed(method, path)

    def _deadline_passed(self, method: str, path: str) -> AttemptFailed:
        deadline = self.bounds.deadline_s or 0.0
        return AttemptFailed(
            method,
            path,
            account_url=self.account_url,
            exceeded=_Exceeded(
                f"the run's deadline of {_seconds(deadline)} passed", "--deadline", False
            ),
        )

    def _notify(
        self, failed: AttemptFailed, label: str | None, wait_s: float, attempt: int
    ) -> None:
        notice = RetryNotice(
            failed.method, label or failed.path, failed.why, wait_s, attempt, self.attempts
        )
        if self._on_retry is not None:
            self._on_retry(notice)
        else:
            logger.info("%s", notice)

    async def _retrying(
        self,
        method: str,
        path: str,
        read: Callable[[Any], T],
        params: Mapping[str, str | int] | None,
        json: Mapping[str, Any] | None,
        label: str | None,
        history: _History,
    ) -> T:
        # stamina counts the attempts (and its test mode sets how many); the waits are ours,
        # on the injected clock, so no test races real time: the hook always answers 0 s.
        async for attempt in stamina.retry_context(
            on=self._retry_hook, attempts=self.attempts, timeout=None
        ):
            with attempt:
                await self._wait(history.wait_s)
                try:
                    return await self.send_once(
                        method, path, read=read, params=params, json=json, attempt=attempt.num
                    )
                except AttemptFailed as failed:
                    history.outcome_unknown |= failed.outcome_unknown
                    self._prepare_retry(failed, history, label, attempt.num)
                    raise
        raise AssertionError("unreachable: stamina either returns or re-raises")

    def _prepare_retry(
        self, failed: AttemptFailed, history: _History, label: str | None, number: int
    ) -> None:
        """Decide the wait before the next attempt; mark the failure final if there is none."""
        if not failed.retryable or number >= self.attempts:
            return
        if failed.refused:
            history.refused += 1
            if history.refused > _REFUSED_RETRIES:
                failed.final = True
                return
        history.wait_s = self.backoff.delay(number, failed.retry_after)
        try:
            self._check_deadline(failed.method, failed.path, after=history.wait_s)
        except AttemptFailed as passed:
            failed.exceeded = passed.exceeded
            return
        if failed.retry_after is not None:
            # The server said how long it needs: hold every request of the run.
            self._limiter.pause(history.wait_s)
        self._notify(failed, label, history.wait_s, number + 1)

    @staticmethod
    def _retry_hook(exc: Exception) -> bool | float:
        """stamina's question "retry this?": yes for transient failures, with no wait of its own."""
        if not isinstance(exc, AttemptFailed) or not exc.retryable or exc.final:
            return False
        return 0.0

    def _read(
        self,
        method: str,
        path: str,
        status: int,
        headers: httpx.Headers,
        content: bytes,
        read: Callable[[Any], T],
    ) -> T:
        if status == 429:
            self._throttled += 1
        body: Any = None
        reason: str | None = None
        if content:
            try:
                body = decode_json(content)
            except WireError as exc:
                reason = str(exc)
        if not 200 <= status < 300:
            raise AttemptFailed(
                method,
                path,
                status=status,
                body=body,
                account_url=self.account_url,
                retry_after=_retry_after(headers.get("Retry-After")),
            )
        inner_status = envelope_status(body)
        if inner_status is not None and inner_status >= 400:
            raise AttemptFailed(
                method, path, status=inner_status, body=body, account_url=self.account_url
            )
        if reason is not None:
            raise AttemptFailed(method, path, status=status, reason=reason)
        try:
            return read(body)
        except WireError as exc:
            raise AttemptFailed(method, path, status=status, reason=str(exc)) from None


def _seconds(value: float) -> str:
    return f"{value:g} s"


def _in_chain(exc: BaseException, kind: type[BaseException]) -> bool:
    """Whether ``exc`` or anything it was raised from or during is a ``kind``."""
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        if isinstance(current, kind):
            return True
        seen.add(id(current))
        current = current.__cause__ or current.__context__
    return False


def _name_unresolved(exc: BaseException) -> bool:
    """Whether a connection failed because the host name did not resolve (DNS)."""
    if _in_chain(exc, socket.gaierror):
        return True
    # httpcore keeps only the message of some lookups' errors.
    text = str(exc)
    return isinstance(exc, httpx.ConnectError) and any(
        marker in text
        for marker in ("Name or service not known", "nodename nor servname", "getaddrinfo")
    )


def _names_a_parameter(messages: Mapping[str, list[str]]) -> bool:
    """Whether errors point at a request parameter (a refusal of a value, not of the keys)."""
    return any(key not in assumptions.GENERAL_ERROR_KEYS for key in messages)


def _with_messages(summary: str, messages: Mapping[str, list[str]]) -> str:
    if not messages:
        return summary
    detail = "; ".join(f"{k}: {', '.join(v)}" for k, v in messages.items())
    return f"{summary} ({detail})"


def _retry_after(value: str | None) -> float | None:
    """Seconds from a Retry-After header: a number of seconds or an HTTP date."""
    if value is None or not value.strip():
        return None
    text = value.strip()
    try:
        seconds = float(text)
    except ValueError:
        try:
            when = parsedate_to_datetime(text)
        except (TypeError, ValueError):
            return None
        if when.tzinfo is None:
            when = when.replace(tzinfo=UTC)
        seconds = (when - datetime.now(UTC)).total_seconds()
    if not math.isfinite(seconds):
        return None
    return max(0.0, seconds)
