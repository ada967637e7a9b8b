"""The OpenAPI 3.1 document of what the sandbox serves (``GET /_sandbox/openapi.json``).

Written from the same field lists the handlers use, so the document cannot forget a field;
the schemathesis test fuzzes the app against it. ``/_sandbox/*`` operations are tagged
``sandbox-only``: TrackDrive has nothing like them.
"""

from __future__ import annotations

from typing import Any

from reconciler.sandbox.config import SandboxConfig
from reconciler.sandbox.faults import FaultSettings
from reconciler.sandbox.fields import (
    COLUMNS,
    CREATE_PARAMS,
    DEFAULT_SERIALIZER_EXTRAS,
    ORDER_FIELDS,
    SERIALIZERS,
    UPDATE_PARAMS,
)
from reconciler.sandbox.values import BOOLEAN_WORDS

__all__ = ["openapi_document"]

Schema = dict[str, Any]

_BOOLEAN_FIELDS = frozenset(
    {
        "action_sms_use_ring_pool",
        "action_dial_use_ring_pool",
        "during_daylight_hours",
        "use_do_not_call",
        "use_machine_detection",
        "action_dial_skip_mobile",
        "off_hook_enabled",
        "paused",
        "dial_caller_name",
    }
)
_ARRAY_FIELDS = frozenset(
    {
        "action_ids",
        "end_of_schedule_action_ids",
        "schedule_trigger_ids",
        "record_token_filter_end_of_schedule_data",
        "record_token_filter_scheduled_callback_data",
        "machine_detection_record_token_filter_data",
        "record_token_filter_data",
    }
)
_STRING_FIELDS = frozenset(
    {
        "type",
        "uuid",
        "routes_show_path",
        "routes_edit_path",
        "external_record_id",
        "lead_token",
        "leads_api_key",
        "name",
        "time_zone",
        "available_cc_percentage",
        "daylight_hours_open",
        "daylight_hours_close",
        "leads_sort_order_type",
        "description",
        "schedule_type",
        "sortable_order",
    }
)
_DECIMAL_PATTERN = r"^-?\d+\.\d+$"
_TIMESTAMP_PATTERN = r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}[+-]\d\d:\d\d$"


def _field_schema(field: str) -> Schema:
    if field in _BOOLEAN_FIELDS:
        return {"type": "boolean"}
    if field in _ARRAY_FIELDS:
        return {"type": "array"}
    if field.endswith("_at"):
        return {"type": ["string", "null"], "pattern": _TIMESTAMP_PATTERN}
    if field == "sortable_order":
        return {"type": ["string", "null"], "pattern": _DECIMAL_PATTERN}
    if field in _STRING_FIELDS:
        return {"type": ["string", "null"]}
    return {"type": ["integer", "null"]}


def _record_schema(fields: tuple[str, ...], description: str) -> Schema:
    return {
        "type": "object",
        "description": description,
        "properties": {field: _field_schema(field) for field in fields},
        "additionalProperties": False,
    }


def _ref(name: str) -> Schema:
    return {"$ref": f"#/components/schemas/{name}"}


def _json(schema: Schema, description: str) -> Schema:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


_ERROR = _ref("Error")
_UNAUTHORIZED = {
    "description": "Missing or wrong Basic credentials (a plain-text body, as Rails answers).",
    "content": {"text/plain": {"schema": {"type": "string"}}},
}
_FAULTS = {
    "429": _json(_ERROR, "Throttled by the rate-limit fault switch (with Retry-After)."),
    "500": _json(_ERROR, "Injected by the error_rate fault switch."),
    "502": _json(_ERROR, "Injected by the error_rate fault switch."),
    "503": _json(_ERROR, "Injected by the error_rate fault switch."),
}


def _api_responses(ok: Schema, *errors: str, status_text: dict[str, str] | None = None) -> Schema:
    texts = {
        "400": "The body does not parse as its Content-Type says.",
        "403": "Refused by a guard.",
        "404": "No record has this id or uuid.",
        "409": "Conflicts with existing records.",
        "422": 'A param breaks its validation: {"status": 422, "errors": {"field": ["…"]}}.',
        **(status_text or {}),
    }
    responses: Schema = {"200": ok, "401": _UNAUTHORIZED, **_FAULTS}
    for status in errors:
        responses[status] = _json(_ERROR, texts[status])
    return responses


def _query(name: str, schema: Schema, description: str) -> Schema:
    return {
        "name": name,
        "in": "query",
        "required": False,
        "schema": schema,
        "description": description,
    }


_SERIALIZER = _query(
    "serializer",
    {"type": "string", "enum": [*SERIALIZERS, ""]},
    "schedule (default) or schedule_grid (only the documented columns).",
)
_ID = {
    "name": "id",
    "in": "path",
    "required": True,
    "description": "The schedule's integer id or its uuid (a .json suffix also works).",
    "schema": {"anyOf": [{"type": "integer", "minimum": 1}, {"type": "string", "format": "uuid"}]},
}
_FILTER_TIME = {
    "type": "string",
    "pattern": (
        r"^(19|20)[0-9]{2}-(0[1-9]|1[0-2])-(0[1-9]|1[0-9]|2[0-8]) "
        r"([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9] [+-](0[0-9]|1[0-4])[0-5][0-9]$"
    ),
}

_LIST_PARAMETERS = [
    _SERIALIZER,
    _query(
        "page",
        {"type": "integer", "minimum": 0, "maximum": 2**62},
        "The page, from 1 (0 reads as 1).",
    ),
    _query(
        "per_page",
        {"type": "integer", "minimum": 1, "maximum": 2**62},
        "Sandbox: honoured up to per_page_max unless ignore_per_page (undocumented upstream).",
    ),
    _query(
        "order",
        {"type": "string", "enum": sorted(set(ORDER_FIELDS))},
        "Sort by this field (default: id).",
    ),
    _query("order_dir", {"type": "string", "enum": ["asc", "desc"]}, "asc (default) or desc."),
    _query("fulltext", {"type": "string"}, "Records whose name or description contain this."),
    _query("created_at_from", _FILTER_TIME, "Created at or after, like 2016-01-01 12:25:15 -0500."),
    _query("created_at_to", _FILTER_TIME, "Created at or before, like 2016-01-01 12:25:15 -0500."),
    _query(
        "columns",
        {"type": "string", "enum": [*COLUMNS, "id,name,paused", "uuid,offer_id,paused_at"]},
        "A comma list of any documented columns (a single one or a few shown here); each "
        "record then holds only those keys.",
    ),
    _query("root", {"type": "string", "enum": ["true", "false"]}, "false: a bare JSON array."),
]

# Request schemas describe values the sandbox accepts (a subset where a regex cannot say it
# all, e.g. dates): schema-valid data must never be refused.
_NAME_TEXT: Schema = {"type": "string", "pattern": r"\S", "maxLength": 255}
_ID_TEXT: Schema = {"type": "string", "pattern": r"^[1-9][0-9]{0,17}$"}
_DECIMAL_TEXT: Schema = {"type": "string", "pattern": r"^[-+]?[0-9]{1,12}(\.[0-9]{1,6})?$"}
_TIMEFRAME_TEXT: Schema = {"type": "string", "pattern": r"^(0|[1-9][0-9]{0,8})$"}
_BOOLEAN_TEXT: Schema = {
    "type": "string",
    "enum": [*BOOLEAN_WORDS, *(word.upper() for word in BOOLEAN_WORDS), ""],
}
_FORM_SCHEMAS: dict[str, Schema] = {
    "name": _NAME_TEXT,
    "description": {"type": "string"},
    "offer_id": _ID_TEXT,
    "paused": _BOOLEAN_TEXT,
    "sortable_order": _DECIMAL_TEXT,
    "lead_duplicate_timeframe": _TIMEFRAME_TEXT,
}
_JSON_SCHEMAS: dict[str, Schema] = {
    "name": _NAME_TEXT,
    "description": {"type": ["string", "null"]},
    "offer_id": {
        "anyOf": [
            {"type": "integer", "minimum": 1, "maximum": 2**63 - 1},
            _ID_TEXT,
            {"type": "null"},
        ]
    },
    "paused": {"anyOf": [{"type": "boolean"}, _BOOLEAN_TEXT, {"type": "integer", "enum": [0, 1]}]},
    "sortable_order": {"anyOf": [_DECIMAL_TEXT, {"type": "integer"}, {"type": "null"}]},
    "lead_duplicate_timeframe": {
        "anyOf": [
            {"type": "integer", "minimum": 0, "maximum": 2147483647},
            _TIMEFRAME_TEXT,
            {"type": "null"},
        ]
    },
}


def _body(params: tuple[str, ...], description: str, *, required: tuple[str, ...] = ()) -> Schema:
    json_schema = {
        "type": "object",
        "description": description,
        "properties": {name: _JSON_SCHEMAS[name] for name in params},
        "required": list(required),
    }
    form_schema = {
        "type": "object",
        "properties": {name: _FORM_SCHEMAS[name] for name in params},
        "required": list(required),
    }
    return {
        "required": bool(required),
        "content": {
            "application/json": {"schema": json_schema},
            "application/x-www-form-urlencoded": {"schema": form_schema},
        },
    }


def _envelope(root: str, record: Schema) -> Schema:
    return {
        "type": "object",
        "required": ["status", "errors", root, "checksum", "metadata"],
        "properties": {
            "status": {"const": 200},
            "errors": {"type": "object", "maxProperties": 0},
            root: record,
            "checksum": {"type": "string", "pattern": "^[0-9a-f]{32}$"},
            "metadata": {
                "type": "object",
                "required": ["root"],
                "properties": {"root": {"const": root}},
            },
        },
        "additionalProperties": False,
    }


def _components() -> Schema:
    schedule_fields = (*COLUMNS, *DEFAULT_SERIALIZER_EXTRAS)
    return {
        "securitySchemes": {"basic": {"type": "http", "scheme": "basic"}},
        "schemas": {
            "Schedule": _record_schema(
                schedule_fields,
                "A schedule as the default serializer shows it (columns narrow it).",
            ),
            "ScheduleList": {
                "type": "object",
                "required": ["schedules", "metadata"],
                "properties": {
                    "schedules": {"type": "array", "items": _ref("Schedule")},
                    "metadata": {
                        "type": "object",
                        "required": ["total_count", "total_pages", "page"],
                        "properties": {
                            "total_count": {"type": "integer", "minimum": 0},
                            "total_pages": {"type": "integer", "minimum": 0},
                            "page": {"type": "integer", "minimum": 1},
                        },
                    },
                },
                "additionalProperties": False,
            },
            "ScheduleEnvelope": _envelope("schedule", _ref("Schedule")),
            "Call": {
                "type": "object",
                "required": ["id", "uuid", "schedule_id", "lead_id", "to_number", "status"],
                "properties": {
                    "id": {"type": "integer"},
                    "uuid": {"type": "string", "format": "uuid"},
                    "created_at": {"type": "string", "pattern": _TIMESTAMP_PATTERN},
                    "updated_at": {"type": "string", "pattern": _TIMESTAMP_PATTERN},
                    "company_id": {"type": "integer"},
                    "direction": {"const": "outbound"},
                    "status": {"type": "string"},
                    "to_number": {"type": "string", "pattern": r"^\+\d{8,15}$"},
                    "schedule_id": {"type": "integer"},
                    "routed_from_schedule_id": {"type": ["integer", "null"]},
                    "offer_id": {"type": ["integer", "null"]},
                    "lead_id": {"type": "integer"},
                    "lead_uuid": {"type": "string", "format": "uuid"},
                    "lead_created": {"type": "boolean"},
                },
            },
            "CallEnvelope": _envelope("call", _ref("Call")),
            "Error": {
                "type": "object",
                "required": ["status", "errors"],
                "properties": {
                    "status": {"type": "integer"},
                    "errors": {
                        "type": "object",
                        "minProperties": 1,
                        "additionalProperties": {"type": "array", "items": {"type": "string"}},
                    },
                },
            },
            "Stats": {
                "type": "object",
                "required": [
                    "total",
                    "by_route",
                    "throttled",
                    "errors_injected",
                    "dropped_after_commit",
                ],
                "properties": {
                    "total": {"type": "integer"},
                    "by_route": {"type": "object", "additionalProperties": {"type": "integer"}},
                    "throttled": {"type": "integer"},
                    "errors_injected": {"type": "integer"},
                    "dropped_after_commit": {"type": "integer"},
                },
            },
            "Faults": {
                "type": "object",
                "properties": {
                    "latency_ms": {"type": "integer", "minimum": 0},
                    "rate_limit_rps": {"type": ["number", "null"], "exclusiveMinimum": 0},
                    "error_rate": {"type": "number", "minimum": 0, "maximum": 1},
                    "drop_after_commit_rate": {"type": "number", "minimum": 0, "maximum": 1},
                    "per_page_max": {"type": "integer", "minimum": 1},
                    "ignore_per_page": {"type": "boolean"},
                    "make_call_cps": {"type": "integer", "minimum": 1},
                },
                "additionalProperties": False,
            },
            "Lead": {
                "type": "object",
                "properties": {
                    "id": {"type": "integer"},
                    "uuid": {"type": "string", "format": "uuid"},
                    "schedule_id": {"type": "integer"},
                    "offer_id": {"type": ["integer", "null"]},
                    "number": {"type": "string"},
                    "enrolled": {"type": "boolean"},
                    "data": {"type": "object"},
                },
            },
        },
    }


def _schedule_paths() -> Schema:
    envelope = _json(_ref("ScheduleEnvelope"), "The record in its envelope.")
    listing = _json(
        {"oneOf": [_ref("ScheduleList"), {"type": "array", "items": _ref("Schedule")}]},
        "One page (a bare array with root=false).",
    )
    update = {
        "summary": "Update Schedule by id.",
        "parameters": [_ID, _SERIALIZER],
        "requestBody": _body(UPDATE_PARAMS, "Flat params; any left out are unchanged."),
        "responses": _api_responses(envelope, "400", "404", "422"),
    }
    make_call_body = {
        "type": "object",
        "properties": {
            "lead_id": {"type": "string"},
            "schedule_id": {"anyOf": [{"type": "integer", "minimum": 1}, {"type": "string"}]},
            "lead_token": {"type": "string"},
            "to": {"type": "string"},
            "data": {"type": "object"},
        },
    }
    return {
        "/api/v1/schedules": {
            "get": {
                "summary": "List Schedules.",
                "parameters": _LIST_PARAMETERS,
                "responses": _api_responses(listing, "400", "422"),
            },
            "post": {
                "summary": "Create Schedule (answers 200).",
                "parameters": [_SERIALIZER],
                "requestBody": _body(
                    CREATE_PARAMS,
                    "Only these params are taken; others are dropped. [I] name is required.",
                    required=("name",),
                ),
                "responses": _api_responses(envelope, "400", "422"),
            },
        },
        "/api/v1/schedules.csv": {
            "get": {
                "summary": "List Schedules as CSV.",
                "parameters": _LIST_PARAMETERS,
                "responses": _api_responses(
                    {
                        "description": "A header row, then one row per record.",
                        "content": {"text/csv": {"schema": {"type": "string"}}},
                    },
                    "400",
                    "422",
                ),
            }
        },
        "/api/v1/schedules/new": {
            "get": {
                "summary": "Build Schedule with defaults (nothing is saved).",
                "parameters": [_SERIALIZER],
                "responses": _api_responses(envelope, "400", "422"),
            }
        },
        "/api/v1/schedules/make_call": {
            "post": {
                "summary": "Place an outbound call immediately to a lead.",
                "requestBody": {
                    "required": False,
                    "content": {"application/json": {"schema": make_call_body}},
                },
                "responses": _api_responses(
                    _json(_ref("CallEnvelope"), "The call placed."),
                    "400",
                    "403",
                    "404",
                    "409",
                    "422",
                    status_text={
                        "403": "The number is on the do-not-call list.",
                        "404": "Unknown lead_id, schedule_id or lead_token.",
                        "409": "Duplicate concurrent leads for the number.",
                    },
                ),
            }
        },
        "/api/v1/schedules/{id}": {
            "get": {
                "summary": "Get Schedule by id.",
                "parameters": [_ID, _SERIALIZER],
                "responses": _api_responses(envelope, "400", "404", "422"),
            },
            "put": update,
            "patch": {**update, "summary": "Update Schedule by id (PATCH, as Rails routes it)."},
            "delete": {
                "summary": "Destroy Schedule by id (answers 200 with the deleted record).",
                "parameters": [_ID, _SERIALIZER],
                "responses": _api_responses(envelope, "400", "404", "422"),
            },
        },
    }


def _sandbox_operation(
    summary: str, ok: Schema, *, body: Schema | None = None, errors: tuple[str, ...] = ("422",)
) -> Schema:
    operation: Schema = {
        "summary": f"Sandbox-only: {summary}",
        "tags": ["sandbox-only"],
        "security": [],
        "responses": {
            "200": ok,
            **{status: _json(_ERROR, "Refused.") for status in errors},
        },
    }
    if body is not None:
        operation["requestBody"] = {
            "required": False,
            "content": {"application/json": {"schema": body}},
        }
    return operation


def _control_paths() -> Schema:
    faults = _json(_ref("Faults"), "The fault switches now.")
    anything = _json({"type": "object"}, "Done.")
    return {
        "/_sandbox/stats": {
            "get": _sandbox_operation(
                "request counts per route since the last reset.",
                _json(_ref("Stats"), "The counts."),
                errors=(),
            )
        },
        "/_sandbox/reset": {
            "post": {
                **_sandbox_operation("zero the stats (data=true: delete every record).", anything),
                "parameters": [_query("data", {"type": "string", "enum": ["true", "false"]}, "")],
            }
        },
        "/_sandbox/faults": {
            "get": _sandbox_operation("the fault switches.", faults, errors=()),
            "put": _sandbox_operation("change fault switches now.", faults, body=_ref("Faults")),
        },
        "/_sandbox/clock": {
            "post": _sandbox_operation(
                "move the sandbox's clock forward.",
                _json({"type": "object", "properties": {"now": {"type": "string"}}}, "The time."),
                body={
                    "type": "object",
                    "properties": {"advance_seconds": {"type": "number", "minimum": 0}},
                },
            )
        },
        "/_sandbox/leads": {
            "post": _sandbox_operation(
                "enroll a live lead in a schedule (for make_call).",
                _json(_ref("Lead"), "The lead."),
                body={
                    "type": "object",
                    "required": ["schedule_id", "number"],
                    "properties": {
                        "schedule_id": {"type": ["integer", "string"]},
                        "number": {"type": "string"},
                        "data": {"type": "object"},
                    },
                },
                errors=("404", "422"),
            )
        },
        "/_sandbox/suppressions": {
            "put": _sandbox_operation(
                "replace the do-not-call list.",
                anything,
                body={
                    "type": "object",
                    "required": ["numbers"],
                    "properties": {"numbers": {"type": "array", "items": {"type": "string"}}},
                },
            )
        },
        "/_sandbox/distributions": {
            "post": _sandbox_operation(
                "route a lead-distribution schedule's leads to a target schedule.",
                anything,
                body={
                    "type": "object",
                    "required": ["schedule_id", "target_schedule_id"],
                    "properties": {
                        "schedule_id": {"type": ["integer", "string"]},
                        "target_schedule_id": {"type": ["integer", "string"]},
                        "match": {"type": "object"},
                    },
                },
                errors=("404", "422"),
            )
        },
        "/_sandbox/openapi.json": {
            "get": _sandbox_operation("this document.", anything, errors=())
        },
    }


def openapi_document(config: SandboxConfig) -> dict[str, Any]:
    """The OpenAPI 3.1 document of the sandbox's API and its sandbox-only routes."""
    faults = FaultSettings.from_config(config)
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "TrackDrive Schedules API (local sandbox)",
            "version": "1",
            "description": (
                "A local implementation of TrackDrive's documented Schedules endpoints. Auth is "
                "HTTP Basic with the sandbox's public and private keys. Params may come as a "
                "JSON body, form fields or query params; a .json suffix works on every route. "
                "Operations tagged sandbox-only have no TrackDrive counterpart. Fault switches "
                f"at start: {_faults_summary(faults)}."
            ),
        },
        "security": [{"basic": []}],
        "tags": [{"name": "sandbox-only", "description": "For tests and benchmarks only."}],
        "paths": {**_schedule_paths(), **_control_paths()},
        "components": _components(),
    }


def _faults_summary(faults: FaultSettings) -> str:
    return ", ".join(f"{name}={getattr(faults, name)}" for name in FaultSettings.names())
