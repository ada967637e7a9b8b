"""The Schedules endpoints of the reference: list, new, create, show, update, delete, make_call.

Every endpoint checks Basic auth (401), parses params (400 for a body that does not parse),
validates them as the reference says (422 ``{"status": 422, "errors": {...}}``) and answers
404 for an unknown id. Single records come in TrackDrive's envelope (``status``, ``errors``,
``schedule``, ``checksum``, ``metadata``); the list as ``{"schedules": [...], "metadata": {...}}``.
"""

from __future__ import annotations

import csv
import io
import json
import math
from collections.abc import Awaitable, Callable, Mapping
from typing import Any, TypeVar

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from reconciler.sandbox import assumptions
from reconciler.sandbox.auth import check_basic_auth
from reconciler.sandbox.dialer import CallRefusedError
from reconciler.sandbox.fields import (
    COLUMNS,
    CREATE_PARAMS,
    ORDER_FIELDS,
    SERIALIZERS,
    UPDATE_PARAMS,
)
from reconciler.sandbox.model import (
    Errors,
    Record,
    ValidationFailedError,
    blank_record,
    envelope,
    error_body,
    present,
    read_changes,
)
from reconciler.sandbox.params import MalformedBodyError, read_params
from reconciler.sandbox.state import SandboxState
from reconciler.sandbox.store import ListQuery
from reconciler.sandbox.values import (
    INT8_MAX,
    InvalidParamError,
    parse_boolean,
    parse_choice,
    parse_filter_time,
    parse_number,
    parse_string,
)

__all__ = ["ENDPOINTS"]

DEFAULT_PER_PAGE = assumptions.DEFAULT_PER_PAGE
#: The query params the list documents (plus per_page, which the sandbox honours).
LIST_PARAMS: frozenset[str] = frozenset(
    {
        "page",
        "per_page",
        "order",
        "order_dir",
        "fulltext",
        "created_at_from",
        "created_at_to",
        "columns",
        "serializer",
        "root",
    }
)
T = TypeVar("T")
Handler = Callable[[Request, SandboxState, dict[str, Any]], Response]


class ScheduleNotFoundError(Exception):
    """No schedule has the id or uuid in the path."""


def json_error(status: int, errors: Errors, headers: Mapping[str, str] | None = None) -> Response:
    """A JSON error response with TrackDrive's body."""
    return JSONResponse(error_body(status, errors), status_code=status, headers=headers)


def api_endpoint(handler: Handler) -> Callable[[Request], Awaitable[Response]]:
    """Wrap a handler with auth, param parsing and the mapping of errors to responses."""

    async def endpoint(request: Request) -> Response:
        state: SandboxState = request.app.state.sandbox
        denied = check_basic_auth(request, state.config)
        if denied is not None:
            return denied
        try:
            params = await read_params(request)
            return handler(request, state, params)
        except MalformedBodyError as exc:
            return json_error(assumptions.MALFORMED_BODY_STATUS, {"base": [str(exc)]})
        except ValidationFailedError as exc:
            return json_error(assumptions.VALIDATION_STATUS, exc.errors)
        except ScheduleNotFoundError:
            return json_error(404, {"id": ["no schedule with this id or uuid"]})
        except CallRefusedError as exc:
            return json_error(exc.status, exc.errors, exc.headers)

    endpoint.__name__ = handler.__name__
    endpoint.__doc__ = handler.__doc__
    return endpoint


class _Checker:
    """Validates params one by one, collecting every error before failing."""

    def __init__(self, params: Mapping[str, Any]) -> None:
        self.params = params
        self.errors: Errors = {}

    def check(self, name: str, parse: Callable[[object], T | None]) -> T | None:
        try:
            return parse(self.params.get(name))
        except InvalidParamError as exc:
            self.errors.setdefault(name, []).append(str(exc))
            return None

    def done(self) -> None:
        if self.errors:
            raise ValidationFailedError(self.errors)


def _serializer(value: object) -> str | None:
    return parse_choice(value, SERIALIZERS)


def _columns(value: object) -> list[str] | None:
    text = parse_string(value)
    if text is None or not text.strip():
        return None
    wanted = [name.strip() for name in text.split(",") if name.strip()]
    unknown = [name for name in wanted if name not in COLUMNS]
    if unknown:
        raise InvalidParamError(
            "must be any combination of the documented columns; unknown: " + ", ".join(unknown)
        )
    return wanted


def _page(value: object) -> int | None:
    return parse_number(value, maximum=INT8_MAX)


def _csv_value(value: object) -> str:
    if value is None:
        return assumptions.CSV_NULL
    if isinstance(value, bool):
        return assumptions.CSV_TRUE if value else assumptions.CSV_FALSE
    if isinstance(value, list | dict):
        return json.dumps(value)
    return str(value)


def _csv_response(records: list[Record], fields: tuple[str, ...]) -> Response:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(fields)
    for record in records:
        writer.writerow([_csv_value(record.get(name)) for name in fields])
    return Response(buffer.getvalue(), media_type="text/csv; charset=utf-8")


def list_schedules(request: Request, state: SandboxState, params: dict[str, Any]) -> Response:
    """``GET /api/v1/schedules`` (also ``.json`` and ``.csv``): one page, in a stable order."""
    checker = _Checker(params)
    ignored = sorted(set(request.query_params) - LIST_PARAMS)
    if ignored and not assumptions.UNKNOWN_PARAMS_IGNORED:
        for name in ignored:
            checker.errors[name] = ["is not a parameter of this endpoint"]
    state.faults.stats.ignored_params.update(ignored)
    serializer = checker.check("serializer", _serializer) or "schedule"
    page = max(assumptions.FIRST_PAGE, checker.check("page", _page) or assumptions.FIRST_PAGE)
    order = checker.check("order", lambda value: parse_choice(value, ORDER_FIELDS))
    order_dir = checker.check("order_dir", lambda value: parse_choice(value, ("asc", "desc")))
    fulltext = checker.check("fulltext", parse_string)
    created_from = checker.check("created_at_from", parse_filter_time)
    created_to = checker.check("created_at_to", parse_filter_time)
    columns = checker.check("columns", _columns)
    root = checker.check("root", parse_boolean)
    settings = state.faults.settings
    # [I] The Schedules list does not document per_page; the sandbox honours it up to
    # per_page_max, or ignores it entirely when ignore_per_page is set.
    per_page = DEFAULT_PER_PAGE
    if not settings.ignore_per_page:
        per_page = checker.check("per_page", _page) or DEFAULT_PER_PAGE
        per_page = min(per_page, settings.per_page_max)
    checker.done()
    query = ListQuery(
        order=order,
        descending=order_dir == "desc",
        fulltext=fulltext.strip() if fulltext else None,
        created_from=created_from,
        created_to=created_to,
        page=page,
        per_page=per_page,
    )
    records, total = state.schedules.page(query)
    shown = [present(record, serializer, columns) for record in records]
    if request.url.path.endswith(_CSV_SUFFIX):
        fields = tuple(present(blank_record(), serializer, columns))
        return _csv_response(shown, fields)
    if root is False:
        return JSONResponse(shown)
    metadata = {"page": page, "total_count": total, "total_pages": math.ceil(total / per_page)}
    return JSONResponse({"schedules": shown, "metadata": metadata})


def _record_response(
    record: Record, params: Mapping[str, Any], checker: _Checker | None = None
) -> Response:
    checker = checker or _Checker(params)
    serializer = checker.check("serializer", _serializer) or "schedule"
    checker.done()
    return JSONResponse(envelope("schedule", present(record, serializer, None)))


_CSV_SUFFIX = assumptions.ROUTE_SUFFIXES[1]


def _key(request: Request) -> str:
    key: str = request.path_params["key"]
    return key.removesuffix(assumptions.ROUTE_SUFFIXES[0])


def new_schedule(request: Request, state: SandboxState, params: dict[str, Any]) -> Response:
    """``GET /api/v1/schedules/new``: a Schedule with its defaults, not saved."""
    return _record_response(blank_record(), params)


def _changes(params: Mapping[str, Any], permitted: tuple[str, ...]) -> Record:
    checker = _Checker(params)
    checker.check("serializer", _serializer)
    changes: Record = {}
    try:
        changes = read_changes(params, permitted)
    except ValidationFailedError as exc:
        for field, messages in exc.errors.items():
            checker.errors.setdefault(field, []).extend(messages)
    checker.done()
    return changes


def create_schedule(request: Request, state: SandboxState, params: dict[str, Any]) -> Response:
    """``POST /api/v1/schedules``: name, offer_id, description, paused (others are dropped)."""
    changes = _changes(params, CREATE_PARAMS)
    if assumptions.NAME_REQUIRED and "name" not in changes:
        raise ValidationFailedError({"name": ["can't be blank"]})
    record = state.schedules.create(changes)
    return _record_response(record, params)


def show_schedule(request: Request, state: SandboxState, params: dict[str, Any]) -> Response:
    """``GET /api/v1/schedules/:id`` (integer id or uuid)."""
    record = state.schedules.get(_key(request))
    if record is None:
        raise ScheduleNotFoundError
    return _record_response(record, params)


def update_schedule(request: Request, state: SandboxState, params: dict[str, Any]) -> Response:
    """``PUT /api/v1/schedules/:id``: create's params, sortable_order, lead_duplicate_timeframe."""
    key = _key(request)
    if state.schedules.get(key) is None:
        raise ScheduleNotFoundError
    changes = _changes(params, UPDATE_PARAMS)
    record = state.schedules.update(key, changes)
    if record is None:  # deleted in between
        raise ScheduleNotFoundError
    return _record_response(record, params)


def delete_schedule(request: Request, state: SandboxState, params: dict[str, Any]) -> Response:
    """``DELETE /api/v1/schedules/:id``: answers 200 with the deleted record."""
    key = _key(request)
    if state.schedules.get(key) is None:
        raise ScheduleNotFoundError
    checker = _Checker(params)
    serializer = checker.check("serializer", _serializer) or "schedule"
    checker.done()
    record = state.schedules.delete(key)
    if record is None:
        raise ScheduleNotFoundError
    return JSONResponse(envelope("schedule", present(record, serializer, None)))


def member(request: Request, state: SandboxState, params: dict[str, Any]) -> Response:
    """``/api/v1/schedules/:id`` by method."""
    method = request.method
    if method == "GET":
        return show_schedule(request, state, params)
    if method in assumptions.UPDATE_METHODS:
        return update_schedule(request, state, params)
    return delete_schedule(request, state, params)


def collection(request: Request, state: SandboxState, params: dict[str, Any]) -> Response:
    """``/api/v1/schedules`` by method."""
    if request.method == "POST":
        return create_schedule(request, state, params)
    return list_schedules(request, state, params)


def make_call(request: Request, state: SandboxState, params: dict[str, Any]) -> Response:
    """``POST /api/v1/schedules/make_call``: place an outbound call now, after every guard."""
    call = state.dialer.make_call(params, state.faults.settings.make_call_cps)
    return JSONResponse(envelope("call", call))


#: (path, handler, methods) of every API route, most specific first.
_JSON, _CSV = assumptions.ROUTE_SUFFIXES
ENDPOINTS: tuple[tuple[str, Callable[[Request], Awaitable[Response]], list[str]], ...] = (
    ("/api/v1/schedules", api_endpoint(collection), ["GET", "POST"]),
    (f"/api/v1/schedules{_JSON}", api_endpoint(collection), ["GET", "POST"]),
    (f"/api/v1/schedules{_CSV}", api_endpoint(list_schedules), ["GET"]),
    ("/api/v1/schedules/new", api_endpoint(new_schedule), ["GET"]),
    (f"/api/v1/schedules/new{_JSON}", api_endpoint(new_schedule), ["GET"]),
    ("/api/v1/schedules/make_call", api_endpoint(make_call), ["POST"]),
    (f"/api/v1/schedules/make_call{_JSON}", api_endpoint(make_call), ["POST"]),
    (
        "/api/v1/schedules/{key}",
        api_endpoint(member),
        ["GET", *assumptions.UPDATE_METHODS, "DELETE"],
    ),
)
