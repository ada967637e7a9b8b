"""The plan file: its exact text, what it reads back, and each refusal of a damaged one.

``PLAN_TEXT`` is written out (checked by eye against docs/plan-format.md): a create, an update
set by ``defaults:`` and a delete, a non-ASCII name, a spec path holding a colon, ``only`` and
``account`` set. The refusal tests edit that text the way a hand-edited or swapped CI artifact
would."""

from __future__ import annotations

import json
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest

from reconciler.diff import Change, FieldChange, UnknownField
from reconciler.errors import PlanFileError
from reconciler.location import Location
from reconciler.plan import Plan, UnmanagedSchedule
from reconciler.planfile import plan_from_json, plan_to_json

SPEC = "schedules.d/solar:2026.yaml"
PLAN = Plan(
    changes=(
        Change(
            "create",
            "Solar Süd",
            None,
            (FieldChange("name", None, "Solar Süd"), FieldChange("paused", None, True)),
            source=Location(SPEC, 4, 5),
        ),
        Change(
            "update",
            "Solar - East",
            7,
            (FieldChange("sortable_order", Decimal("10"), Decimal("10.5"), Location(SPEC, 2, 3)),),
            source=Location(SPEC, 9, 5),
        ),
        Change(
            "delete",
            "Old",
            9,
            (FieldChange("name", "Old", None),),
            reason="prune: no spec names it",
        ),
    ),
    unchanged=1,
    unmanaged=(UnmanagedSchedule("Manual", 12),),
    ignored=0,
    live_count=4,
    unknown=(UnknownField("Manual", 12, "description"),),
    warnings=("two schedules are named Old",),
    breaches=("1 delete",),
    fingerprints={9: "f9", 7: "f7"},
    specs_digest="0" * 64,
    config_digest="1" * 64,
    account="https://acme.trackdrive.com",
    only="^Solar",
)
PLAN_TEXT = """\
{
  "format_version": 1,
  "summary": {
    "create": 1,
    "update": 1,
    "delete": 1,
    "unchanged": 1,
    "unmanaged": 1,
    "ignored": 0
  },
  "changes": [
    {
      "action": "create",
      "name": "Solar Süd",
      "id": null,
      "reason": null,
      "source": "schedules.d/solar:2026.yaml:4:5",
      "fields": {
        "name": {
          "before": null,
          "after": "Solar Süd"
        },
        "paused": {
          "before": null,
          "after": true
        }
      }
    },
    {
      "action": "update",
      "name": "Solar - East",
      "id": 7,
      "reason": null,
      "source": "schedules.d/solar:2026.yaml:9:5",
      "fields": {
        "sortable_order": {
          "before": "10",
          "after": "10.5",
          "source": "schedules.d/solar:2026.yaml:2:3"
        }
      }
    },
    {
      "action": "delete",
      "name": "Old",
      "id": 9,
      "reason": "prune: no spec names it",
      "source": null,
      "fields": {
        "name": {
          "before": "Old",
          "after": null
        }
      }
    }
  ],
  "warnings": [
    "two schedules are named Old"
  ],
  "breaches": [
    "1 delete"
  ],
  "refusals": [],
  "unmanaged": [
    {
      "name": "Manual",
      "id": 12
    }
  ],
  "unknown_fields": [
    {
      "name": "Manual",
      "id": 12,
      "field": "description"
    }
  ],
  "live_count": 4,
  "specs_digest": "0000000000000000000000000000000000000000000000000000000000000000",
  "config_digest": "1111111111111111111111111111111111111111111111111111111111111111",
  "account": "https://acme.trackdrive.com",
  "only": "^Solar",
  "fingerprints": {
    "7": "f7",
    "9": "f9"
  }
}
"""

SCHEMA_HINT = "plan again: a plan file is written by `reconciler plan --out`, never by hand"


def test_the_plan_file_text_is_exactly_the_documented_format() -> None:
    """Keys in order, two-space indent, decimals as strings, non-ASCII kept as is, final newline."""
    assert plan_to_json(PLAN) == PLAN_TEXT


def test_the_plan_file_reads_back_every_value() -> None:
    """Reading the text gives the plan: ``only``, ``account`` and a path with a colon included."""
    read = plan_from_json(PLAN_TEXT)
    assert read == PLAN
    assert (read.only, read.account) == ("^Solar", "https://acme.trackdrive.com")
    assert read.changes[1].source == Location("schedules.d/solar:2026.yaml", 9, 5)
    assert read.changes[1].fields[0].source == Location("schedules.d/solar:2026.yaml", 2, 3)


def test_a_plan_file_without_only_is_not_narrowed() -> None:
    """``only`` is optional: a file without it reads as a plan of every schedule."""
    data = json.loads(PLAN_TEXT)
    del data["only"]
    assert plan_from_json(json.dumps(data)).only is None


def test_a_plan_file_that_is_not_an_object_is_refused() -> None:
    """JSON that is not an object (a list) is refused as such, with no hint."""
    with pytest.raises(PlanFileError) as raised:
        plan_from_json("[]")
    assert (raised.value.message, raised.value.hint) == ("the plan file is not a JSON object", None)


Edit = Callable[[dict[str, Any]], None]


def _set(path: tuple[str | int, ...], value: object) -> Edit:
    """An edit that sets ``data[path[0]][path[1]]...`` to ``value``."""

    def edit(data: dict[str, Any]) -> None:
        target: Any = data
        for key in path[:-1]:
            target = target[key]
        target[path[-1]] = value

    return edit


def _refusal(edit: Edit) -> PlanFileError:
    data = json.loads(PLAN_TEXT)
    edit(data)
    with pytest.raises(PlanFileError) as raised:
        plan_from_json(json.dumps(data))
    return raised.value


def test_a_file_off_the_format_is_refused_naming_the_nested_place() -> None:
    """A schema mismatch names its path (``changes/0/action``), the rule, and how to recover."""
    refused = _refusal(_set(("changes", 0, "action"), "rename"))
    assert refused.message == (
        "the plan file does not match the plan format at changes/0/action: 'rename' is not one "
        "of ['create', 'update', 'delete']"
    )
    assert refused.hint == SCHEMA_HINT


def test_a_schema_message_of_200_characters_is_shown_whole() -> None:
    """The rule's message is cut only beyond 200 characters: exactly 200 are shown as they are."""
    refused = _refusal(_set(("changes", 0, "action"), "a" * 153))
    shown = "'" + "a" * 153 + "' is not one of ['create', 'update', 'delete']"
    assert len(shown) == 200
    assert refused.message == (
        f"the plan file does not match the plan format at changes/0/action: {shown}"
    )


def test_a_longer_schema_message_is_cut_at_200_characters_with_an_ellipsis() -> None:
    """A hostile value cannot make the one-line error long: 200 characters, then '…'."""
    refused = _refusal(_set(("changes", 0, "action"), "a" * 154))
    shown = "'" + "a" * 154 + "' is not one of ['create', 'update', 'delete'"
    assert len(shown) == 200
    assert refused.message == (
        f"the plan file does not match the plan format at changes/0/action: {shown}…"
    )
    assert refused.hint == SCHEMA_HINT


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (
            _set(("changes", 0, "id"), 5),
            "create of 'Solar Süd': a create has no id and sets its own name",
        ),
        (
            _set(("changes", 0, "fields", "name", "after"), "Other"),
            "create of 'Solar Süd': a create has no id and sets its own name",
        ),
        (
            _set(("changes", 1, "id"), None),
            "update of 'Solar - East': an update needs the schedule's id",
        ),
        (_set(("changes", 2, "id"), None), "delete of 'Old': a delete needs the schedule's id"),
        (
            _set(("changes", 1, "fields"), {}),
            "update of 'Solar - East': an update changes at least one field",
        ),
        (_set(("unknown_fields", 0, "field"), "bogus"), "unknown field 'bogus'"),
        (
            _set(("changes", 0, "source"), "nowhere"),
            "not enough values to unpack (expected 3, got 1)",
        ),
    ],
    ids=[
        "create-with-id",
        "create-renamed",
        "update-without-id",
        "delete-without-id",
        "update-without-fields",
        "unknown-field",
        "source-without-line",
    ],
)
def test_a_change_apply_could_not_carry_out_is_refused_as_damaged(edit: Edit, message: str) -> None:
    """Each well-shaped but impossible edit is refused, naming the change and the broken rule."""
    refused = _refusal(edit)
    assert (refused.message, refused.hint) == (f"the plan file is damaged: {message}", None)
