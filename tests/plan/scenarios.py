"""Representative plans, shared by the golden-file and determinism tests."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from reconciler.live import LiveSchedule
from reconciler.plan import Plan, build_plan
from reconciler.spec import LoadedSpec, ReconcilerConfig
from tests.plan.builders import config, live, sourced, spec

__all__ = ["SCENARIOS", "Scenario"]


@dataclass(frozen=True)
class Scenario:
    """Inputs to ``build_plan``, under a name that also names the golden files."""

    name: str
    specs: Sequence[LoadedSpec]
    live: Sequence[LiveSchedule]
    config: ReconcilerConfig

    def plan(self) -> Plan:
        """The plan for these inputs."""
        return build_plan(self.specs, self.live, self.config)


def _empty() -> Scenario:
    """The account already matches: two unchanged, one unmanaged, one ignored."""
    return Scenario(
        "empty",
        [
            spec("Solar - East", line=2, paused=False, sortable_order="10"),
            spec("Solar - West", line=6, offer_id=1234, lead_duplicate_timeframe=30),
        ],
        [
            live(101, "Solar - East", paused="0", sortable_order="10.0", offer_id=1234),
            live(102, "Solar - West", offer_id="1234", lead_duplicate_timeframe="30"),
            live(103, "Medicare - Hand made"),
            live(104, "tmp - test schedule"),
        ],
        config(ignore=("^tmp - ",)),
    )


def _mixed() -> Scenario:
    """Every kind of change, pause flips both ways, warnings, unknown and unmanaged."""
    return Scenario(
        "mixed",
        [
            spec("Solar - East", line=2, paused=True, sortable_order="10.5"),
            spec("Solar - West", line=6, paused=False, offer_id=1234),
            spec("Solar - North (renamed)", line=10, id=203),
            spec("Auto - Leads", line=13, id=204, lead_duplicate_timeframe=60),
            spec("Home Warranty", line=17, offer_id=77, paused="yes", sortable_order=3),
            spec("Old campaign", line=22, ensure="absent"),
            spec("Never existed", line=25, ensure="absent"),
            spec("tmp - scratch", line=28, paused=True),
            spec("Hidden offer", line=31, offer_id=9),
            spec("Billing", line=34, id=211),
        ],
        [
            live(201, "Solar - East", paused=False, sortable_order="10.0", offer_id=1234),
            live(202, "Solar - West", paused=True, offer_id="1234"),
            live(203, "Solar - North", paused=False),
            live(204, "Auto - Leads", lead_duplicate_timeframe="30"),
            live(205, "Old campaign", paused=True, offer_id=55),
            live(206, "Auto - Leads", paused=False),
            live(207, "Medicare - Hand made", paused=False),
            live(208, "tmp - scratch", paused=False),
            live(209, "Hidden offer", paused=False),
            live(210, "Billing", paused=False),
            live(211, "Billing (old)", paused=False),
        ],
        config(ignore=("^tmp - ",)),
    )


def _big_pause() -> Scenario:
    """Forty schedules paused at once: grouped, folded, and over the update threshold."""
    count = 40
    return Scenario(
        "big-pause",
        [spec(f"Campaign {i:02d}", line=3 * i, paused=True) for i in range(1, count + 1)],
        [live(300 + i, f"Campaign {i:02d}", paused=False) for i in range(1, count + 1)],
        config(),
    )


_LONG = (
    "Routes solar leads from the east coast to the Tampa call centre.\n"
    "Weekends: overflow to Austin.\n"
    "\n"
    "Owner: ops@example.com | escalate in #solar-ops"
)


def _descriptions() -> Scenario:
    """Descriptions: short, multi-line, created, hidden, hostile, and equal after the rules."""
    return Scenario(
        "descriptions",
        [
            spec("Solar - East", line=2, description="East coast solar"),
            spec("Solar - West", line=5, description=_LONG),
            spec("Solar - North", line=12, description="same text\r\nwith CRLF  \r\n"),
            spec("Home Warranty", line=15, offer_id=77, description=_LONG),
            spec("Hidden", line=18, description="kept"),
            spec(
                "Hostile", line=21, description="<img src=x> @team [a](http://x) \x1b]52;c;AA\x07"
            ),
            spec("Cleared", line=24, description=None),
        ],
        [
            live(401, "Solar - East", description="East-coast solar"),
            live(402, "Solar - West", description="Routes solar leads.\nOwner: ops"),
            live(403, "Solar - North", description="same text\nwith CRLF"),
            live(404, "Hidden"),
            live(405, "Hostile", description=None),
            live(406, "Cleared", description="   "),
        ],
        config(),
    )


def _defaults() -> Scenario:
    """Values from a file's defaults: and from a merge key show the line that set them."""
    return Scenario(
        "defaults",
        [
            sourced(
                spec(
                    "Solar - East",
                    line=6,
                    offer_id=1234,
                    lead_duplicate_timeframe=60,
                    paused=True,
                ),
                {"offer_id": ("defaults", 2), "lead_duplicate_timeframe": ("defaults", 3)},
            ),
            sourced(
                spec("Solar - Overflow", line=9, offer_id=1234, sortable_order=11),
                {"offer_id": ("defaults", 2), "sortable_order": ("merge key", 7)},
            ),
        ],
        [
            live(501, "Solar - East", offer_id=999, lead_duplicate_timeframe=30, paused=False),
        ],
        config(),
    )


SCENARIOS: tuple[Scenario, ...] = (
    _empty(),
    _mixed(),
    _big_pause(),
    _descriptions(),
    _defaults(),
)
