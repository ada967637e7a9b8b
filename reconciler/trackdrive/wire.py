"""What goes on the wire: JSON bodies read and written, tolerantly and in one place.

Implementation detail of the client. Pure functions over bytes and parsed JSON; they raise
``WireError`` (a plain ValueError) with a sentence, which the exchange turns into an
``UnexpectedResponseError`` carrying the request's method and path.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Final, TypeVar

from reconciler.trackdrive import assumptions

__all__ = [
    "Page",
    "WireError",
    "decode_json",
    "encode_params",
    "envelope_status",
    "field_errors",
    "read_page",
    "read_record",
]

_Key = TypeVar("_Key", bound=str)

# How much of an error message from the server is kept: enough to act on, never a whole page.
_MAX_MESSAGE: Final = 300


class WireError(ValueError):
    """A body the client cannot read."""


@dataclass(frozen=True, slots=True)
class Page:
    """One page of a list: its records and what its metadata says about the whole list."""

    records: list[dict[str, Any]]
    total_pages: int | None
    total_count: int | None


def decode_json(content: bytes) -> Any:
    """Parse a body; numbers with a fraction become Decimal, NaN and Infinity are refused."""
    try:
        return json.loads(content, parse_float=Decimal, parse_constant=_refuse_constant)
    except (ValueError, RecursionError) as exc:
        raise WireError(f"the answer is not JSON ({_short(str(exc))})") from None


def read_page(body: Any) -> Page:
    """The records and paging metadata of a list answer (enveloped or a bare array)."""
    if isinstance(body, list):
        return Page(records=_records(body), total_pages=None, total_count=None)
    if not isinstance(body, dict):
        raise WireError(f"a list answer should be an object or an array, got {_kind(body)}")
    metadata = body.get(assumptions.LIST_METADATA_KEY)
    metadata = metadata if isinstance(metadata, dict) else {}
    key = _root_key(body, metadata, assumptions.LIST_ROOT_KEYS, want=list)
    key = key or _only_key_holding(body, list)
    if key is None:
        raise WireError(f"a list answer has no list of schedules (keys: {_keys(body)})")
    return Page(
        records=_records(body[key]),
        total_pages=_count(metadata.get(assumptions.TOTAL_PAGES_KEY)),
        total_count=_count(metadata.get(assumptions.TOTAL_COUNT_KEY)),
    )


def read_record(body: Any, root_keys: tuple[str, ...] = assumptions.RECORD_ROOT_KEYS) -> Any:
    """The record inside a single-record envelope, or the body itself when it is the record."""
    if not isinstance(body, dict):
        raise WireError(f"a record answer should be an object, got {_kind(body)}")
    metadata = body.get(assumptions.LIST_METADATA_KEY)
    metadata = metadata if isinstance(metadata, dict) else {}
    key = _root_key(body, metadata, root_keys, want=dict)
    if key is not None:
        return body[key]
    if "id" in body:  # the record itself, not enveloped
        return body
    key = _only_key_holding(body, dict)
    if key is not None:
        return body[key]
    raise WireError(f"a record answer has no record (keys: {_keys(body)})")


def envelope_status(body: Any) -> int | None:
    """The envelope's own numeric ``status``, when the body has one."""
    if isinstance(body, dict):
        status = body.get(assumptions.ENVELOPE_STATUS_KEY)
        if isinstance(status, int) and not isinstance(status, bool):
            return status
    return None


def field_errors(body: Any) -> dict[str, list[str]]:
    """The ``errors`` of an error body as field -> messages; shapes other than a dict tolerated."""
    if not isinstance(body, dict):
        return {}
    errors = body.get(assumptions.ERRORS_KEY)
    if isinstance(errors, dict):
        return {str(k): _messages(v) for k, v in errors.items() if _messages(v)}
    if isinstance(errors, list | str) and _messages(errors):
        return {"base": _messages(errors)}
    for key in ("error", "message"):  # common shapes of a plain error answer
        if isinstance(body.get(key), str) and body[key].strip():
            return {"base": [_short(body[key])]}
    return {}


def encode_params(params: Mapping[_Key, Any]) -> dict[str, Any]:
    """Request parameters: booleans as JSON booleans, decimals as strings, null as null."""
    return {str(name): _encode(str(name), value) for name, value in params.items()}


def _encode(name: str, value: Any) -> Any:
    if isinstance(value, bool) and not assumptions.BOOLEANS_AS_JSON:
        return "true" if value else "false"  # a documented word instead
    if isinstance(value, float):
        raise TypeError(f"{name}: floats are never sent (got {value!r}); use Decimal")
    if isinstance(value, Decimal):
        if not value.is_finite():
            raise ValueError(f"{name}: {value} is not a finite decimal")
        # 'f' keeps exponents out of the request: "10", "10.5", never "1E+1".
        return format(value, "f") if assumptions.DECIMALS_AS_STRINGS else value
    if isinstance(value, Mapping):
        return {str(k): _encode(f"{name}.{k}", v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_encode(f"{name}[]", v) for v in value]
    return value


def _root_key(
    body: Mapping[str, Any], metadata: Mapping[str, Any], candidates: tuple[str, ...], want: type
) -> str | None:
    """The key named by metadata.root, else the first assumed key holding a ``want``."""
    for key in (metadata.get("root"), *candidates):
        if isinstance(key, str) and isinstance(body.get(key), want):
            return key
    return None


def _only_key_holding(body: Mapping[str, Any], want: type) -> str | None:
    """Last resort: the one key (not errors or metadata) whose value is a ``want``."""
    ignored = {assumptions.ERRORS_KEY, assumptions.LIST_METADATA_KEY}
    keys = [k for k, v in body.items() if isinstance(v, want) and k not in ignored]
    return keys[0] if len(keys) == 1 else None


def _records(items: list[Any]) -> list[dict[str, Any]]:
    for item in items:
        if not isinstance(item, dict):
            raise WireError(f"a list answer holds {_kind(item)} where a record should be")
    return list(items)


def _count(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value if value >= 0 else None
    if isinstance(value, str | Decimal):
        try:
            number = Decimal(value)
        except ArithmeticError:
            return None
        if number.is_finite() and number == number.to_integral_value() and number >= 0:
            return int(number)
    return None


def _messages(value: Any) -> list[str]:
    if isinstance(value, str):
        return [_short(value)] if value.strip() else []
    if isinstance(value, list):
        return [_short(str(v)) for v in value if str(v).strip()]
    if value is None:
        return []
    return [_short(str(value))]


def _refuse_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a number TrackDrive sends")


def _short(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= _MAX_MESSAGE else text[: _MAX_MESSAGE - 1] + "…"


def _keys(body: Mapping[str, Any]) -> str:
    return ", ".join(sorted(map(str, body))[:10]) or "none"


def _kind(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, dict):
        return "an object"
    if isinstance(value, list):
        return "an array"
    if isinstance(value, str):
        return "a string"
    return "a number"
