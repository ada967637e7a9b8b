"""Param validators, written from the reference's "Validations" lines (Apipie's rules).

Each takes a raw param value (a string from a query or form, or any JSON value) and returns
the typed value, or raises ``InvalidParamError`` with the message that goes into ``errors``.
A blank value (absent, ``null``, or an empty string) is allowed where the reference says
"Blank Value Allowed" and comes back as ``None``.
"""

from __future__ import annotations

import re
from collections.abc import Collection
from datetime import datetime
from decimal import Decimal

from reconciler.sandbox import assumptions
from reconciler.sandbox.clock import ACCOUNT_ZONE

__all__ = [
    "BOOLEAN_WORDS",
    "InvalidParamError",
    "is_blank",
    "parse_boolean",
    "parse_choice",
    "parse_decimal",
    "parse_filter_time",
    "parse_integer_id",
    "parse_number",
    "parse_string",
    "rails_decimal",
]

TRUE_WORDS = ("1", "true", "yes", "on")
FALSE_WORDS = ("0", "false", "no", "off")
BOOLEAN_WORDS = TRUE_WORDS + FALSE_WORDS

# Apipie's DecimalValidator and NumberValidator, as regular expressions over ``value.to_s``.
_DECIMAL = re.compile(r"[-+]?\d+(\.\d+)?", re.ASCII)
_NUMBER = re.compile(r"0|[1-9]\d*", re.ASCII)

#: The largest value a Postgres ``integer`` column holds; larger numbers are refused, not wrapped.
INT4_MAX = 2_147_483_647
#: The largest value a Postgres ``bigint`` column holds (ids).
INT8_MAX = 9_223_372_036_854_775_807


class InvalidParamError(ValueError):
    """A param value that breaks its documented validation; the message goes into ``errors``."""


def is_blank(value: object) -> bool:
    """Rails' ``blank?`` for a param: absent, ``null`` or a whitespace-only string."""
    return value is None or (isinstance(value, str) and not value.strip())


def _ruby_to_s(value: object) -> str:
    """How Ruby would print a JSON value before Apipie matches it against a pattern."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        text = repr(value)
        return text if "e" not in text else f"{value:.1e}"  # never matches a pattern
    if isinstance(value, int | str):
        return str(value)
    return "{...}" if isinstance(value, dict) else "[...]"


def parse_string(value: object) -> str | None:
    """Check "Must be a String" (blank allowed)."""
    if value is None:
        return None
    if not isinstance(value, str):
        raise InvalidParamError("must be a String")
    return value


def parse_boolean(value: object) -> bool | None:
    """Check "Must be a boolean value: 1, true, yes, on, 0, false, no, off" (any case; blank ok)."""
    if is_blank(value):
        return None
    if isinstance(value, bool):
        return value
    if isinstance(value, int | str):
        word = str(value).lower()
        if word in TRUE_WORDS:
            return True
        if word in FALSE_WORDS:
            return False
    raise InvalidParamError("must be a boolean value: " + ", ".join(BOOLEAN_WORDS))


def parse_decimal(value: object) -> Decimal | None:
    """Check "Must be a decimal number." — digits, an optional sign and fraction (blank allowed)."""
    if is_blank(value):
        return None
    text = _ruby_to_s(value)
    if not isinstance(value, bool) and _DECIMAL.fullmatch(text):
        return Decimal(text)
    raise InvalidParamError("must be a decimal number")


def parse_number(value: object, *, maximum: int = INT4_MAX) -> int | None:
    """Check "Must be a number.": a whole number of 0 or more, as Apipie has it (blank allowed)."""
    if is_blank(value):
        return None
    text = _ruby_to_s(value)
    if isinstance(value, bool) or not _NUMBER.fullmatch(text):
        raise InvalidParamError("must be a number")
    number = int(text)
    if number > maximum:
        raise InvalidParamError(f"must be less than or equal to {maximum}")
    return number


def parse_integer_id(value: object) -> int | None:
    """A foreign key such as ``offer_id``: a positive whole number (blank allowed)."""
    number = parse_number(value, maximum=INT8_MAX)
    if number is not None and number < assumptions.OFFER_ID_MIN:
        raise InvalidParamError(f"must be greater than {assumptions.OFFER_ID_MIN - 1}")
    return number


def parse_choice(value: object, choices: Collection[str]) -> str | None:
    """Check "Must be one of: …" / "a value contained in the pick list" (blank allowed)."""
    if is_blank(value):
        return None
    if isinstance(value, str) and value in choices:
        return value
    raise InvalidParamError("must be one of: " + ", ".join(dict.fromkeys(choices)))


def parse_filter_time(value: object) -> datetime | None:
    """A date filter "formatted like 2016-01-01 12:25:15 -0500" (ISO 8601 is accepted too).

    A value without an offset is read in the account's zone.
    """
    text = parse_string(value)
    if text is None or not text.strip():
        return None
    text = text.strip()
    moment: datetime | None = None
    for pattern in assumptions.DATE_FORMATS:
        try:
            moment = datetime.strptime(text, pattern)
            break
        except ValueError:
            continue
    if moment is None and assumptions.DATE_ISO_ACCEPTED:
        try:
            moment = datetime.fromisoformat(text)
        except ValueError:
            moment = None
    if moment is None:
        raise InvalidParamError("must be a date formatted like 2016-01-01 12:25:15 -0500")
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=ACCOUNT_ZONE)
    return moment


def rails_decimal(value: Decimal) -> str:
    """A decimal as Rails renders a BigDecimal in JSON: ``"10.0"``, ``"10.5"``, ``"-0.25"``."""
    if value == value.to_integral_value():
        return f"{int(value)}.0"
    return format(value.normalize(), "f")
