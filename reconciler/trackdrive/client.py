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
from typing import Any, Final, TypeVar

import httpx

from reconciler.errors import ApiError, ApiValidationError
from reconciler.live import LiveRecordError, LiveSchedule, live_from_record
from reconciler.normalize import MANAGED_FIELDS, FieldValue, ManagedField
from reconciler.trackdrive import assumptions
from reconciler.trackdrive.exchange import AttemptFailed, Backoff, ClientStats, Exchange
from reconciler.trackdrive.limiter import Limiter
from reconciler.trackdrive.wire import Page, WireError, encode_params, read_page, read_record

__all__ = ["TrackDriveClient"]

T = TypeVar("T")

logger = logging.getLogger("reconciler.trackdrive")

# POST /api/v1/schedules takes these; the other managed fields only PUT does.
_POST_FIELDS: Final[tuple[ManagedField, ...]] = ("name", "offer_id", "paused", "description")
_PUT_ONLY_FIELDS: Final[tuple[ManagedField, ...]] = ("sortable_order", "lead_duplicate_timeframe")
# More pages than this is not an account but a broken answer (2.5 million schedules at 25).
_MAX_PAGES: Final = 100_000
# How many times a listing is read when its count says rows moved while it was read.
_LISTING_READS: Final = 3


class TrackDriveClient:
    """The Schedules API of one account, over an ``httpx.AsyncClient`` the caller owns.

    ``concurrency`` bounds requests in flight and ``max_rps`` (if given) their rate, across
    every call on this client. ``retry_attempts`` counts every attempt of one request, the
    first included. ``clock`` (monotonic seconds) and ``sleep`` are every wait's time source:
    tests pass a fake pair so no wait races the wall clock. Constructing it sends nothing.
    """

    def __init__(
        self,
        http: httpx.AsyncClient,
        *,
        concurrency: int = 8,
        max_rps: float | None = None,
        retry_attempts: int = 5,
        backoff: Backoff | None = None,
        per_page: int | None = assumptions.PER_PAGE_REQUESTED,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        if per_page is not None and per_page < 1:
            raise ValueError(f"per_page must be at least 1, got {per_page}")
        self._http = http
        self._limiter = Limiter(concurrency=concurrency, max_rps=max_rps, clock=clock, sleep=sleep)
        self._exchange = Exchange(
            http,
            limiter=self._limiter,
            attempts=retry_attempts,
            backoff=backoff or Backoff(),
            clock=clock,
            sleep=sleep,
        )
        self._per_page = per_page
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
        return await self._list({})

    async def list_schedules(self) -> list[LiveSchedule]:
        """Every schedule of the account, in the server's order, each id once."""
        return [live_from_record(r) for r in await self.list_records()]

    async def find_by_name(self, name: str) -> list[LiveSchedule]:
        """The schedules named exactly ``name`` (none, one, or several: names are not unique)."""
        return [live_from_record(r) for r in await self._records_named(name, certain=False)]

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

        The POST is never sent again blindly: when its outcome is unknown, the name is looked
        up (ignoring schedules that already had it) and a record found is adopted.
        """
        _check_fields(fields)
        name = fields.get("name")
        if not isinstance(name, str) or not name:
            raise ValueError("a schedule is created with a name")
        post: dict[str, Any] = {k: fields[k] for k in _POST_FIELDS if k in fields}
        later = {k: fields[k] for k in _PUT_ONLY_FIELDS if k in fields}
        already_named = {s.id for s in await self.find_by_name(name)}
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

    async def _list(self, filters: Mapping[str, str]) -> list[dict[str, Any]]:
        """All pages of a (filtered) list, re-read while its count says rows moved meanwhile."""
        records: list[dict[str, Any]] = []
        for reading in range(1, _LISTING_READS + 1):
            records, expected = await self._list_once(filters)
            if expected is None or expected == len(records):
                return records
            logger.warning(
                "listing schedules read %d of the %d the account reports (read %d of %d): "
                "schedules changed while they were read",
                len(records),
                expected,
                reading,
                _LISTING_READS,
            )
        return records

    async def _list_once(
        self, filters: Mapping[str, str]
    ) -> tuple[list[dict[str, Any]], int | None]:
        """One reading of every page, and the record count page 1 announced (if any)."""
        first = await self._page(1, filters)
        pages = _page_count(first)
        if pages is None:
            everything = await self._pages_until_empty(first, filters)
        else:
            rest = await _all(self._page(n, filters) for n in range(2, pages + 1))
            everything = [first, *rest]
        return _merge(everything), first.total_count

    async def _pages_until_empty(self, first: Page, filters: Mapping[str, str]) -> list[Page]:
        """Pages one by one, for an answer without paging metadata (a bare array)."""
        pages = [first]
        seen = {_record_id(r) for r in first.records}
        number = 1
        while pages[-1].records and number < _MAX_PAGES:
            number += 1
            page = await self._page(number, filters)
            ids = {_record_id(r) for r in page.records}
            # A server that ignores `page` answers page 1 again: stop instead of looping.
            if not ids or ids <= seen:
                break
            seen |= ids
            pages.append(page)
        return pages

    async def _page(self, number: int, filters: Mapping[str, str]) -> Page:
        params: dict[str, str | int] = {assumptions.PAGE_PARAM: number}
        if self._per_page is not None:
            params[assumptions.PER_PAGE_PARAM] = self._per_page
        params.update(dict(assumptions.LIST_ORDER))
        params.update(filters)
        return await self._exchange.request(
            "GET", assumptions.SCHEDULES_PATH, params=params, read=_read_schedule_page
        )

    # -- names -----------------------------------------------------------------------------

    async def _records_named(self, name: str, *, certain: bool) -> list[dict[str, Any]]:
        """Records named exactly ``name``: by ``fulltext`` search, else by the full list.

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
        found = _named(await self.list_records(), name)
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
        for attempt in range(1, attempts + 1):
            try:
                created = await self._exchange.send_once(
                    "POST", path, json=body, read=_read_schedule, attempt=attempt
                )
            except AttemptFailed as failed:
                last_attempt = attempt == attempts
                if not failed.outcome_unknown:
                    if not failed.retryable or last_attempt:
                        raise failed.to_api_error() from None
                    await self._exchange.wait_before_retry(failed, attempt)
                    continue
                # Wait before looking too: a slow server may still be committing this POST.
                await self._exchange.wait_before_retry(failed, attempt)
                adopted = await self._committed_meanwhile(failed, name, already_named)
                if adopted is not None:
                    return adopted
                if not failed.retryable or last_attempt:
                    raise failed.to_api_error() from None
            else:
                await self._learn_fulltext(name)
                return created
        raise AssertionError("unreachable: the last attempt returns or raises")

    async def _committed_meanwhile(
        self, failed: AttemptFailed, name: str, already_named: set[int]
    ) -> LiveSchedule | None:
        """The schedule a POST of unknown outcome created, if it did; None if it did not."""
        try:
            records = await self._records_named(name, certain=True)
        except ApiError as lookup_error:
            error = failed.to_api_error()
            error.hint = (
                f"a schedule named '{name}' may have been created; the lookup failed "
                f"({lookup_error}); check the account before running again"
            )
            raise error from None
        new = sorted(
            (live_from_record(r) for r in records if _record_id(r) not in already_named),
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


def _read_schedule_page(body: Any) -> Page:
    page = read_page(body)
    if page.total_pages is not None and page.total_pages > _MAX_PAGES:
        raise WireError(f"the answer claims {page.total_pages} pages")
    for record in page.records:
        _live(record)  # fail here, where the request is known, rather than later
    return page


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
    try:
        return live_from_record(record)
    except LiveRecordError as exc:
        raise WireError(str(exc)) from None


# -- small helpers ---------------------------------------------------------------------------


def _page_count(first: Page) -> int | None:
    """Pages in the list, from page 1's metadata; None when it does not say."""
    if first.total_pages is not None:
        return first.total_pages
    if assumptions.PAGES_FROM_TOTAL_COUNT and first.total_count is not None and first.records:
        return math.ceil(first.total_count / len(first.records))
    return None


def _merge(pages: Iterable[Page]) -> list[dict[str, Any]]:
    """Records in page order, each id once.

    A write during the listing shifts rows between pages, so a record can show up on two
    of them (and another be missed: the count check in ``_list`` re-reads for that).
    """
    merged: dict[int, dict[str, Any]] = {}
    for page in pages:
        for record in page.records:
            merged.setdefault(_record_id(record), record)
    return list(merged.values())


def _named(records: Iterable[Mapping[str, Any]], name: str) -> list[dict[str, Any]]:
    return [dict(r) for r in records if r.get("name") == name]


def _record_id(record: Mapping[str, Any]) -> int:
    # Pages were read through _read_schedule_page, so the id is an int or a string of digits.
    return int(record["id"])


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
