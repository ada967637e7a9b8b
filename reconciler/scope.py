"""``--only NAME_OR_REGEX``: narrow a run to some schedules, on both sides alike."""

from __future__ import annotations

import re
from collections.abc import Callable

__all__ = ["name_matcher"]


def name_matcher(only: str | None) -> Callable[[str], bool]:
    """Exact name, or a regex searched in the name; ``None`` matches everything.

    Raises ``re.error`` for a pattern that is not a valid regex (the CLI says so).
    """
    if only is None:
        return lambda _name: True
    pattern = re.compile(only)
    return lambda name: name == only or pattern.search(name) is not None
