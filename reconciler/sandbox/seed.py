"""Seed data: a believable demo account, or N generated schedules. Only into an empty database."""

from __future__ import annotations

import random
from datetime import timedelta
from decimal import Decimal
from typing import Any

from reconciler.sandbox.clock import SandboxClock
from reconciler.sandbox.dialer import Dialer
from reconciler.sandbox.store import ScheduleStore
from reconciler.sandbox.values import rails_decimal

__all__ = ["seed_database"]

# (name, offer_id, paused, sortable_order, lead_duplicate_timeframe, description)
# The first five overlap the example specs in schedules.d/, some of them drifted, so that a
# plan against the demo account shows updates, a create and unmanaged schedules.
_DEMO: tuple[tuple[str, int, bool, str | None, int | None, str | None], ...] = (
    ("Solar - East", 1001, False, "10", 2592000, "Residential solar, eastern states"),
    ("Solar - West", 1001, False, "30", 2592000, "Residential solar, western states"),
    ("Solar - Texas Weekend", 1001, False, "25.5", None, "Weekend overflow for Texas"),
    ("Auto Insurance - Inbound", 2002, False, "5", None, None),
    ("Auto Insurance - Outbound Callbacks", 2002, True, "6", 3600, "Callbacks within the hour"),
    ("Solar - Florida", 1001, False, "30", 2592000, None),
    ("Solar - California Premium", 1001, False, "35", 2592000, "Premium buyers only"),
    ("Solar - Arizona", 1001, True, "40", 604800, "Paused: buyer cap reached"),
    ("Solar - Nevada", 1001, False, "45", 604800, None),
    ("Solar - Carolinas", 1001, False, "50", 2592000, None),
    ("Solar - New Jersey", 1001, False, "55", 2592000, None),
    ("Solar - Aged Leads", 1001, True, "90", 0, "Leads older than 30 days"),
    ("Medicare Advantage - TX", 2003, False, "10", 86400, "AEP season"),
    ("Medicare Advantage - FL", 2003, False, "11", 86400, "AEP season"),
    ("Medicare Advantage - AZ", 2003, False, "12", 86400, None),
    ("Medicare Supplement - National", 2003, False, "20", 86400, None),
    ("Medicare - Spanish Language", 2003, False, "25", 86400, "Agents fluent in Spanish"),
    ("Medicare - After Hours", 2003, True, "80", 86400, "Paused outside AEP"),
    ("Final Expense - National", 2010, False, "10", 2592000, None),
    ("Final Expense - Southeast", 2010, False, "15", 2592000, None),
    ("Final Expense - Transfers", 2010, True, "30", 0, None),
    ("Auto Insurance - Texas", 2002, False, "7", 3600, None),
    ("Auto Insurance - California", 2002, False, "8", 3600, None),
    ("Auto Insurance - High Risk", 2002, True, "9.5", 3600, "SR-22 buyers"),
    ("Home Warranty - National", 3100, False, "10", 604800, None),
    ("Home Warranty - Callbacks", 3100, False, "11", 604800, None),
    ("HVAC Repair - Northeast", 3120, False, "10", 172800, None),
    ("HVAC Repair - Midwest", 3120, False, "20", 172800, None),
    ("Roofing - Storm Response", 3130, True, "10", 1209600, "Seasonal: hail belt"),
    ("Roofing - Replacement", 3130, False, "20", 1209600, None),
    ("Debt Relief - Credit Cards", 4200, False, "10", 2592000, None),
    ("Debt Relief - Tax", 4200, False, "20", 2592000, "IRS debt over $10k"),
    ("Debt Relief - Student Loans", 4200, True, "30", 2592000, None),
    ("Mortgage - Refinance", 4300, False, "10", 2592000, None),
    ("Mortgage - Reverse", 4300, False, "20", 2592000, "Borrowers 62+"),
    ("Personal Injury - Auto Accident", 5100, False, "10", 7776000, None),
    ("Personal Injury - Workers Comp", 5100, False, "20", 7776000, None),
    ("Mass Tort - Intake", 5200, True, "10", 7776000, "Paused pending new docket"),
)

_ROUTER = ("Solar - Router", 1001, "1", "Routes solar leads by traffic source")
_ROUTES = (("101", "Solar - East"), ("102", "Solar - West"), ("103", "Solar - Florida"))

_CAMPAIGNS = (
    ("Solar", 1001),
    ("Auto Insurance", 2002),
    ("Medicare", 2003),
    ("Final Expense", 2010),
    ("Home Warranty", 3100),
    ("Debt Relief", 4200),
)
_REGIONS = ("East", "West", "Texas", "Florida", "Midwest", "National", "Overflow", "Callbacks")
_TIMEFRAMES = (None, 0, 3600, 86400, 604800, 2592000)


def _seed_demo(store: ScheduleStore, dialer: Dialer, clock: SandboxClock) -> None:
    now = clock.now()
    by_name: dict[str, int] = {}
    count = len(_DEMO)
    for index, (name, offer_id, paused, order, timeframe, description) in enumerate(_DEMO):
        changes: dict[str, Any] = {
            "name": name,
            "offer_id": offer_id,
            "paused": paused,
            "description": description,
            "sortable_order": None if order is None else rails_decimal(Decimal(order)),
            "lead_duplicate_timeframe": timeframe,
        }
        created = now - timedelta(days=3 * (count - index), hours=index % 7, minutes=index)
        by_name[name] = store.create(changes, created_at=created)["id"]
    name, offer_id, order, description = _ROUTER
    router = store.create(
        {
            "name": name,
            "offer_id": offer_id,
            "sortable_order": rails_decimal(Decimal(order)),
            "description": description,
        },
        schedule_type="lead_distribution",
        created_at=now - timedelta(days=1),
    )
    for source, target in _ROUTES:
        dialer.add_distribution(
            str(router["id"]), str(by_name[target]), {"traffic_source_id": source}
        )


def _seed_generated(
    store: ScheduleStore, clock: SandboxClock, count: int, rng: random.Random
) -> None:
    now = clock.now()
    for index in range(count):
        campaign, offer_id = rng.choice(_CAMPAIGNS)
        order = rng.randrange(0, 1000)
        changes: dict[str, Any] = {
            "name": f"{campaign} - {rng.choice(_REGIONS)} {index + 1:05d}",
            "offer_id": offer_id,
            "paused": rng.random() < 0.2,
            "sortable_order": rails_decimal(Decimal(f"{order // 10}.{order % 10}")),
            "lead_duplicate_timeframe": rng.choice(_TIMEFRAMES),
        }
        if index % 4 == 0:  # some described, a few over several lines (no rng: same names)
            lines = [f"{campaign} leads, batch {index // 4 + 1}."]
            if index % 12 == 0:
                lines.append("Overflow goes to the next schedule by sortable order.")
            changes["description"] = "\n".join(lines)
        created = now - timedelta(seconds=(count - index) * 3600)
        store.create(changes, created_at=created)


def seed_database(
    store: ScheduleStore, dialer: Dialer, clock: SandboxClock, seed: str, seed_rng: int | None
) -> None:
    """Fill an empty account as ``seed`` says (``none``, ``demo`` or a number); else do nothing."""
    if seed == "none" or store.count() > 0:
        return
    if seed == "demo":
        _seed_demo(store, dialer, clock)
    else:
        _seed_generated(store, clock, int(seed), random.Random(seed_rng or 0))  # noqa: S311
