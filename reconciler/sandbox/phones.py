"""Phone numbers for ``make_call``: a destination is valid when it normalizes to E.164."""

from __future__ import annotations

import re

__all__ = ["normalize_number"]

_PUNCTUATION = re.compile(r"[\s().\-]")
_NANP = re.compile(r"[2-9]\d{2}[2-9]\d{6}", re.ASCII)
_DIGITS = re.compile(r"\d+", re.ASCII)


def normalize_number(text: str) -> str | None:
    """``"+15555550123"`` for a dialable number (NANP or international E.164), else None.

    US/Canada numbers may come as ``555-555-0123``, ``(555) 555-0123``, ``1 555 555 0123`` or
    ``+15555550123``; an area code or exchange starting with 0 or 1 is not dialable.
    """
    stripped = _PUNCTUATION.sub("", text)
    international = stripped.startswith("+")
    digits = stripped[1:] if international else stripped
    if not _DIGITS.fullmatch(digits):
        return None
    if len(digits) == 11 and digits.startswith("1"):
        digits = digits[1:]
    elif international and not digits.startswith("1"):
        return f"+{digits}" if 8 <= len(digits) <= 15 else None
    if len(digits) == 10 and _NANP.fullmatch(digits):
        return f"+1{digits}"
    return None
