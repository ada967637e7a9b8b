"""The TrackDrive Schedules API as the reconciler uses it: list, find, create, update, delete.

The client owns what a run needs to be a good citizen and to survive faults: pages fetched
concurrently within a bound, one rate limit for every request, retries of idempotent requests,
and creates that are never duplicated. The only HTTP is in ``exchange``; reading bodies is in
``wire``; what TrackDrive does not document is in ``assumptions``.
"""

from __future__ import annotations

import asyncio
import logging
import math
import time
from collections.abc import Awaitable, Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Final, TypeVar

import httpx

from reconciler.errors import (
    ApiError,
    ApiValidationError,
    BoundExceededError,
    InconsistentListingError,
    NameConflictError,
)
from reconciler.live import LiveRecordError, LiveSchedule, live_from_record
from reconciler.normalize import MANAGED_FIELDS, FieldValue, ManagedField
from reconciler.trackdrive import assumptions
from reconciler.trackdrive.bounds import Bounds
from reconciler.trackdrive.exchange import (
    AttemptFailed,
    Backoff,
    ClientStats,
    Exchange,
    RetryNotice,
)
from reconciler.trackdrive.limiter import Limiter
from reconciler.trackdrive.wire import WireError, encode_params, read_page, read_record

__all__ = ["PageCallback", "TrackDriveClient"]

T = TypeVar("T")

logger = logging.getLogger("reconciler.trackdrive")

# POST /api/v1/schedules takes these; the other managed fields only PUT does.
_POST_FIELDS: Final[tuple[ManagedField, ...]] = ("name", "offer_id", "paused", "description")
_PUT_ONLY_FIELDS: Final[tuple[ManagedField, ...]] = ("sortable_order", "lead_duplicate_timeframe")
# A refused connection is retried this many times at most: a server that is down stays down.
_REFUSED_RETRIES: Final = 2
# How many times a listing is read when its count says rows moved while it was read.
_LISTING_READS: Final = 3

# A listed schedule: decoded once where its page is read, and the raw record it came from.
_Row = tuple[LiveSchedule, dict[str, Any]]
# on_page(done, total): pages read so far, and the page count (None when the answer is silent).
PageCallback = Callable[[int, int | None], None]


def _no_progress(done: int, total: int | None) -> None:
    """No one watches the pages go by."""


@dataclass(frozen=True, slots=True)
class _SchedulePage:
    """One page of schedules, each decoded, and what its metadata says about the list."""

    rows: list[_Row]
    total_pages: int | None
    total_count: int | None


class TrackDriveClient:
    """The Schedules API of one account, over an ``httpx.AsyncClient`` the caller owns.

    ``concurrency`` bounds requests in flight and ``max_rps`` (if given) their rate, across
    every call on this client. ``retry_attempts`` counts every attempt of one request, the
    first included. ``bounds`` caps what the server controls (answer time, run deadline,
    pages, body size). The rate starts at ``max_rps`` (unlimited when None) and adapts to 429s
    unless ``adaptive_rate`` is False; ``on_retry`` hears of each retry before its wait.
    ``clock`` (monotonic seconds) and ``sleep`` are every wait's time source: tests pass a
    fake pair so no wait races the wall clock. Constructing it sends nothing.
    """

    def __init__(
        self,
        http: httpx.AsyncClient,
        *,
        concurrency: int = 8,
        max_rps: float | None = None,
        retry_attempts: int = 8,
        backoff: Backoff | None = None,
        per_page: int | None = assumptions.PER_PAGE_REQUESTED,
        bounds: Bounds | None = None,
        adaptive_rate: bool = True,
        on_retry: Callable[[RetryNotice], None] | None = None,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        if per_page is not None and per_page < 1:
            raise ValueError(f"per_page must be at least 1, got {per_page}")
        self._http = http
        self._bounds = bounds or Bounds()
        self._limiter = Limiter(
            concurrency=concurrency,
            max_rps=max_rps,
            clock=clock,
            sleep=sleep,
            adaptive=adaptive_rate,
        )
        self._exchange = Exchange(
            http,
            limiter=self._limiter,
            attempts=retry_attempts,
            backoff=backoff or Backoff(),
            clock=clock,
            sleep=sleep,
            bounds=self._bounds,
            on_retry=on_retry,
        )
        self._per_page = per_page
        # Requests the last full listing took: what a fresh listing costs (unknown: unbounded).
        self._listing_pages: float = math.inf
        # Whether `fulltext` is known to match names: None until a search shows it either way.
        self._fulltext_finds_names: bool | None = (
            None if assumptions.FULLTEXT_MATCHES_NAMES else False
        )

    def __repr__(self) -> str:
        return (
            f"TrackDriveClient(base_url={str(self._http.base_url)!r}, "
            f"concurrency={self._limiter.concurrency}, max_rps={self._limiter.max_rps})"
        )

    @property
    def stats(self) -> ClientStats:
        """Requests, retries, 429s and waiting so far, for the run summary."""
        return self._exchange.stats()

    # -- reading ---------------------------------------------------------------------------

    async def list_records(self) -> list[dict[str, Any]]:
        """Every schedule record of the account, raw, in the server's order, each id once."""
        return [record for _, record in await self._list({})]

    async def list_schedules(
        self, *, consistent: bool = False, on_page: PageCallback | None = None
    ) -> list[LiveSchedule]:
        """Every schedule of the account, in the server's order, each id once.

        A listing whose count disagrees with its records is re-read; if it still does after
        the last reading, ``consistent`` makes that an InconsistentListingError (apply must
        not act on a listing that may miss a schedule) instead of a logged warning.
        ``on_page(done, total)`` hears of each page read (``total`` None when not said), for
        a progress display; a re-reading counts from 1 again.
        """
        rows = await self._list({}, consistent=consistent, on_page=on_page)
        return [schedule for schedule, _ in rows]

    async def find_by_name(self, name: str) -> list[LiveSchedule]:
        """The schedules named exactly ``name`` (none, one, or several: names are not unique)."""
        return [schedule for schedule, _ in await self._rows_named(name, certain=False)]

    async def names_taken(self, names: Iterable[str]) -> dict[str, list[int]]:
        """Which of ``names`` schedules hold now, and their ids: a fresh look, for creates.

        One ``fulltext`` search a name when fulltext is known to find names and that takes
        fewer requests than a full listing; otherwise one full (consistent) listing.
        """
        wanted = set(names)
        if not wanted:
            return {}
        if self._fulltext_finds_names and len(wanted) < self._listing_pages:
            found = await _all(self._rows_named(n, certain=False) for n in sorted(wanted))
            rows = [row for rows in found for row in rows]
        else:
            rows = await self._list({}, consistent=True)
        taken: dict[str, list[int]] = {}
        for schedule, record in rows:
            name = record.get("name")
            if isinstance(name, str) and name in wanted:
                taken.setdefault(name, []).append(schedule.id)
        return taken

    async def get_schedule(self, schedule_id: int) -> LiveSchedule:
        """One schedule by id; NotFoundError when the account has none with that id."""
        return await self._exchange.request("GET", _schedule_path(schedule_id), read=_read_schedule)

    async def new_schedule(self) -> dict[str, Any]:
        """The defaults TrackDrive gives a new schedule (GET /api/v1/schedules/new)."""
        return await self._exchange.request(
            "GET", f"{assumptions.SCHEDULES_PATH}/new", read=_read_any_record
        )

    # -- writing ---------------------------------------------------------------------------

    async def create_schedule(self, fields: Mapping[ManagedField, FieldValue]) -> LiveSchedule:
        """Create a schedule: one POST, then one PUT if a field only PUT accepts is given.

        The name is looked up first: a schedule already holding it (another writer created
        it since the plan) is a NameConflictError and nothing is sent. The POST is never sent
        again blindly: when its outcome is unknown, the name is looked up again and a record
        found is adopted.
        """
        _check_fields(fields)
        name = fields.get("name")
        if not isinstance(name, str) or not name:
            raise ValueError("a schedule is created with a name")
        post: dict[str, Any] = {k: fields[k] for k in _POST_FIELDS if k in fields}
        later = {k: fields[k] for k in _PUT_ONLY_FIELDS if k in fields}
        already_named = {s.id for s in await self.find_by_name(name)}
        if already_named:
            raise NameConflictError(name, already_named)
        created = await self._post_once_only(name, encode_params(post), already_named)
        if later:
            return await self.update_schedule(created.id, later)
        return created

    async def update_schedule(
        self, schedule_id: int, fields: Mapping[ManagedField, FieldValue]
    ) -> LiveSchedule:
        """Set exactly ``fields`` on a schedule with one PUT, and return what TrackDrive says."""
        _check_fields(fields)
        if not fields:
            raise ValueError("an update needs at least one field")
        return await self._exchange.request(
            "PUT",
            _schedule_path(schedule_id),
            json=encode_params(fields),
            read=_read_schedule,
        )

    async def delete_schedule(self, schedule_id: int) -> None:
        """Delete a schedule; a 404 after an attempt of unknown outcome counts as done."""
        await self._exchange.delete(_schedule_path(schedule_id), read=_read_anything)

    async def make_call(self, **params: Any) -> dict[str, Any]:
        """Place a call now (POST /api/v1/schedules/make_call); sent once, never retried.

        A call placed twice is worse than an error the caller sees, so no failure of this
        request, of whatever kind, leads to sending it again.
        """
        path = f"{assumptions.SCHEDULES_PATH}/make_call"
        try:
            return await self._exchange.send_once(
                "POST", path, json=encode_params(params), read=_read_call
            )
        except AttemptFailed as failed:
            raise failed.to_api_error() from None

    # -- listing ---------------------------------------------------------------------------

    async def _list(
        self,
        filters: Mapping[str, str],
        *,
        consistent: bool = False,
        on_page: PageCallback | None = None,
    ) -> list[_Row]:
        """All pages of a (filtered) list, re-read while its count says rows moved meanwhile."""
        rows: list[_Row] = []
        expected: int | None = None
        for reading in range(1, _LISTING_READS + 1):
            rows, expected = await self._list_once(filters, on_page or _no_progress)
            if expected is None or expected == len(rows):
                return rows
            logger.warning(
                "listing schedules read %d of the %d the account reports (read %d of %d): "
                "schedules changed while they were read",
                len(rows),
                expected,
                reading,
                _LISTING_READS,
            )
        if consistent:
            raise InconsistentListingError(
                f"the account reported {expected} schedules but {len(rows)} were read, "
                f"on each of {_LISTING_READS} readings: refusing to act on a listing that may "
                "miss schedules",
                method="GET",
                path=assumptions.SCHEDULES_PATH,
                hint="another writer may be changing the account; run again when it is quiet",
            )
        return rows

    async def _list_once(
        self, filters: Mapping[str, str], on_page: PageCallback
    ) -> tuple[list[_Row], int | None]:
        """One reading of every page, and the record count page 1 announced (if any)."""
        first = await self._page(1, filters)
        pages = self._page_count(first)
        on_page(1, pages)
        if pages is None:
            everything = await self._pages_until_empty(first, filters, on_page)
        else:
            done = 1

            async def counted(number: int) -> _SchedulePage:
                nonlocal done
                page = await self._page(number, filters)
                done += 1
                on_page(done, pages)
                return page

            rest = await _all(counted(n) for n in range(2, pages + 1))
            everything = [first, *rest]
        if not filters:
            self._listing_pages = len(everything)
        return _merge(everything), first.total_count

    def _page_count(self, first: _SchedulePage) -> int | None:
        """Pages in the list, from page 1's metadata (said or implied); None when it is silent.

        Whether the count is said (total_pages) or implied (total_count over the page size),
        more pages than the bound stop the listing before any of them is asked for.
        """
        pages: int | None = None
        if first.total_pages is not None:
            pages = first.total_pages
        elif assumptions.PAGES_FROM_TOTAL_COUNT and first.total_count is not None and first.rows:
            pages = math.ceil(first.total_count / len(first.rows))
        if pages is not None and pages > self._bounds.max_pages:
            raise self._too_many_pages(f"the listing has {pages} pages")
        return pages

    async def _pages_until_empty(
        self, first: _SchedulePage, filters: Mapping[str, str], on_page: PageCallback
    ) -> list[_SchedulePage]:
        """Pages one by one, for an answer without paging metadata (a bare array)."""
        pages = [first]
        seen = {schedule.id for schedule, _ in first.rows}
        number = 1
        while pages[-1].rows:
            if number >= self._bounds.max_pages:
                raise self._too_many_pages(f"the listing goes on past page {number}")
            number += 1
            page = await self._page(number, filters)
            ids = {schedule.id for schedule, _ in page.rows}
            # A server that ignores `page` answers page 1 again: stop instead of looping.
            if not ids or ids <= seen:
                break
            seen |= ids
            pages.append(page)
            on_page(len(pages), None)
        return pages

    def _too_many_pages(self, what: str) -> BoundExceededError:
        return BoundExceededError(
            f"{what}, more than the page limit of {self._bounds.max_pages}",
            bound="--max-pages",
            method="GET",
            path=assumptions.SCHEDULES_PATH,
        )

    async def _page(self, number: int, filters: Mapping[str, str]) -> _SchedulePage:
        params: dict[str, str | int] = {assumptions.PAGE_PARAM: number}
        if self._per_page is not None:
            params[assumptions.PER_PAGE_PARAM] = self._per_page
        params.update(dict(assumptions.LIST_ORDER))
        params.update(filters)
        return await self._exchange.request(
            "GET",
            assumptions.SCHEDULES_PATH,
            params=params,
            read=_read_schedule_page,
            label=f"page {number}",
        )

    # -- names -----------------------------------------------------------------------------

    async def _rows_named(self, name: str, *, certain: bool) -> list[_Row]:
        """Schedules named exactly ``name``: by ``fulltext`` search, else by the full list.

        An empty search is trusted only once fulltext has been seen to find names, and never
        when ``certain`` (after a POST of unknown outcome, a missed record means a duplicate).
        """
        if self._fulltext_finds_names is not False:
            try:
                found = _named(await self._list({"fulltext": name}), name)
            except ApiValidationError:
                logger.debug("fulltext search refused; finding names in the full list")
                self._fulltext_finds_names = False
                found = []
            if found:
                self._fulltext_finds_names = True
                return found
            if self._fulltext_finds_names and not certain:
                return []
        found = _named(await self._list({}), name)
        if found and self._fulltext_finds_names is None:
            logger.debug("fulltext did not find %r; finding names in the full list", name)
            self._fulltext_finds_names = False
        return found

    async def _learn_fulltext(self, name: str) -> None:
        """After a create, search its name once so later lookups can trust fulltext."""
        if self._fulltext_finds_names is not None:
            return
        try:
            found = _named(await self._list({"fulltext": name}), name)
        except ApiError as exc:
            # Only an optimisation: the schedule exists, so the create must not fail here.
            logger.debug("fulltext probe for %r failed (%s); not relying on fulltext", name, exc)
            found = []
        self._fulltext_finds_names = bool(found)

    # -- the create that never duplicates --------------------------------------------------

    async def _post_once_only(
        self, name: str, body: Mapping[str, Any], already_named: set[int]
    ) -> LiveSchedule:
        """POST a new schedule; resolve unknown outcomes by name before any new POST."""
        path = assumptions.SCHEDULES_PATH
        attempts = self._exchange.attempts
        label = f"{path} ({name})"
        refused = 0
        for attempt in range(1, attempts + 1):
            try:
                created = await self._exchange.send_once(
                    "POST", path, json=body, read=_read_schedule, attempt=attempt
                )
            except AttemptFailed as failed:
                last_attempt = attempt == attempts
                refused += failed.refused
                if not failed.outcome_unknown:
                    if not failed.retryable or last_attempt or refused > _REFUSED_RETRIES:
                        raise failed.to_api_error() from None
                    await self._wait_before_retry(failed, attempt, label)
                    continue
                # Wait before looking too: a slow server may still be committing this POST.
                await self._wait_before_retry(failed, attempt, label)
                adopted = await self._committed_meanwhile(failed, name, already_named)
                if adopted is not None:
                    return adopted
                if failed.status is None:
                    # No answer at all: not found yet is not "not created". The POST may still
                    # be committing on the server, and a second POST would then duplicate it.
                    # Give up on this change; the next run's plan sees what happened.
                    error = failed.to_api_error()
                    error.hint = (
                        f"the POST for '{name}' got no answer and no schedule by that name "
                        "exists yet; it may still be created, so it was not sent again: plan "
                        "again in a minute, and apply creates it only if it is still missing"
                    )
                    raise error from None
                # The server answered (a 5xx), so it is done with the request: a lookup that
                # finds nothing means nothing was created, and sending again is safe.
                if not failed.retryable or last_attempt:
                    raise failed.to_api_error() from None
            else:
                await self._learn_fulltext(name)
                return created
        raise AssertionError("unreachable: the last attempt returns or raises")

    async def _wait_before_retry(self, failed: AttemptFailed, attempt: int, label: str) -> None:
        try:
            await self._exchange.wait_before_retry(failed, attempt, label=label)
        except AttemptFailed as passed:  # the run's deadline would pass during the wait
            raise passed.to_api_error() from None

    async def _committed_meanwhile(
        self, failed: AttemptFailed, name: str, already_named: set[int]
    ) -> LiveSchedule | None:
        """The schedule a POST of unknown outcome created, if it did; None if it did not."""
        try:
            rows = await self._rows_named(name, certain=True)
        except ApiError as lookup_error:
            error = failed.to_api_error()
            error.hint = (
                f"a schedule named '{name}' may have been created; the lookup failed "
                f"({lookup_error}); check the account before running again"
            )
            raise error from None
        new = sorted(
            (schedule for schedule, _ in rows if schedule.id not in already_named),
            key=lambda s: s.id,
        )
        if not new:
            logger.debug("POST %s (%s) created nothing: sending it again", failed.path, name)
            return None
        if len(new) > 1:
            logger.warning(
                "%d schedules named %r appeared during a create; adopting the oldest, id %d",
                len(new),
                name,
                new[0].id,
            )
        logger.debug("POST %s (%s) was committed: adopting id %d", failed.path, name, new[0].id)
        return new[0]


# -- readers: body -> result; WireError for anything unreadable -----------------------------


def _read_schedule_page(body: Any) -> _SchedulePage:
    page = read_page(body)
    # Each record is decoded here, once: a bad one fails the request it came in, by name.
    return _SchedulePage(
        rows=[(_live(record), record) for record in page.records],
        total_pages=page.total_pages,
        total_count=page.total_count,
    )


def _read_schedule(body: Any) -> LiveSchedule:
    record = read_record(body)
    if not isinstance(record, dict):
        raise WireError("the schedule in the answer is not an object")
    return _live(record)


def _read_any_record(body: Any) -> dict[str, Any]:
    record = read_record(body)
    if not isinstance(record, dict):
        raise WireError("the record in the answer is not an object")
    return record


def _read_call(body: Any) -> dict[str, Any]:
    record = read_record(body, root_keys=assumptions.CALL_ROOT_KEYS)
    return record if isinstance(record, dict) else {"result": record}


def _read_anything(body: Any) -> Any:
    return body


def _live(record: Mapping[str, Any]) -> LiveSchedule:
    """A record as a schedule; WireError for a bad id (see assumptions) or a bad field."""
    _check_id(record.get("id"))
    try:
        return live_from_record(record)
    except LiveRecordError as exc:
        raise WireError(str(exc)) from None


def _check_id(raw: object) -> None:
    """Refuse an id that is not a whole number from 1 to MAX_SCHEDULE_ID, by its shape."""
    if isinstance(raw, int) and not isinstance(raw, bool):
        schedule_id = raw
    elif isinstance(raw, str) and raw.isascii() and raw.isdigit():
        schedule_id = int(raw)
    else:
        raise WireError(f"a schedule record has no usable id: {repr(raw)[:40]}")
    if not 1 <= schedule_id <= assumptions.MAX_SCHEDULE_ID:
        raise WireError(
            f"a schedule record has id {str(schedule_id)[:40]}: "
            "ids are whole numbers from 1 to 2^63 - 1"
        )


# -- small helpers ---------------------------------------------------------------------------


def _merge(pages: Iterable[_SchedulePage]) -> list[_Row]:
    """Records in page order, each id once.

    A write during the listing shifts rows between pages, so a record can show up on two
    of them (and another be missed: the count check in ``_list`` re-reads for that).
    """
    merged: dict[int, _Row] = {}
    for page in pages:
        for row in page.rows:
            merged.setdefault(row[0].id, row)
    return list(merged.values())


def _named(rows: Iterable[_Row], name: str) -> list[_Row]:
    return [row for row in rows if row[1].get("name") == name]


def _schedule_path(schedule_id: int) -> str:
    if isinstance(schedule_id, bool) or not isinstance(schedule_id, int) or schedule_id < 1:
        raise ValueError(f"a schedule id is a positive whole number, got {schedule_id!r}")
    return f"{assumptions.SCHEDULES_PATH}/{schedule_id}"


def _check_fields(fields: Iterable[str]) -> None:
    unknown = sorted(set(fields) - set(MANAGED_FIELDS))
    if unknown:
        raise ValueError(f"not managed fields: {', '.join(unknown)}")


async def _all(coroutines: Iterable[Awaitable[T]]) -> list[T]:
    """Await all, in order; on the first failure cancel the rest and raise that failure."""
    tasks: list[asyncio.Task[T]] = []
    try:
        async with asyncio.TaskGroup() as group:
            tasks = [group.create_task(_awaited(c)) for c in coroutines]
    except BaseExceptionGroup as failures:
        raise _first_leaf(failures) from None
    return [t.result() for t in tasks]


async def _awaited(awaitable: Awaitable[T]) -> T:
    return await awaitable


def _first_leaf(group: BaseExceptionGroup[BaseException]) -> BaseException:
    first = group.exceptions[0]
    return _first_leaf(first) if isinstance(first, BaseExceptionGroup) else first
