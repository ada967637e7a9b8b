"""The in-memory account the properties apply plans to does what a real account would."""

from __future__ import annotations

import pytest

from reconciler.diff import Change, FieldChange
from reconciler.plan import Plan
from tests.plan.account_model import Account, ModelError


def plan_of(*changes: Change) -> Plan:
    """A plan holding only ``changes``."""
    return Plan(changes=changes, unchanged=0, unmanaged=(), ignored=0, live_count=0)


def test_create_update_and_delete_are_carried_out_literally() -> None:
    """A create gets a new id and defaults, an update sets its fields, a delete removes."""
    account = Account.from_records(
        [
            ({"id": 1, "name": "A", "paused": False}, frozenset()),
            ({"id": 2, "name": "B"}, frozenset()),
        ]
    )
    account.apply(
        plan_of(
            Change("create", "C", None, (FieldChange("name", None, "C"),)),
            Change(
                "update",
                "A2",
                1,
                (FieldChange("name", "A", "A2"), FieldChange("paused", False, True)),
            ),
            Change("delete", "B", 2),
        )
    )
    assert [(s.id, s.name, s.fields.get("paused")) for s in account.live()] == [
        (1, "A2", True),
        (3, "C", False),
    ]


def test_ids_are_never_reused() -> None:
    """After the highest id is deleted, the next create still gets a fresh id."""
    account = Account.from_records([({"id": 5, "name": "A"}, frozenset())])
    account.apply(plan_of(Change("delete", "A", 5)))
    account.apply(plan_of(Change("create", "B", None, (FieldChange("name", None, "B"),))))
    assert [s.id for s in account.live()] == [6]


def test_hidden_fields_are_left_out_of_reads() -> None:
    """A field the token may not see is missing from the record, so it reads as unknown."""
    account = Account.from_records(
        [({"id": 1, "name": "A", "paused": True}, frozenset({"paused"}))],
        hidden_on_create=frozenset({"offer_id"}),
    )
    account.apply(plan_of(Change("create", "B", None, (FieldChange("offer_id", None, 4),))))
    fields = {s.id: dict(s.fields) for s in account.live()}
    assert "paused" not in fields[1]
    assert "offer_id" not in fields[2]


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            Change("update", "X", 9, (FieldChange("paused", False, True),)),
            "update of id 9, which does not exist",
        ),
        (Change("delete", "X", 9), "delete of id 9, which does not exist"),
        (
            Change("update", "A", 1, (FieldChange("paused", False, True),)),
            "update of id 1 writes hidden field paused",
        ),
    ],
    ids=["update-missing-id", "delete-missing-id", "write-hidden-field"],
)
def test_impossible_writes_are_refused(change: Change, message: str) -> None:
    """A write to a missing id or to a field the token cannot see fails, naming id and field."""
    account = Account.from_records(
        [({"id": 1, "name": "A", "paused": False}, frozenset({"paused"}))]
    )
    with pytest.raises(ModelError) as raised:
        account.apply(plan_of(change))
    assert str(raised.value) == message


def test_two_writes_to_one_id_are_refused() -> None:
    """A plan that writes one schedule twice is wrong, and the model says so."""
    account = Account.from_records([({"id": 1, "name": "A"}, frozenset())])
    update = Change("update", "B", 1, (FieldChange("name", "A", "B"),))
    with pytest.raises(ModelError) as raised:
        account.apply(plan_of(update, update))
    assert str(raised.value) == "the plan writes id 1 twice"
