"""One canonical form per managed field, applied to specs and live records alike.

Comparing canonical values is what keeps a plan from showing a change that is not one:
``"10.0"`` and ``10`` are the same ``sortable_order``; ``"on"`` and ``true`` the same ``paused``.
Each function raises ``ValueError`` with a sentence a user can act on.

``description`` (free text, "blank allowed" in TrackDrive's reference) is compared as text
after three rules, so that what an editor or a YAML block scalar adds never shows as a change:

1. line endings ``\r\n`` and ``\r`` are ``\n``;
2. whitespace at the end of each line, and blank lines at the end, do not count;
3. a blank description (``null``, ``""``, only whitespace) is "no description": ``None``.

Leading whitespace and inner blank lines are kept: indentation may be meant. The canonical
value is also what is sent, so after an apply the live text equals the canonical one.
"""

from __future__ import annotations

import json
from decimal import Context, Decimal, DecimalException, InvalidOperation, localcontext
from typing import Final, Literal, get_args

__all__ = [
    "MANAGED_FIELDS",
    "FieldValue",
    "ManagedField",
    "canonical",
    "display",
    "to_bool",
    "to_decimal",
    "to_description",
    "to_int",
    "to_offer_id",
]

# Free text last: an import writes it, and a plan shows it, after the short values.
ManagedField = Literal[
    "name", "offer_id", "paused", "sortable_order", "lead_duplicate_timeframe", "description"
]
MANAGED_FIELDS: Final[tuple[ManagedField, ...]] = get_args(ManagedField)

FieldValue = str | int | bool | Decimal | None

# The words TrackDrive documents for boolean params: 1, true, yes, on, 0, false, no, off.
_TRUE_WORDS: Final = frozenset({"1", "true", "yes", "on"})
_FALSE_WORDS: Final = frozenset({"0", "false", "no", "off"})

# Far beyond any sortable_order or id, and small enough that exact arithmetic stays cheap.
_MAX_MAGNITUDE: Final = 40
_EXACT: Final = Context(prec=2 * _MAX_MAGNITUDE + 2)


def to_bool(value: object) -> bool:
    """A boolean from ``True``/``False``, 0/1, or one of TrackDrive's words in any case."""
    if isinstance(value, bool):
        return value
    if isinstance(value, int) and value in (0, 1):
        return bool(value)
    if isinstance(value, str):
        word = value.strip().lower()
        if word in _TRUE_WORDS:
            return True
        if word in _FALSE_WORDS:
            return False
    raise ValueError(
        f"expected a boolean (true/false, yes/no, on/off, 1/0), got {_describe(value)}"
    )


def to_decimal(value: object) -> Decimal:
    """An exact decimal from an int, a Decimal or a numeric string; floats are refused."""
    if isinstance(value, bool | float):
        raise ValueError(f"expected a decimal number, got {_describe(value)}")
    if isinstance(value, Decimal):
        number = value
    elif isinstance(value, int):
        number = Decimal(value)
    elif isinstance(value, str):
        try:
            number = Decimal(value.strip())
        except InvalidOperation:
            raise ValueError(f"expected a decimal number, got {_describe(value)}") from None
    else:
        raise ValueError(f"expected a decimal number, got {_describe(value)}")
    if not number.is_finite():
        raise ValueError(f"expected a finite decimal number, got {_describe(value)}")
    if number and abs(number.adjusted()) > _MAX_MAGNITUDE:
        raise ValueError(f"the decimal number {_describe(value)} is out of range")
    try:
        with localcontext(_EXACT):
            # normalize() drops trailing zeros; 'f' keeps it out of exponent form (10, not 1E+1).
            return Decimal(format(number.normalize(), "f"))
    except DecimalException:  # pragma: no cover - excluded by the magnitude check
        raise ValueError(f"the decimal number {_describe(value)} is out of range") from None


def to_int(value: object) -> int:
    """A whole number from an int, an integral Decimal or a string of digits."""
    if isinstance(value, bool):
        raise ValueError(f"expected a whole number, got {_describe(value)}")
    if isinstance(value, int):
        return value
    try:
        number = to_decimal(value)
    except ValueError:
        raise ValueError(f"expected a whole number, got {_describe(value)}") from None
    if number != number.to_integral_value():
        raise ValueError(f"expected a whole number, got {_describe(value)}")
    return int(number)


def to_offer_id(value: object) -> int | None:
    """An offer id: a positive whole number, or ``None`` for "no offer"."""
    if value is None:
        return None
    try:
        number = to_int(value)
    except ValueError:
        raise ValueError(f"expected a positive offer id, got {_describe(value)}") from None
    if number <= 0:
        raise ValueError(f"expected a positive offer id, got {number}")
    return number


def to_description(value: object) -> str | None:
    """A description in canonical form (see the module's rules); ``None`` when blank."""
    if value is None:
        return None
    if not isinstance(value, str):
        raise ValueError(f"expected a description as text, got {_describe(value)}")
    lines = value.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    text = "\n".join(line.rstrip() for line in lines).rstrip()
    return text or None


def canonical(field: ManagedField, value: object) -> FieldValue:
    """The canonical form of ``value`` for ``field``."""
    match field:
        case "name":
            if not isinstance(value, str):
                raise ValueError(f"expected a name (text), got {_describe(value)}")
            return value
        case "offer_id":
            # Rails may render a blank foreign key as "": the same as no offer.
            return None if value == "" else to_offer_id(value)
        case "description":
            return to_description(value)
        case "paused":
            return to_bool(value)
        case "sortable_order":
            return None if value is None or value == "" else to_decimal(value)
        case "lead_duplicate_timeframe":
            return None if value is None or value == "" else to_int(value)


def display(value: FieldValue) -> str:
    """A canonical value as a reader expects it: ``true``, ``10.5``, ``"Solar"``, ``null``."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        # JSON quoting: quotes, backslashes and line breaks inside a name stay readable.
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, Decimal):
        return format(value, "f")
    return str(value)


def describe(value: object) -> str:
    """A value as the user wrote it, for messages: 'text', true, null, 10.5."""
    return _describe(value)


def _describe(value: object) -> str:
    if isinstance(value, str):
        return f"'{value}'"
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Decimal):
        # Plain digits for ordinary numbers; exponent form for absurd ones, not a page of 0s.
        return format(value, "f") if abs(value.adjusted()) <= _MAX_MAGNITUDE else str(value)
    if isinstance(value, int):
        return str(value)
    return f"{value!r} ({type(value).__name__})"
