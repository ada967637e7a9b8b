"""Safety thresholds: how much a plan may delete or update before it needs ``--force``.

Creates never count. The percentages are of the live schedules not ignored, and apply only
when at least ``min_live_for_percent`` are live (on a tiny account one delete is 50%).
An empty spec set with ``prune: true`` would delete everything: that is always refused.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from reconciler.diff import Change
from reconciler.spec import ReconcilerConfig

__all__ = ["PolicyVerdict", "check_policy"]


@dataclass(frozen=True, slots=True)
class PolicyVerdict:
    """``breaches`` are overridden by ``--force``; ``refusals`` never are."""

    breaches: tuple[str, ...] = ()
    refusals: tuple[str, ...] = ()


def check_policy(
    changes: Sequence[Change], *, live_count: int, spec_count: int, config: ReconcilerConfig
) -> PolicyVerdict:
    """Compare the plan's deletes and updates with the thresholds in ``config.safety``."""
    safety = config.safety
    deletes = sum(1 for c in changes if c.action == "delete")
    updates = sum(1 for c in changes if c.action == "update")
    breaches: list[str] = []
    refusals: list[str] = []
    if config.prune and spec_count == 0:
        refusals.append(
            "the specs are empty and prune is on: this would delete every schedule; "
            "check --specs (not overridable by --force)"
        )
    if deletes > safety.max_deletes:
        noun = "delete exceeds" if deletes == 1 else "deletes exceed"
        breaches.append(f"{deletes} {noun} safety.max_deletes ({safety.max_deletes})")
    if live_count >= safety.min_live_for_percent and live_count > 0:
        for count, limit, what in (
            (deletes, safety.max_delete_percent, "delete"),
            (updates, safety.max_update_percent, "update"),
        ):
            percent = Decimal(100 * count) / Decimal(live_count)
            if percent > limit:
                writes = f"1 {what} is" if count == 1 else f"{count} {what}s are"
                schedules = "schedule" if live_count == 1 else "schedules"
                breaches.append(
                    f"{writes} {percent:.1f}% of {live_count} live {schedules}, over "
                    f"safety.max_{what}_percent ({limit:g}%)"
                )
    return PolicyVerdict(tuple(breaches), tuple(refusals))
