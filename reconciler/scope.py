"""``--only NAME_OR_REGEX``: narrow a run to some schedules, on both sides alike."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from typing import TypeVar

from reconciler.live import LiveSchedule
from reconciler.spec import LoadedSpec

__all__ = ["name_matcher", "restrict"]

T = TypeVar("T", LoadedSpec, LiveSchedule)


def name_matcher(only: str | None) -> Callable[[str], bool]:
    """Exact name, or a regex searched in the name; ``None`` matches everything."""
    if only is None:
        return lambda _name: True
    try:
        pattern: re.Pattern[str] | None = re.compile(only)
    except re.error:
        pattern = None
    return lambda name: name == only or (pattern is not None and pattern.search(name) is not None)


def restrict(items: Iterable[T], only: str | None) -> list[T]:
    """The specs or live schedules whose name ``only`` matches."""
    matches = name_matcher(only)
    return [i for i in items if matches(i.spec.name if isinstance(i, LoadedSpec) else i.name)]
