"""Helpers for the import tests: live records, spec trees on disk, the plan they give."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from reconciler.diff import Diff, diff_specs
from reconciler.live import LiveSchedule, live_from_record
from reconciler.loader import SpecSet, load_specs
from reconciler.spec import ReconcilerConfig
from tests.support import golden

FIXTURES = Path(__file__).parent / "fixtures"


def live(*records: Mapping[str, Any]) -> list[LiveSchedule]:
    """Live schedules read from API-shaped records, as the client would read them."""
    return [live_from_record(record) for record in records]


def record_of(schedule: LiveSchedule) -> dict[str, Any]:
    """An API-shaped record showing what ``schedule`` shows, to edit and read again."""
    return {"id": schedule.id} | {str(k): v for k, v in schedule.fields.items()}


def write_tree(root: Path, files: Mapping[str, str]) -> Path:
    """Write ``{relative path: text}`` under ``root`` (bytes as given); return ``root``."""
    root.mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(text.encode("utf-8"))
    return root


def plan_after(
    root: Path, live: Iterable[LiveSchedule], config: ReconcilerConfig | None = None
) -> Diff:
    """Load the specs under ``root`` and diff them with ``live``, as ``plan`` would."""
    return diff_specs(load_specs(root).specs, live, config or ReconcilerConfig())


def load(root: Path) -> SpecSet:
    """The specs under ``root``."""
    return load_specs(root)


def check_golden(name: str, actual: str) -> None:
    """Compare ``actual`` with ``tests/golden/adopt/<name>`` (the shared golden rules)."""
    golden.check_golden(f"adopt/{name}", actual)
