"""Every error the reconciler raises on purpose, under one base.

::

    ReconcilerError                 anything the CLI renders as a one-line message and exit 1
    ├── UsageError                  options that contradict each other or cannot be read
    ├── SpecError                   one or more problems in schedules.d/ or reconciler.yaml,
    │                               each an ``Issue`` with a file:line:col location
    ├── CredentialsError            TRACKDRIVE_* variables missing, or no account chosen
    ├── AccountError                no such key in accounts.yaml, or none chosen among several
    ├── PlanError                   the specs cannot be matched to the live account
    │                               (ambiguous name, pinned id not found), each an ``Issue``
    ├── PlanFileError               a saved plan that cannot be read or whose specs changed
    ├── UnsafePlanError             a safety threshold is exceeded; ``--force`` overrides
    ├── StalePlanError              live records changed since the saved plan was made
    ├── MissingExtraError           an optional part (the sandbox) is not installed
    ├── ApplyError                  some changes failed or the account did not converge
    │   ├── ApplyInterruptedError   Ctrl-C stopped the apply (exit 130, as shells expect)
    │   ├── ApplyLockedError        another apply to the account runs on this machine
    │   └── NameConflictError       a name to create appeared on the account meanwhile
    └── ApiError                    TrackDrive answered badly; carries method, path, status
        ├── AuthError               401 / 403
        ├── NotFoundError           404
        ├── ApiValidationError      422, with the API's field messages
        ├── RateLimitedError        429 after retries, with Retry-After
        ├── ServerError             5xx after retries
        ├── TransportError          no answer: connection refused or cut, timeout
        ├── UnexpectedResponseError an answer the client cannot read
        │   └── InconsistentListingError  the listing's count never matched its records
        └── BoundExceededError      a bound on what the server controls tripped (time,
                                    pages, body size); names the bound and its option

Messages never contain credentials: errors carry the request's method and path, never its
headers.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from reconciler.location import Location

__all__ = [
    "AccountError",
    "ApiError",
    "ApiValidationError",
    "ApplyError",
    "ApplyInterruptedError",
    "ApplyLockedError",
    "AuthError",
    "BoundExceededError",
    "CredentialsError",
    "InconsistentListingError",
    "Issue",
    "MissingExtraError",
    "NameConflictError",
    "NotFoundError",
    "PlanError",
    "PlanFileError",
    "RateLimitedError",
    "ReconcilerError",
    "ServerError",
    "SpecError",
    "StalePlanError",
    "TransportError",
    "UnexpectedResponseError",
    "UnsafePlanError",
    "UsageError",
]


class ReconcilerError(Exception):
    """The base of every error the reconciler raises on purpose.

    ``hint`` is an optional next step for the reader ("pass --force to ...").
    """

    #: The process exit code the CLI uses for this error.
    exit_code: int = 1

    def __init__(self, message: str, *, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    def __str__(self) -> str:
        return self.message


@dataclass(frozen=True, slots=True)
class Issue:
    """One problem, at a place in a file when there is one."""

    message: str
    location: Location | None = None

    def __str__(self) -> str:
        return f"{self.location}: {self.message}" if self.location else self.message


def _sorted_issues(issues: Iterable[Issue]) -> tuple[Issue, ...]:
    return tuple(
        sorted(issues, key=lambda i: (i.location is None, i.location or Location("", 0, 0)))
    )


class SpecError(ReconcilerError):
    """The specs (or reconciler.yaml) are invalid; ``issues`` lists every problem found."""

    def __init__(self, issues: Iterable[Issue]) -> None:
        self.issues = _sorted_issues(issues)
        count = len(self.issues)
        super().__init__(
            f"{count} problem{'s' if count != 1 else ''} in the specs",
            hint="fix the lines above and run `reconciler validate` again",
        )


class UsageError(ReconcilerError):
    """The command line asks for something impossible (conflicting options, a bad regex)."""


class CredentialsError(ReconcilerError):
    """No account or credentials were given."""


class AccountError(ReconcilerError):
    """accounts.yaml has no account with that key, or a command needs one chosen."""


class PlanError(ReconcilerError):
    """Some specs cannot be matched unambiguously to live schedules."""

    def __init__(self, issues: Iterable[Issue]) -> None:
        self.issues = _sorted_issues(issues)
        count = len(self.issues)
        super().__init__(
            f"{count} spec{'s' if count != 1 else ''} cannot be matched to the live account"
        )


class PlanFileError(ReconcilerError):
    """A saved plan file is unreadable, of another format version, or out of date."""


class MissingExtraError(ReconcilerError):
    """An optional extra is not installed (``--sandbox`` without ``[sandbox]``)."""


class UnsafePlanError(ReconcilerError):
    """The plan exceeds a safety threshold from reconciler.yaml."""

    def __init__(self, breaches: Sequence[str]) -> None:
        self.breaches = tuple(breaches)
        super().__init__(
            "refusing to apply: " + "; ".join(self.breaches),
            hint="review the plan, then pass --force to apply it anyway",
        )


class StalePlanError(ReconcilerError):
    """Live schedules changed after the saved plan was computed."""

    def __init__(self, changed: Sequence[str]) -> None:
        self.changed = tuple(changed)
        super().__init__(
            "refusing to apply a stale plan: changed on the account since it was planned: "
            + ", ".join(self.changed),
            hint="run `reconciler plan` again and review the new plan",
        )


class ApplyError(ReconcilerError):
    """An apply finished without carrying out every change, or did not converge."""


class ApplyInterruptedError(ApplyError):
    """The user interrupted an apply; what was done is reported, the rest was not started."""

    exit_code = 130


class ApplyLockedError(ApplyError):
    """Another apply to the same account holds this machine's lock for it."""


class NameConflictError(ApplyError):
    """A schedule to be created already exists by name: another writer made it meanwhile.

    The create is never sent; ``ids`` are the schedules holding the name.
    """

    def __init__(self, name: str, ids: Iterable[int]) -> None:
        self.name = name
        self.ids = tuple(sorted(ids))
        held = ", ".join(str(i) for i in self.ids)
        super().__init__(
            f'conflict: a schedule named "{name}" appeared on the account after the plan '
            f"(id {held}); not created",
            hint="run `reconciler plan` again: the spec now matches that schedule",
        )


class ApiError(ReconcilerError):
    """An HTTP API answered a request with an error, or did not answer.

    ``service`` names the API when it is not TrackDrive (the GitOps commands talk to GitHub).
    """

    service: str = ""

    def __init__(
        self,
        message: str,
        *,
        method: str,
        path: str,
        status: int | None = None,
        hint: str | None = None,
    ) -> None:
        self.method = method
        self.path = path
        self.status = status
        where = f"{method} {path}" + (f" answered {status}" if status is not None else "")
        prefix = f"{self.service}: " if self.service else ""
        super().__init__(f"{prefix}{where}: {message}", hint=hint)


class AuthError(ApiError):
    """TrackDrive refused the credentials (401) or the permission (403)."""


class NotFoundError(ApiError):
    """No schedule with that id on the account (404)."""


class ApiValidationError(ApiError):
    """TrackDrive rejected the parameters (422); ``field_errors`` holds its messages."""

    def __init__(
        self,
        field_errors: Mapping[str, Sequence[str]],
        *,
        method: str,
        path: str,
        status: int | None = 422,
    ) -> None:
        self.field_errors = {k: tuple(v) for k, v in field_errors.items()}
        detail = "; ".join(f"{k}: {', '.join(v)}" for k, v in self.field_errors.items())
        super().__init__(
            detail or "the request was rejected", method=method, path=path, status=status
        )


class RateLimitedError(ApiError):
    """TrackDrive kept answering 429 after every retry.

    ``field_errors`` keeps what the answer said and about which parameter (make_call's redial
    guard names ``to``, its calls-per-second guard ``base``), so the two read apart.
    """

    def __init__(
        self,
        *,
        method: str,
        path: str,
        retry_after: float | None = None,
        status: int = 429,
        field_errors: Mapping[str, Sequence[str]] | None = None,
    ) -> None:
        self.retry_after = retry_after
        self.field_errors = {k: tuple(v) for k, v in (field_errors or {}).items()}
        detail = "; ".join(f"{k}: {', '.join(v)}" for k, v in self.field_errors.items())
        wait = f", retry after {retry_after:g} s" if retry_after is not None else ""
        super().__init__(
            f"rate limited ({detail}{wait})" if detail else f"rate limited{wait}",
            method=method,
            path=path,
            status=status,
            hint="lower --max-rps or --concurrency and run again",
        )


class ServerError(ApiError):
    """TrackDrive kept answering 5xx after every retry."""


class TransportError(ApiError):
    """No answer from TrackDrive: connection refused or cut, or a timeout."""


class UnexpectedResponseError(ApiError):
    """An answer the client cannot read (not JSON, no root key, a record without an id)."""


class InconsistentListingError(UnexpectedResponseError):
    """The account's record count disagreed with the records read, on every re-read.

    Apply refuses such a listing: a schedule it missed could be created a second time.
    """


class BoundExceededError(ApiError):
    """A bound on something the server controls tripped; ``bound`` names its option.

    The message says which bound, its value, and how to raise it, in one line.
    """

    def __init__(self, what: str, *, bound: str, method: str, path: str) -> None:
        self.bound = bound
        super().__init__(f"{what}; raise it with {bound}", method=method, path=path)
