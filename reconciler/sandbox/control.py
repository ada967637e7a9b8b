"""The sandbox-only routes under ``/_sandbox/``: no auth, never counted, never faulted.

They exist for tests, benchmarks and demos, and have no counterpart on TrackDrive:

- ``GET /_sandbox/stats`` — request counts since the last reset;
- ``POST /_sandbox/reset`` — zero the stats (``?data=true``: also delete every schedule,
  lead, call, suppression and distribution);
- ``GET|PUT /_sandbox/faults`` — read or change the fault switches at runtime;
- ``POST /_sandbox/clock`` — ``{"advance_seconds": n}`` moves the sandbox's clock forward;
- ``POST /_sandbox/leads`` — enroll a lead in a schedule (for ``make_call``'s lead reuse);
- ``PUT /_sandbox/suppressions`` — replace the do-not-call list;
- ``POST /_sandbox/distributions`` — route a lead-distribution schedule to a target;
- ``GET /_sandbox/openapi.json`` — the OpenAPI 3.1 document of everything the sandbox serves.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from reconciler.sandbox.clock import format_timestamp
from reconciler.sandbox.dialer import CallRefusedError
from reconciler.sandbox.faults import FaultSettings
from reconciler.sandbox.model import ValidationFailedError, error_body
from reconciler.sandbox.openapi import openapi_document
from reconciler.sandbox.state import SandboxState
from reconciler.sandbox.values import InvalidParamError, parse_boolean

__all__ = ["CONTROL_ROUTES"]

_FAULT_TYPES: dict[str, tuple[type, ...]] = {
    "latency_ms": (int,),
    "rate_limit_rps": (int, float, type(None)),
    "error_rate": (int, float),
    "drop_after_commit_rate": (int, float),
    "per_page_max": (int,),
    "ignore_per_page": (bool,),
    "make_call_cps": (int,),
}


def _state(request: Request) -> SandboxState:
    state: SandboxState = request.app.state.sandbox
    return state


def _error(status: int, errors: dict[str, list[str]]) -> Response:
    return JSONResponse(error_body(status, errors), status_code=status)


async def _json_object(request: Request) -> dict[str, Any]:
    body = await request.body()
    if not body.strip():
        return {}
    try:
        parsed = json.loads(body)
    except ValueError:
        raise ValidationFailedError({"base": ["the body must be a JSON object"]}) from None
    if not isinstance(parsed, dict):
        raise ValidationFailedError({"base": ["the body must be a JSON object"]})
    return parsed


def control_endpoint(
    handler: Callable[[Request, SandboxState], Awaitable[Response]],
) -> Callable[[Request], Awaitable[Response]]:
    """Map a control handler's errors to TrackDrive-shaped error bodies."""

    async def endpoint(request: Request) -> Response:
        try:
            return await handler(request, _state(request))
        except ValidationFailedError as exc:
            return _error(422, exc.errors)
        except CallRefusedError as exc:
            return _error(exc.status, exc.errors)

    endpoint.__name__ = handler.__name__
    return endpoint


async def stats(request: Request, state: SandboxState) -> Response:
    """Request counts since the last reset, per ``METHOD /route``."""
    return JSONResponse(state.faults.stats.as_json())


async def reset(request: Request, state: SandboxState) -> Response:
    """Zero the stats; with ``?data=true`` also delete every schedule and make_call record."""
    try:
        wipe = parse_boolean(request.query_params.get("data"))
    except InvalidParamError as exc:
        raise ValidationFailedError({"data": [str(exc)]}) from None
    state.faults.reset_stats()
    if wipe:
        state.schedules.delete_all()
        state.dialer.clear()
    return JSONResponse({"status": 200, "errors": {}, "data_deleted": bool(wipe)})


def _faults_json(settings: FaultSettings) -> dict[str, Any]:
    return {name: getattr(settings, name) for name in FaultSettings.names()}


async def faults(request: Request, state: SandboxState) -> Response:
    """Read (GET) or change (PUT, a JSON object of switches) the fault switches."""
    if request.method == "GET":
        return JSONResponse(_faults_json(state.faults.settings))
    updates = await _json_object(request)
    errors: dict[str, list[str]] = {}
    for name, value in updates.items():
        allowed = _FAULT_TYPES.get(name)
        if allowed is None:
            errors[name] = ["is not a fault switch; use one of: " + ", ".join(_FAULT_TYPES)]
        elif not isinstance(value, allowed) or (isinstance(value, bool) and bool not in allowed):
            errors[name] = ["has the wrong type"]
    if errors:
        raise ValidationFailedError(errors)
    try:
        settings = state.faults.update(**updates)
    except ValueError as exc:
        raise ValidationFailedError({"base": [str(exc)]}) from None
    return JSONResponse(_faults_json(settings))


async def clock(request: Request, state: SandboxState) -> Response:
    """Move the sandbox's clock forward by ``advance_seconds`` (0 or more)."""
    body = await _json_object(request)
    seconds = body.get("advance_seconds", 0)
    if (
        isinstance(seconds, bool)
        or not isinstance(seconds, int | float)
        or not 0 <= seconds <= 10**9
    ):
        raise ValidationFailedError({"advance_seconds": ["must be a number of seconds, 0 or more"]})
    state.clock.advance(seconds)
    return JSONResponse({"now": format_timestamp(state.clock.now())})


async def leads(request: Request, state: SandboxState) -> Response:
    """Enroll a live lead: ``{"schedule_id": id or uuid, "number": "...", "data": {...}}``."""
    body = await _json_object(request)
    schedule_id, number, data = body.get("schedule_id"), body.get("number"), body.get("data", {})
    errors: dict[str, list[str]] = {}
    if isinstance(schedule_id, bool) or not isinstance(schedule_id, int | str):
        errors["schedule_id"] = ["must be a schedule id or uuid"]
    if not isinstance(number, str):
        errors["number"] = ["must be a String"]
    if not isinstance(data, dict):
        errors["data"] = ["must be a Hash"]
    if errors:
        raise ValidationFailedError(errors)
    lead = state.dialer.enroll_lead(str(schedule_id), str(number), data)
    return JSONResponse(lead)


async def suppressions(request: Request, state: SandboxState) -> Response:
    """Replace the do-not-call list: ``{"numbers": ["+15555550123", ...]}``."""
    body = await _json_object(request)
    numbers = body.get("numbers")
    if not isinstance(numbers, list) or not all(isinstance(item, str) for item in numbers):
        raise ValidationFailedError({"numbers": ["must be a list of phone numbers"]})
    return JSONResponse({"numbers": state.dialer.set_suppressions(numbers)})


async def distributions(request: Request, state: SandboxState) -> Response:
    """Route a schedule's leads: ``{"schedule_id", "target_schedule_id", "match": {...}}``."""
    body = await _json_object(request)
    errors: dict[str, list[str]] = {}
    for name in ("schedule_id", "target_schedule_id"):
        value = body.get(name)
        if isinstance(value, bool) or not isinstance(value, int | str):
            errors[name] = ["must be a schedule id or uuid"]
    match = body.get("match", {})
    if not isinstance(match, dict):
        errors["match"] = ["must be a Hash"]
    if errors:
        raise ValidationFailedError(errors)
    distribution = state.dialer.add_distribution(
        str(body["schedule_id"]), str(body["target_schedule_id"]), match
    )
    return JSONResponse(distribution)


async def openapi(request: Request, state: SandboxState) -> Response:
    """The OpenAPI 3.1 document of what the sandbox serves."""
    return JSONResponse(openapi_document(state.config))


#: (path, handler, methods) of every sandbox-only route.
CONTROL_ROUTES: tuple[tuple[str, Callable[[Request], Awaitable[Response]], list[str]], ...] = (
    ("/_sandbox/stats", control_endpoint(stats), ["GET"]),
    ("/_sandbox/reset", control_endpoint(reset), ["POST"]),
    ("/_sandbox/faults", control_endpoint(faults), ["GET", "PUT"]),
    ("/_sandbox/clock", control_endpoint(clock), ["POST"]),
    ("/_sandbox/leads", control_endpoint(leads), ["POST"]),
    ("/_sandbox/suppressions", control_endpoint(suppressions), ["PUT"]),
    ("/_sandbox/distributions", control_endpoint(distributions), ["POST"]),
    ("/_sandbox/openapi.json", control_endpoint(openapi), ["GET"]),
)
