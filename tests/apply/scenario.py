"""An account and a spec set for end-to-end applies, and readers of what apply printed.

``build_scenario`` seeds 18 schedules and writes 22 specs plus a ``reconciler.yaml`` (prune on,
generous safety thresholds), so that the first plan has 19 changes of every kind:

- 5 unchanged (``Keep``), 5 updated (``Update``: paused, sortable_order, a PUT-only field);
- 3 deleted by ``ensure: absent`` (``Gone``), 2 deleted by prune (``Stray``);
- 3 renames pinned by id: a chain ``Chain B → Chain C`` then ``Chain A → Chain B``, and
  ``Old Name → New Name``;
- 6 creates (``New``), each a POST then a PUT of its PUT-only fields.

``SEEDED_STATE`` and ``FINAL_STATE`` write out, row by row, what the account holds before the
first apply and once the specs are applied; ``end_state`` reads the same rows from the sandbox's
own listing (plain HTTP, not the client under test), so a test compares the two exactly.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final, NamedTuple

from tests.support.account import schedules
from tests.support.sandbox_server import RunningSandbox

__all__ = [
    "FAULTS_OFF",
    "FAULT_SEED",
    "FINAL_NAMES",
    "FINAL_STATE",
    "PLANNED_CHANGES",
    "SEEDED_STATE",
    "Reported",
    "Row",
    "Scenario",
    "build_scenario",
    "duplicated_names",
    "end_state",
    "live_names",
    "reported",
    "schedules",
    "write_specs",
]

#: Seeds the sandbox's fault dice, so a run meets the same faults in the same request order.
FAULT_SEED: Final = 20261127

FAULTS_OFF: Final[dict[str, Any]] = {
    "latency_ms": 0,
    "rate_limit_rps": None,
    "error_rate": 0.0,
    "drop_after_commit_rate": 0.0,
}

_KEEP = [f"Keep {i:02}" for i in range(1, 6)]
_UPDATE = [f"Update {i:02}" for i in range(1, 6)]
_GONE = [f"Gone {i:02}" for i in range(1, 4)]
_STRAY = [f"Stray {i:02}" for i in range(1, 3)]
_NEW = [f"New {i:02}" for i in range(1, 7)]
_RENAMED = {"Chain A": "Chain B", "Chain B": "Chain C", "Old Name": "New Name"}

#: The names the account holds once the specs are applied, each exactly once.
FINAL_NAMES: Final = sorted([*_KEEP, *_UPDATE, *_NEW, *_RENAMED.values()])
#: Changes in the first plan.
PLANNED_CHANGES: Final = len(_UPDATE) + len(_GONE) + len(_STRAY) + len(_RENAMED) + len(_NEW)

CONFIG_YAML: Final = (
    "prune: true\n"
    "safety:\n"
    "  max_deletes: 100\n"
    "  max_delete_percent: 100\n"
    "  max_update_percent: 100\n"
)


class Row(NamedTuple):
    """One schedule as the sandbox lists it: its name and every field the specs manage.

    ``sortable_order`` is the exact decimal string the API answers (``"106.0"``), never a float.
    """

    name: str
    offer_id: int | None
    paused: bool | None
    sortable_order: str | None
    lead_duplicate_timeframe: int | None
    description: str | None


def end_state(sandbox: RunningSandbox) -> list[Row]:
    """Every schedule on the sandbox, as ``Row``s sorted by name (duplicates kept)."""
    return sorted(
        Row(
            name=record["name"],
            offer_id=record["offer_id"],
            paused=record["paused"],
            sortable_order=record["sortable_order"],
            lead_duplicate_timeframe=record["lead_duplicate_timeframe"],
            description=record["description"],
        )
        for record in schedules(sandbox)
    )


#: The account ``build_scenario`` seeds, before any apply.
SEEDED_STATE: Final = [
    Row("Chain A", 3005, False, None, None, None),
    Row("Chain B", 3005, False, None, None, None),
    Row("Gone 01", 3009, True, None, None, None),
    Row("Gone 02", 3009, True, None, None, None),
    Row("Gone 03", 3009, True, None, None, None),
    Row("Keep 01", 3001, False, "1.0", None, None),
    Row("Keep 02", 3001, False, "2.0", None, None),
    Row("Keep 03", 3001, False, "3.0", None, None),
    Row("Keep 04", 3001, False, "4.0", None, None),
    Row("Keep 05", 3001, False, "5.0", None, None),
    Row("Old Name", 3005, False, None, None, None),
    Row("Stray 01", 3009, True, None, None, None),
    Row("Stray 02", 3009, True, None, None, None),
    Row("Update 01", 3001, False, "6.0", None, None),
    Row("Update 02", 3001, False, "7.0", None, None),
    Row("Update 03", 3001, False, "8.0", None, None),
    Row("Update 04", 3001, False, "9.0", None, None),
    Row("Update 05", 3001, False, "10.0", None, None),
]

#: The account once the specs are applied: what every converged run must leave, exactly.
FINAL_STATE: Final = [
    Row("Chain B", 3005, False, None, None, None),  # was Chain A
    Row("Chain C", 3005, False, None, None, None),  # was Chain B
    Row("Keep 01", 3001, False, "1.0", None, None),
    Row("Keep 02", 3001, False, "2.0", None, None),
    Row("Keep 03", 3001, False, "3.0", None, None),
    Row("Keep 04", 3001, False, "4.0", None, None),
    Row("Keep 05", 3001, False, "5.0", None, None),
    Row("New 01", 3002, False, "1.5", 86400, None),
    Row("New 02", 3002, True, "2.5", 86400, None),
    Row("New 03", 3002, False, "3.5", 86400, None),
    Row("New 04", 3002, True, "4.5", 86400, None),
    Row("New 05", 3002, False, "5.5", 86400, None),
    Row("New 06", 3002, True, "6.5", 86400, None),
    Row("New Name", 3005, False, None, None, None),  # was Old Name
    Row("Update 01", 3001, True, "106.0", 3600, None),
    Row("Update 02", 3001, True, "107.0", 3600, None),
    Row("Update 03", 3001, True, "108.0", 3600, None),
    Row("Update 04", 3001, True, "109.0", 3600, None),
    Row("Update 05", 3001, True, "110.0", 3600, None),
]


def live_names(sandbox: RunningSandbox) -> list[str]:
    """The sorted names of every schedule on the sandbox."""
    return sorted(str(r["name"]) for r in schedules(sandbox))


def duplicated_names(sandbox: RunningSandbox) -> dict[str, int]:
    """Names held by more than one schedule, with how many."""
    return {n: c for n, c in Counter(live_names(sandbox)).items() if c > 1}


def write_specs(directory: Path, entries: list[dict[str, Any]], file: str = "main.yaml") -> None:
    """Write ``entries`` as one spec file (YAML flow mappings, one a line)."""
    directory.mkdir(parents=True, exist_ok=True)
    lines = ["schedules:"] + [f"  - {json.dumps(entry)}" for entry in entries]
    (directory / file).write_text("\n".join(lines) + "\n", encoding="utf-8")


@dataclass(frozen=True)
class Scenario:
    """Where the specs and config are, and the names seeded before the first apply."""

    specs: Path
    config: Path
    seeded: list[str]

    def args(self) -> list[str]:
        """``--specs`` and ``--config`` for a command."""
        return ["--specs", str(self.specs), "--config", str(self.config)]


def build_scenario(sandbox: RunningSandbox, root: Path) -> Scenario:
    """Seed the sandbox (faults must be off) and write the specs and config under ``root``."""
    seeded = sandbox.seed_schedules(
        [
            *(
                {"name": n, "offer_id": 3001, "paused": False, "sortable_order": i}
                for i, n in enumerate([*_KEEP, *_UPDATE], start=1)
            ),
            *({"name": n, "offer_id": 3009, "paused": True} for n in [*_GONE, *_STRAY]),
            *({"name": n, "offer_id": 3005, "paused": False} for n in _RENAMED),
        ]
    )
    ids = {str(r["name"]): int(r["id"]) for r in seeded}
    entries: list[dict[str, Any]] = [
        *(
            {"name": n, "offer_id": 3001, "paused": False, "sortable_order": i}
            for i, n in enumerate(_KEEP, start=1)
        ),
        *(
            {
                "name": n,
                "offer_id": 3001,
                "paused": True,
                "sortable_order": 100 + i,
                "lead_duplicate_timeframe": 3600,
            }
            for i, n in enumerate(_UPDATE, start=len(_KEEP) + 1)
        ),
        *({"name": n, "ensure": "absent"} for n in _GONE),
        *({"id": ids[old], "name": new} for old, new in _RENAMED.items()),
        *(
            {
                "name": n,
                "offer_id": 3002,
                "paused": i % 2 == 0,
                "sortable_order": f"{i}.5",
                "lead_duplicate_timeframe": 86400,
            }
            for i, n in enumerate(_NEW, start=1)
        ),
    ]
    specs = root / "schedules.d"
    write_specs(specs, entries)
    config = root / "reconciler.yaml"
    config.write_text(CONFIG_YAML, encoding="utf-8")
    return Scenario(specs=specs, config=config, seeded=sorted(ids))


# -- what apply printed ---------------------------------------------------------------------

_QUOTED = r'"(?:[^"\\]|\\.)*"'
_RESULT = re.compile(
    rf"^\[(?P<done>\d+)/(?P<total>\d+)\] (?P<outcome>applied|failed|skipped) +"
    rf"(?P<action>create|update|delete|rename) (?P<first>{_QUOTED})"
    rf"(?: → (?P<second>{_QUOTED}))?(?: \(id (?P<id>\d+)\))?(?:: (?P<detail>.*))?$",
    re.MULTILINE,
)


@dataclass(frozen=True)
class Reported:
    """One result line of apply: ``[3/19] failed  update "X" (id 4): PUT … answered 503: …``."""

    done: int
    total: int
    outcome: str
    action: str
    name: str
    id: int | None
    detail: str | None


def reported(stderr: str) -> list[Reported]:
    """The result lines apply printed, in order; ``name`` is the change's (new) name."""
    found: list[Reported] = []
    for match in _RESULT.finditer(stderr):
        quoted = match["second"] or match["first"]
        found.append(
            Reported(
                done=int(match["done"]),
                total=int(match["total"]),
                outcome=match["outcome"],
                action=match["action"],
                name=json.loads(quoted),
                id=int(match["id"]) if match["id"] else None,
                detail=match["detail"],
            )
        )
    return found
