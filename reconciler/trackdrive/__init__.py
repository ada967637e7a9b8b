"""The only code that speaks HTTP to TrackDrive.

::

    resolve_account(api_url=, subdomain=, env=)  -> Account (base URL + keys, repr hides keys)
    build_http_client(account)                   -> httpx.AsyncClient (auth, User-Agent)
    TrackDriveClient(http, concurrency=, max_rps=, retry_attempts=, backoff=, bounds=,
                     adaptive_rate=, on_retry=, clock=, sleep=)
        list_schedules / list_records / find_by_name / get_schedule / new_schedule
        create_schedule / update_schedule / delete_schedule / make_call
        stats                                    -> ClientStats for the run summary

Failures surface as the ``ApiError`` subclasses of ``reconciler.errors``. Private modules:
``exchange`` (one request: gate, retries, error mapping), ``wire`` (bodies), ``limiter``
(token bucket and concurrency), ``assumptions`` (what TrackDrive does not document).
"""

from reconciler.trackdrive.account import (
    ENV_API_URL,
    ENV_PRIVATE_KEY,
    ENV_PUBLIC_KEY,
    ENV_SUBDOMAIN,
    Account,
    resolve_account,
)
from reconciler.trackdrive.bounds import Bounds
from reconciler.trackdrive.client import TrackDriveClient
from reconciler.trackdrive.exchange import Backoff, ClientStats, RetryNotice
from reconciler.trackdrive.session import USER_AGENT, build_http_client

__all__ = [
    "ENV_API_URL",
    "ENV_PRIVATE_KEY",
    "ENV_PUBLIC_KEY",
    "ENV_SUBDOMAIN",
    "USER_AGENT",
    "Account",
    "Backoff",
    "Bounds",
    "ClientStats",
    "RetryNotice",
    "TrackDriveClient",
    "build_http_client",
    "resolve_account",
]
