"""HTTP Basic auth with the account's public and private keys, answered as Rails answers it."""

from __future__ import annotations

import base64
import binascii
import hmac

from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response

from reconciler.sandbox import assumptions
from reconciler.sandbox.config import SandboxConfig

__all__ = ["check_basic_auth"]


def _credentials(header: str) -> tuple[str, str] | None:
    scheme, _, token = header.partition(" ")
    if scheme.lower() != assumptions.AUTH_SCHEME or not token.strip():
        return None
    try:
        decoded = base64.b64decode(token.strip(), validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError):
        return None
    public, colon, private = decoded.partition(":")
    return (public, private) if colon else None


def check_basic_auth(request: Request, config: SandboxConfig) -> Response | None:
    """None when the request carries the sandbox's keys; else the 401 to answer."""
    given = _credentials(request.headers.get("authorization", ""))
    if given is not None:
        public_ok = hmac.compare_digest(given[0].encode(), config.public_key.encode())
        private_ok = hmac.compare_digest(given[1].encode(), config.private_key.encode())
        if public_ok and private_ok:
            return None
    return PlainTextResponse(
        "HTTP Basic: Access denied.\n",
        status_code=401,
        headers={"WWW-Authenticate": 'Basic realm="Application"'},
    )
