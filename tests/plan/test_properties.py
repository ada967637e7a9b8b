"""Properties of plans over random accounts and spec sets (hypothesis).

Live records have names from a small pool (so names repeat and collide with specs) and a random
subset of the other managed fields visible, in any of the forms the API may send. Specs have
unique names, as the loader guarantees, and sometimes pin an id; a spec whose name is duplicated
live is pinned to one of those records, so ambiguity errors are rare; inputs that raise
``PlanError`` (a pin to an id that is not live, or is ignored) are skipped.
"""

from __future__ import annotations

import random
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reconciler.errors import PlanError
from reconciler.plan import Plan, build_plan
from reconciler.planfile import plan_from_json, plan_to_json
from reconciler.render import render_plan
from reconciler.spec import LoadedSpec, ReconcilerConfig
from tests.plan.account_model import Account
from tests.plan.builders import config, spec

NAMES = ("Alpha", "Beta", "Gamma", "Delta", "tmp - 1", "tmp - 2")
IGNORE = "^tmp - "
MISSING_ID = 99  # never live: pins to it are no-ops with `ensure: absent`, errors otherwise
OTHER_FIELDS = ("offer_id", "paused", "sortable_order", "lead_duplicate_timeframe")

PROPERTY_SETTINGS = settings(
    max_examples=75,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow],
)

# Every field in the forms a spec or the API may give it, canonical or not.
VALUES: Mapping[str, st.SearchStrategy[Any]] = {
    "offer_id": st.one_of(st.none(), st.integers(1, 3), st.sampled_from(["1", "2", "3.0"])),
    "paused": st.one_of(
        st.booleans(), st.sampled_from([0, 1, "yes", "no", "on", "off", "true", "FALSE"])
    ),
    "sortable_order": st.one_of(
        st.none(), st.integers(0, 3), st.sampled_from(["1", "1.0", "1.50", "1.5", "2", "0.0"])
    ),
    "lead_duplicate_timeframe": st.one_of(
        st.none(), st.integers(0, 3), st.sampled_from(["0", "2", "30", "3.0"])
    ),
}
FIELD_SUBSETS = st.sets(st.sampled_from(OTHER_FIELDS))


@dataclass(frozen=True)
class Case:
    """One random account, spec set and config; printed as plain data when a property fails."""

    records: tuple[tuple[dict[str, Any], frozenset[str]], ...]
    specs: tuple[dict[str, Any], ...]
    prune: bool
    ignore: tuple[str, ...]
    hidden_on_create: frozenset[str]

    def account(self) -> Account:
        """A fresh in-memory account holding the live records."""
        return Account.from_records(self.records, hidden_on_create=self.hidden_on_create)

    def loaded_specs(self) -> list[LoadedSpec]:
        """The specs as the loader would give them."""
        return [spec(line=3 * i + 1, **keys) for i, keys in enumerate(self.specs)]

    def config(self) -> ReconcilerConfig:
        """The reconciler.yaml of this case, with thresholds that never matter here."""
        return config(prune=self.prune, ignore=self.ignore)

    def ignored(self, name: object) -> bool:
        """Whether a name is ignored under this case's patterns."""
        return isinstance(name, str) and self.config().is_ignored(name)


@st.composite
def cases(draw: st.DrawFn) -> Case:
    """A random account and spec set (see the module docstring)."""
    ids = draw(st.lists(st.integers(1, 40), unique=True, max_size=8))
    records: list[tuple[dict[str, Any], frozenset[str]]] = []
    for schedule_id in ids:
        record: dict[str, Any] = {"id": schedule_id, "name": draw(st.sampled_from(NAMES))}
        for field in OTHER_FIELDS:
            record[field] = draw(VALUES[field])
        hidden = frozenset(draw(FIELD_SUBSETS))
        records.append((record, hidden))
    names = draw(st.lists(st.sampled_from(NAMES), unique=True, max_size=len(NAMES)))
    pinned: set[int] = set()
    specs: list[dict[str, Any]] = []
    for name in names:
        keys: dict[str, Any] = {"name": name}
        if ids and draw(st.integers(0, 3)) == 0:
            pin = draw(st.sampled_from([*ids, MISSING_ID]))
            if pin not in pinned:
                keys["id"] = pin
                pinned.add(pin)
        if draw(st.integers(0, 4)) == 0:
            keys["ensure"] = "absent"
        for field in sorted(draw(FIELD_SUBSETS)):
            keys[field] = draw(VALUES[field])
        specs.append(keys)
    # Pin a spec whose name several unclaimed live records share to one of them.
    for keys in specs:
        if "id" in keys:
            continue
        namesakes = [
            r["id"] for r, _ in records if r["name"] == keys["name"] and r["id"] not in pinned
        ]
        if len(namesakes) > 1:
            keys["id"] = draw(st.sampled_from(namesakes))
            pinned.add(keys["id"])
    return Case(
        records=tuple(records),
        specs=tuple(specs),
        prune=draw(st.booleans()),
        ignore=draw(st.sampled_from([(), (IGNORE,)])),
        hidden_on_create=frozenset(draw(FIELD_SUBSETS)),
    )


def plan_or_none(case: Case, account: Account) -> Plan | None:
    """The plan for ``case`` against ``account``, or None when the specs cannot be matched."""
    try:
        return build_plan(case.loaded_specs(), account.live(), case.config())
    except PlanError:
        return None


@PROPERTY_SETTINGS
@given(cases())
def test_applying_a_plan_then_planning_again_gives_no_changes(case: Case) -> None:
    """Apply a plan to the account, plan again: nothing is left to change (convergence)."""
    account = case.account()
    first = plan_or_none(case, account)
    if first is None:
        return
    account.apply(first)
    second = build_plan(case.loaded_specs(), account.live(), case.config())
    assert second.changes == (), render_plan(second, "text")
    assert second.summary.unchanged == first.summary.unchanged + first.summary.update + sum(
        1 for c in first.changes if c.action == "create"
    )


@PROPERTY_SETTINGS
@given(cases())
def test_no_plan_touches_a_schedule_no_spec_names_unless_prune_is_on(case: Case) -> None:
    """Without prune, every update or delete hits a schedule a spec pins or names."""
    plan = plan_or_none(case, case.account())
    if plan is None or case.prune:
        return
    names = {r["id"]: r["name"] for r, _ in case.records}
    for change in plan.changes:
        if change.action == "create":
            continue
        assert change.id is not None
        named_by = [
            s
            for s in case.specs
            if s.get("id") == change.id or ("id" not in s and s["name"] == names[change.id])
        ]
        assert named_by, f"{change.action} of id {change.id} ({names[change.id]}) no spec names"


@PROPERTY_SETTINGS
@given(cases())
def test_no_plan_touches_an_ignored_schedule(case: Case) -> None:
    """No change touches an ignored schedule or gives one an ignored name; they are only counted."""
    plan = plan_or_none(case, case.account())
    if plan is None:
        return
    names = {r["id"]: r["name"] for r, _ in case.records}
    for change in plan.changes:
        if change.id is not None:
            assert not case.ignored(names[change.id]), change
        assert not case.ignored(change.values().get("name")), change
    assert not any(case.ignored(u.name) for u in plan.unmanaged)
    assert plan.ignored == sum(1 for name in names.values() if case.ignored(name))


@PROPERTY_SETTINGS
@given(cases())
def test_every_live_schedule_is_counted_exactly_once(case: Case) -> None:
    """Live schedules not ignored are each unchanged, updated, deleted or unmanaged."""
    plan = plan_or_none(case, case.account())
    if plan is None:
        return
    s = plan.summary
    assert plan.live_count == s.unchanged + s.update + s.delete + s.unmanaged
    assert plan.live_count + plan.ignored == len(case.records)
    touched = plan.touched_ids()
    assert len(touched) == len(set(touched))


@PROPERTY_SETTINGS
@given(cases(), st.randoms(use_true_random=False))
def test_plans_are_deterministic_and_round_trip_through_json(
    case: Case, rng: random.Random
) -> None:
    """Shuffling the live records changes no output byte; the JSON plan reads back equal."""
    account = case.account()
    plan = plan_or_none(case, account)
    if plan is None:
        return
    shuffled = account.live()
    rng.shuffle(shuffled)
    again = build_plan(case.loaded_specs(), shuffled, case.config())
    for fmt in ("text", "markdown", "json"):
        assert render_plan(again, fmt) == render_plan(plan, fmt)
    assert plan_from_json(plan_to_json(plan)) == plan
