"""The sandbox's clock: wall time in the account's zone, which tests may move forward.

Timestamps are rendered as TrackDrive renders them: ``2019-08-09T17:13:00.378-04:00``
(milliseconds, the account's UTC offset).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta, timezone, tzinfo
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

__all__ = ["ACCOUNT_TIME_ZONE", "ACCOUNT_ZONE", "SandboxClock", "epoch_us", "format_timestamp"]

#: The Rails zone name every sandbox schedule carries, and the zone of its timestamps.
ACCOUNT_TIME_ZONE = "Eastern Time (US & Canada)"


def _account_zone() -> tzinfo:
    try:
        return ZoneInfo("America/New_York")
    except ZoneInfoNotFoundError:  # no tz database on this machine: a fixed EST offset
        return timezone(timedelta(hours=-5), "EST")


ACCOUNT_ZONE = _account_zone()


class SandboxClock:
    """Wall-clock time plus an offset that only ever grows (``advance``).

    ``ticks`` is the monotonic source the rate limit's bucket refills from (``monotonic``).
    Tests pass a constant (``ticks=lambda: 0.0``): the bucket then refills only when the
    clock is advanced, so whether a request is throttled never depends on how fast it ran.
    """

    def __init__(self, ticks: Callable[[], float] = time.monotonic) -> None:
        self._offset = timedelta()
        self._ticks = ticks
        self._lock = threading.Lock()

    def now(self) -> datetime:
        """The current sandbox time, aware, in the account's zone, to the millisecond."""
        with self._lock:
            offset = self._offset
        moment = datetime.now(UTC) + offset
        moment = moment.replace(microsecond=moment.microsecond // 1000 * 1000)
        return moment.astimezone(ACCOUNT_ZONE)

    def monotonic(self) -> float:
        """Seconds on a monotonic scale: ``ticks`` plus every advance so far."""
        with self._lock:
            offset = self._offset
        return self._ticks() + offset.total_seconds()

    def advance(self, seconds: float) -> None:
        """Move the sandbox's time forward by ``seconds`` (tests use it to expire guards)."""
        if seconds < 0:
            raise ValueError("the sandbox clock only moves forward")
        with self._lock:
            self._offset += timedelta(seconds=seconds)


def format_timestamp(moment: datetime) -> str:
    """``2019-08-09T17:13:00.378-04:00``: milliseconds and the account's offset."""
    local = moment.astimezone(ACCOUNT_ZONE)
    return local.isoformat(timespec="milliseconds")


_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def epoch_us(moment: datetime) -> int:
    """Microseconds since the Unix epoch: how the database compares and orders times."""
    return (moment - _EPOCH) // timedelta(microseconds=1)
