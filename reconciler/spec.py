"""What a user writes: one schedule spec, and the optional ``reconciler.yaml``.

A field left out of a spec is *unmanaged*: never diffed, never sent. Pydantic's
``model_fields_set`` keeps "not given" apart from "given as null", and ``managed_values``
exposes only what was given.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    WithJsonSchema,
    field_validator,
)

from reconciler.inputlimits import InputLimits
from reconciler.location import Location
from reconciler.normalize import (
    MANAGED_FIELDS,
    FieldValue,
    ManagedField,
    describe,
    to_bool,
    to_decimal,
    to_description,
    to_int,
    to_offer_id,
)

__all__ = [
    "DEFAULTABLE_KEYS",
    "SCHEDULE_KEYS",
    "DriftConfig",
    "Ensure",
    "LoadedSpec",
    "Origin",
    "ReconcilerConfig",
    "SafetyConfig",
    "ScheduleSpec",
    "SpecFile",
]

Ensure = Literal["present", "absent"]


def _non_negative_int(value: object) -> int:
    number = to_int(value)
    if number < 0:
        raise ValueError(f"expected a number of seconds ≥ 0, got {number}")
    return number


def _positive_id(value: object) -> int:
    number = to_int(value)
    if number <= 0:
        raise ValueError(f"expected a positive schedule id, got {number}")
    return number


def _name(value: object) -> str:
    if value is None:
        raise ValueError("a schedule's name must not be empty")
    if not isinstance(value, str):
        raise ValueError("expected the schedule's name as text")
    if not value.strip():
        raise ValueError("a schedule's name must not be empty")
    return value


# Editors should accept every word the API accepts, not only YAML's true/false.
_BOOL_SCHEMA = {
    "anyOf": [
        {"type": "boolean"},
        {"enum": [0, 1]},
        {"type": "string", "pattern": "(?i)^(1|0|true|false|yes|no|on|off)$"},
    ]
}
_Bool = Annotated[bool, BeforeValidator(to_bool), WithJsonSchema(_BOOL_SCHEMA)]


def _ensure(value: object) -> object:
    if value not in ("present", "absent"):
        raise ValueError(f"expected 'present' or 'absent', got {describe(value)}")
    return value


def _whole_number_schema(minimum: int, *, nullable: bool = True) -> dict[str, Any]:
    """A whole number, given as a number or as quoted digits, as the loader accepts."""
    options: list[dict[str, Any]] = [
        {"type": "integer", "minimum": minimum},
        {"type": "string", "pattern": r"^\s*[0-9]+\s*$"},
    ]
    if nullable:
        options.append({"type": "null"})
    return {"anyOf": options}


_OfferId = Annotated[
    int | None, BeforeValidator(to_offer_id), WithJsonSchema(_whole_number_schema(1))
]
_Decimal = Annotated[
    Decimal | None,
    BeforeValidator(lambda v: None if v is None else to_decimal(v)),
    WithJsonSchema(
        {
            "anyOf": [
                {"type": "number"},
                {
                    "type": "string",
                    "pattern": r"^\s*[-+]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][-+]?[0-9]+)?\s*$",
                },
                {"type": "null"},
            ]
        }
    ),
]
_Seconds = Annotated[
    int | None,
    BeforeValidator(lambda v: None if v is None else _non_negative_int(v)),
    WithJsonSchema(_whole_number_schema(0)),
]
_Id = Annotated[
    int | None,
    BeforeValidator(lambda v: None if v is None else _positive_id(v)),
    WithJsonSchema(_whole_number_schema(1)),
]
_Description = Annotated[
    str | None,
    BeforeValidator(to_description),
    WithJsonSchema({"type": ["string", "null"]}),
]
_Name = Annotated[str, BeforeValidator(_name), WithJsonSchema({"type": "string", "pattern": r"\S"})]


class ScheduleSpec(BaseModel):
    """One schedule as the user wants it on the account."""

    model_config = ConfigDict(frozen=True, extra="forbid", strict=False)

    name: _Name = Field(
        description="Identity: matched to the live schedule with exactly this name."
    )
    id: _Id = Field(
        default=None,
        description="Optional pin: match the live schedule with this id (adoption, renames).",
    )
    offer_id: _OfferId = Field(default=None, description="The offer this schedule belongs to.")
    paused: _Bool = Field(
        default=False, description="Paused? Accepts true/false, yes/no, on/off, 1/0."
    )
    sortable_order: _Decimal = Field(
        default=None, description="Sort position (a decimal; smaller is listed first)."
    )
    lead_duplicate_timeframe: _Seconds = Field(
        default=None, description="Seconds within which a repeated lead counts as a duplicate."
    )
    description: _Description = Field(
        default=None,
        description=(
            "Free text. Line endings, trailing spaces and a final newline do not count; "
            "blank or null means no description."
        ),
    )
    ensure: Annotated[Ensure, BeforeValidator(_ensure)] = Field(
        default="present", description="`absent` deletes the live schedule of this name."
    )

    def managed_values(self) -> dict[ManagedField, FieldValue]:
        """The managed fields this spec sets, in canonical form; left-out fields are absent."""
        given = self.model_fields_set | {"name"}
        return {f: getattr(self, f) for f in MANAGED_FIELDS if f in given}


SCHEDULE_KEYS: tuple[str, ...] = tuple(ScheduleSpec.model_fields)
#: What a file's ``defaults:`` may set: every key but those that pick out one schedule.
DEFAULTABLE_KEYS: tuple[str, ...] = tuple(
    k for k in SCHEDULE_KEYS if k not in {"name", "id", "ensure"}
)


Origin = Literal["defaults", "merge key", "alias"]


@dataclass(frozen=True, slots=True)
class LoadedSpec:
    """A valid spec and where it was written: its entry, and each key it sets.

    ``key_locations[key]`` is where the key that set a value stands, in the entry or wherever
    the value came from; ``value_locations[key]`` where the value itself is written (for an
    alias ``*name``, at its anchor); ``origins[key]`` says how a value not written in the
    entry got there (the file's ``defaults:``, a merge key ``<<``, an alias).
    """

    spec: ScheduleSpec
    location: Location
    key_locations: Mapping[str, Location] = field(default_factory=dict)
    origins: Mapping[str, Origin] = field(default_factory=dict)
    value_locations: Mapping[str, Location] = field(default_factory=dict)

    def source_of(self, key: str) -> Location | None:
        """Where the value of ``key`` was written, when that is outside this entry."""
        if key not in self.origins:
            return None
        return self.value_locations.get(key) or self.key_locations.get(key)


class ScheduleDefaults(BaseModel):
    """A file's ``defaults:``: values every schedule in the file gets unless it sets its own."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    offer_id: _OfferId = Field(
        default=None, description=ScheduleSpec.model_fields["offer_id"].description
    )
    paused: _Bool = Field(
        default=False, description=ScheduleSpec.model_fields["paused"].description
    )
    sortable_order: _Decimal = Field(
        default=None, description=ScheduleSpec.model_fields["sortable_order"].description
    )
    lead_duplicate_timeframe: _Seconds = Field(
        default=None, description=ScheduleSpec.model_fields["lead_duplicate_timeframe"].description
    )
    description: _Description = Field(
        default=None, description=ScheduleSpec.model_fields["description"].description
    )


class SpecFile(BaseModel):
    """The shape of one file in ``schedules.d/`` (for the JSON Schema editors use)."""

    model_config = ConfigDict(extra="forbid", title="trackdrive-reconciler schedules file")

    defaults: ScheduleDefaults = Field(
        default_factory=ScheduleDefaults,
        description=(
            "Values every schedule in this file gets unless it sets its own "
            "(entries with `ensure: absent` get none)."
        ),
    )
    schedules: list[ScheduleSpec] = Field(default_factory=list)


def _count(value: object) -> int:
    number = to_int(value)
    if number < 0:
        raise ValueError(f"expected a whole number ≥ 0, got {number}")
    return number


def _percent(value: object) -> Decimal:
    number = to_decimal(value)
    if not 0 <= number <= 100:
        raise ValueError(f"expected a percentage from 0 to 100, got {number}")
    return number


def _pattern(value: object) -> str:
    if not isinstance(value, str):
        raise ValueError("expected a regular expression as text")
    try:
        re.compile(value)
    except re.error as exc:
        raise ValueError(f"{value!r} is not a valid regular expression: {exc}") from None
    return value


def _patterns(value: object) -> object:
    if isinstance(value, str):
        raise ValueError(f"expected a list of patterns, e.g. ignore: [{value!r}]")
    return value


_Count = Annotated[int, BeforeValidator(_count), WithJsonSchema({"type": "integer", "minimum": 0})]
_Percent = Annotated[
    Decimal,
    BeforeValidator(_percent),
    WithJsonSchema({"type": "number", "minimum": 0, "maximum": 100}),
]
_Pattern = Annotated[str, BeforeValidator(_pattern)]


class SafetyConfig(BaseModel):
    """Thresholds that refuse an apply unless ``--force``; creates never count."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    max_deletes: _Count = Field(default=10, description="More deletes than this refuse.")
    max_delete_percent: _Percent = Field(
        default=Decimal(30), description="Deletes as a percentage of live schedules."
    )
    max_update_percent: _Percent = Field(
        default=Decimal(50), description="Updates as a percentage of live schedules."
    )
    min_live_for_percent: _Count = Field(
        default=10,
        description="The percentages apply only when at least this many schedules are live.",
    )


class DriftConfig(BaseModel):
    """How ``reconciler drift`` judges what it finds."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    unmanaged: Literal["report", "fail"] = Field(
        default="report",
        description=(
            "Live schedules that no spec names: 'report' lists them without calling it drift "
            "(unless prune is on, when apply would delete them); 'fail' counts them as drift."
        ),
    )


class ReconcilerConfig(BaseModel):
    """``reconciler.yaml``: ownership and safety for the whole account."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    prune: bool = Field(default=False, description="Delete live schedules that no spec names.")
    ignore: Annotated[tuple[_Pattern, ...], BeforeValidator(_patterns)] = Field(
        default=(), description="Regexes on live names never managed, reported or deleted."
    )
    safety: SafetyConfig = Field(default_factory=SafetyConfig)
    drift: DriftConfig = Field(default_factory=DriftConfig)
    limits: InputLimits = Field(
        default_factory=InputLimits, description="Bounds on each spec file, checked before YAML."
    )

    @field_validator("prune", mode="before")
    @classmethod
    def _prune_words(cls, value: Any) -> bool:
        return to_bool(value)

    def is_ignored(self, name: str) -> bool:
        """Whether a live name matches an ``ignore`` pattern."""
        return any(re.search(p, name) for p in self.ignore)
