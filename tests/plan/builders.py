"""Small constructors for plan tests: specs with a location, live records from API-like dicts."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from typing import Any

from reconciler.live import LiveSchedule, live_from_record
from reconciler.location import Location
from reconciler.spec import LoadedSpec, Origin, ReconcilerConfig, SafetyConfig, ScheduleSpec

__all__ = ["config", "live", "sourced", "spec"]

SPEC_FILE = "schedules.d/main.yaml"


def spec(name: str, *, line: int = 1, **keys: Any) -> LoadedSpec:
    """A spec as the loader would give it: ``name`` plus ``keys``, written at ``line``."""
    where = Location(SPEC_FILE, line, 5)
    key_locations = {key: Location(SPEC_FILE, line + 1 + i, 5) for i, key in enumerate(keys)}
    return LoadedSpec(ScheduleSpec(name=name, **keys), where, key_locations)


def sourced(loaded: LoadedSpec, sources: Mapping[str, tuple[Origin, int]]) -> LoadedSpec:
    """``loaded`` with the values of ``sources`` set elsewhere: how, and on which line."""
    key_locations = dict(loaded.key_locations)
    origins: dict[str, Origin] = {}
    for key, (origin, at) in sources.items():
        key_locations[key] = Location(SPEC_FILE, at, 3)
        origins[key] = origin
    return dataclasses.replace(loaded, key_locations=key_locations, origins=origins)


def live(schedule_id: int, name: str | None = None, **fields: Any) -> LiveSchedule:
    """A live schedule read from an API-shaped record; a field not given is hidden."""
    record: dict[str, Any] = {"id": schedule_id, **fields}
    if name is not None:
        record["name"] = name
    return live_from_record(record)


def config(
    *,
    prune: bool = False,
    ignore: tuple[str, ...] = (),
    **safety: Any,
) -> ReconcilerConfig:
    """A ``reconciler.yaml`` with these settings and ``safety`` thresholds."""
    return ReconcilerConfig(prune=prune, ignore=ignore, safety=SafetyConfig(**safety))
