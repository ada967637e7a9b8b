"""The plan as versioned JSON: written by ``plan --out``, read back by ``apply PLAN.json``.

The format is documented in ``docs/plan-format.md``. Decimals are strings (no float ever
rounds a ``sortable_order``), booleans are booleans, a create's ``id`` is null.

A plan file is untrusted (anyone who can replace a CI artifact writes it): before it is parsed
its nesting depth is bounded (deep JSON would end ``json.loads`` in a ``RecursionError``), and
once parsed it must match ``reconciler/schemas/plan.schema.json``, the published format itself
(``schemas/plan.schema.json`` links to it), before any value is read. Even then apply trusts
none of it: ``plancheck`` plans again and compares.
"""

from __future__ import annotations

import json
from decimal import Decimal
from functools import cache
from importlib import resources
from typing import Any, Final

import jsonschema

from reconciler.diff import Action, Change, FieldChange, UnknownField
from reconciler.errors import PlanFileError
from reconciler.inputlimits import InputLimits, json_depth_issue
from reconciler.location import Location
from reconciler.normalize import MANAGED_FIELDS, FieldValue, ManagedField, canonical
from reconciler.plan import Plan, UnmanagedSchedule

__all__ = [
    "FORMAT_VERSION",
    "MAX_PLAN_FILE_BYTES",
    "change_to_data",
    "plan_from_json",
    "plan_schema",
    "plan_to_data",
    "plan_to_json",
]

FORMAT_VERSION: Final = 1
#: A plan of 10,000 changes is about 5 MB; far bigger is not a plan this tool wrote.
MAX_PLAN_FILE_BYTES: Final = 64_000_000
# The format nests six levels (plan, changes, change, fields, field, value).
_PLAN_LIMITS: Final = InputLimits(max_file_bytes=MAX_PLAN_FILE_BYTES, max_depth=16)
_SHOWN_ERROR_CHARS: Final = 200


def _value(value: FieldValue) -> Any:
    return str(value) if isinstance(value, Decimal) else value


def plan_to_data(plan: Plan) -> dict[str, Any]:
    """The plan as JSON-able data, in a stable key order."""
    summary = plan.summary
    return {
        "format_version": FORMAT_VERSION,
        "summary": {
            "create": summary.create,
            "update": summary.update,
            "delete": summary.delete,
            "unchanged": summary.unchanged,
            "unmanaged": summary.unmanaged,
            "ignored": summary.ignored,
        },
        "changes": [change_to_data(change) for change in plan.changes],
        "warnings": list(plan.warnings),
        "breaches": list(plan.breaches),
        "refusals": list(plan.refusals),
        "unmanaged": [{"name": u.name, "id": u.id} for u in plan.unmanaged],
        "unknown_fields": [{"name": u.name, "id": u.id, "field": u.field} for u in plan.unknown],
        "live_count": plan.live_count,
        "specs_digest": plan.specs_digest,
        "config_digest": plan.config_digest,
        "account": plan.account,
        "only": plan.only,
        "fingerprints": {str(k): v for k, v in sorted(plan.fingerprints.items())},
    }


def _field_data(change: FieldChange) -> dict[str, Any]:
    data = {"before": _value(change.before), "after": _value(change.after)}
    if change.source is not None:  # only for a value set by defaults: or an anchor
        data["source"] = str(change.source)
    return data


def change_to_data(change: Change) -> dict[str, Any]:
    """One change as the plan file holds it."""
    return {
        "action": change.action,
        "name": change.name,
        "id": change.id,
        "reason": change.reason,
        "source": str(change.source) if change.source else None,
        "fields": {f.field: _field_data(f) for f in change.fields},
    }


@cache
def plan_schema() -> dict[str, Any]:
    """The plan file's JSON Schema, shipped inside the package."""
    text = resources.files("reconciler").joinpath("schemas/plan.schema.json").read_text("utf-8")
    schema: dict[str, Any] = json.loads(text)
    return schema


def plan_to_json(plan: Plan) -> str:
    """The plan file's text."""
    return json.dumps(plan_to_data(plan), indent=2, ensure_ascii=False) + "\n"


def plan_from_json(text: str) -> Plan:
    """Read a plan file; ``PlanFileError`` when it is not a plan this version can apply."""
    too_deep = json_depth_issue(text, "plan file", _PLAN_LIMITS)
    if too_deep is not None and too_deep.location is not None:
        at = too_deep.location
        raise PlanFileError(
            f"the plan file nests more than {_PLAN_LIMITS.max_depth} levels deep (line "
            f"{at.line}, column {at.column}); it is not a plan this tool wrote"
        )
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise PlanFileError(f"the plan file is not JSON: {exc}") from None
    if not isinstance(data, dict):
        raise PlanFileError("the plan file is not a JSON object")
    version = data.get("format_version")
    if version != FORMAT_VERSION:
        raise PlanFileError(
            f"the plan file has format_version {version!r}; this reconciler reads {FORMAT_VERSION}",
            hint="plan again with this version of the reconciler",
        )
    _check_schema(data)
    try:
        return Plan(
            changes=tuple(_change(c) for c in data["changes"]),
            unchanged=int(data["summary"]["unchanged"]),
            unmanaged=tuple(UnmanagedSchedule(u["name"], int(u["id"])) for u in data["unmanaged"]),
            ignored=int(data["summary"]["ignored"]),
            live_count=int(data["live_count"]),
            unknown=tuple(
                UnknownField(u["name"], int(u["id"]), _field(u["field"]))
                for u in data["unknown_fields"]
            ),
            warnings=tuple(data["warnings"]),
            breaches=tuple(data["breaches"]),
            refusals=tuple(data["refusals"]),
            fingerprints={int(k): str(v) for k, v in data["fingerprints"].items()},
            specs_digest=str(data["specs_digest"]),
            config_digest=str(data["config_digest"]),
            account=str(data["account"]),
            only=None if data.get("only") is None else str(data["only"]),
        )
    except KeyError as exc:
        raise PlanFileError(f"the plan file is damaged: the key {exc} is missing") from None
    except (TypeError, ValueError) as exc:
        raise PlanFileError(f"the plan file is damaged: {exc}") from None


def _check_schema(data: dict[str, Any]) -> None:
    """Refuse data that is not shaped as the published format says, naming the first place."""
    validator = jsonschema.Draft202012Validator(plan_schema())
    error = jsonschema.exceptions.best_match(validator.iter_errors(data))
    if error is None:
        return
    where = "/".join(str(part) for part in error.absolute_path) or "the top level"
    message = error.message
    if len(message) > _SHOWN_ERROR_CHARS:
        message = message[:_SHOWN_ERROR_CHARS] + "…"
    raise PlanFileError(
        f"the plan file does not match the plan format at {where}: {message}",
        hint="plan again: a plan file is written by `reconciler plan --out`, never by hand",
    )


def _field(name: object) -> ManagedField:
    for field in MANAGED_FIELDS:
        if name == field:
            return field
    raise ValueError(f"unknown field {name!r}")


def _action(name: object) -> Action:
    actions: tuple[Action, ...] = ("create", "update", "delete")
    for action in actions:
        if name == action:
            return action
    raise ValueError(f"unknown action {name!r}")


def _location(text: object) -> Location | None:
    if not isinstance(text, str):
        return None
    file, line, column = text.rsplit(":", 2)
    return Location(file, int(line), int(column))


def _field_value(field: ManagedField, value: object) -> FieldValue:
    return None if value is None else canonical(field, value)


def _change(data: dict[str, Any]) -> Change:
    fields = tuple(
        FieldChange(
            field := _field(name),
            _field_value(field, values["before"]),
            _field_value(field, values["after"]),
            _location(values.get("source")),
        )
        for name, values in data["fields"].items()
    )
    raw_id = data["id"]
    change = Change(
        action=_action(data["action"]),
        name=str(data["name"]),
        id=None if raw_id is None else int(raw_id),
        fields=fields,
        reason=data.get("reason"),
        source=_location(data.get("source")),
    )
    _check_change(change)
    return change


def _check_change(change: Change) -> None:
    """Refuse changes apply could not carry out as written (a hand-edited file)."""
    label = f"{change.action} of {change.name!r}"
    if change.action == "create":
        if change.id is not None or change.values().get("name") != change.name:
            raise ValueError(f"{label}: a create has no id and sets its own name")
    elif change.id is None:
        article = "an" if change.action == "update" else "a"
        raise ValueError(f"{label}: {article} {change.action} needs the schedule's id")
    elif change.action == "update" and not change.fields:
        raise ValueError(f"{label}: an update changes at least one field")
