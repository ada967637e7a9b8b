"""Request params as Rails gathers them: query string, then a JSON, form or multipart body.

Body params win over query params with the same name, the last of repeated names wins, and
``data[key]=value`` becomes ``{"data": {"key": "value"}}``. A JSON body that is not an
object is ignored (Rails files it under ``_json``). A body that cannot be parsed is a 400.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from email.message import EmailMessage
from email.parser import BytesParser
from email.policy import HTTP
from typing import Any
from urllib.parse import parse_qsl

from starlette.requests import Request

__all__ = ["MalformedBodyError", "read_params"]


class MalformedBodyError(ValueError):
    """A request body that does not parse as its ``Content-Type`` says (answered 400)."""


def _merge_pairs(params: dict[str, Any], pairs: Iterable[tuple[str, str]]) -> None:
    for key, value in pairs:
        outer, bracket, rest = key.partition("[")
        if bracket and rest.endswith("]") and "[" not in rest and outer:
            nested = params.get(outer)
            if not isinstance(nested, dict):
                nested = params[outer] = {}
            nested[rest[:-1]] = value
        else:
            params[key] = value


def _reject_constant(name: str) -> None:
    raise MalformedBodyError(f"{name} is not valid JSON")


def _json_params(body: bytes) -> dict[str, Any]:
    try:
        parsed = json.loads(body, parse_constant=_reject_constant)
    except (ValueError, RecursionError) as exc:
        raise MalformedBodyError(f"the JSON body does not parse: {exc}") from None
    return dict(parsed) if isinstance(parsed, dict) else {}


def _multipart_pairs(content_type: str, body: bytes) -> list[tuple[str, str]]:
    head = f"Content-Type: {content_type}\r\n\r\n".encode("latin-1", "replace")
    message = BytesParser(policy=HTTP).parsebytes(head + body)
    if not isinstance(message, EmailMessage) or not message.is_multipart():
        raise MalformedBodyError("the multipart body does not parse")
    pairs: list[tuple[str, str]] = []
    for part in message.iter_parts():
        name = part.get_param("name", header="content-disposition")
        payload = part.get_payload(decode=True)
        if isinstance(name, str) and isinstance(payload, bytes):
            pairs.append((name, payload.decode("utf-8", "replace")))
    return pairs


async def read_params(request: Request) -> dict[str, Any]:
    """Every param of ``request``, merged; raises ``MalformedBodyError`` for an unparseable body."""
    params: dict[str, Any] = {}
    _merge_pairs(params, request.query_params.multi_items())
    body = await request.body()
    if not body.strip():
        return params
    content_type = request.headers.get("content-type", "")
    media_type = content_type.split(";", 1)[0].strip().lower()
    if media_type == "application/json" or media_type.endswith("+json"):
        params.update(_json_params(body))
    elif media_type == "application/x-www-form-urlencoded":
        try:
            text = body.decode("utf-8")
        except UnicodeDecodeError:
            raise MalformedBodyError("the form body is not UTF-8") from None
        _merge_pairs(params, parse_qsl(text, keep_blank_values=True))
    elif media_type == "multipart/form-data":
        _merge_pairs(params, _multipart_pairs(content_type, body))
    return params
