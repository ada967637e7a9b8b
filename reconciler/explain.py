"""``validate --explain NAME``: one schedule's effective spec, and where each value came from.

Pure: loaded specs in, text out. A value is shown as the plan shows it, followed by the place
it was written and, when that is not the schedule's own entry, how it got there (the file's
``defaults:``, a merge key ``<<``, an alias ``*name``). Keys the spec does not set say what
that means (not managed; not pinned; present).
"""

from __future__ import annotations

import difflib
from collections.abc import Sequence
from typing import Final

from reconciler.errors import Issue, SpecError
from reconciler.normalize import MANAGED_FIELDS, display
from reconciler.spec import SCHEDULE_KEYS, LoadedSpec

__all__ = ["explain", "find_named"]

# What a key the spec does not set means.
_UNSET: Final = {
    "id": "not pinned (matched by name)",
    "ensure": "present (the default)",
}
_NOT_MANAGED: Final = "not managed (never compared, never sent)"
# Long values are cut like a plan line cuts them; whole values are one `display` away.
_BRIEF_CHARS: Final = 60


def find_named(specs: Sequence[LoadedSpec], name: str) -> list[LoadedSpec]:
    """The specs named exactly ``name``; ``SpecError`` with a suggestion when there is none."""
    found = [s for s in specs if s.spec.name == name]
    if found:
        return found
    names = sorted({s.spec.name for s in specs})
    close = difflib.get_close_matches(name, names, n=1, cutoff=0.6)
    hint = f"; did you mean {display(close[0])}?" if close else ""
    raise SpecError([Issue(f"no spec is named {display(name)}{hint}")])


def explain(loaded: LoadedSpec) -> str:
    """The effective spec of one schedule, a line per key, each with where it was set."""
    spec = loaded.spec
    given = spec.model_fields_set | {"name"}
    rows: list[tuple[str, str]] = []
    for key in SCHEDULE_KEYS:
        if key not in given:
            rows.append((f"{key}:", _UNSET.get(key, _NOT_MANAGED if key in MANAGED_FIELDS else "")))
            continue
        where = loaded.value_locations.get(key) or loaded.key_locations.get(key)
        place = str(where) if where is not None else "?"
        origin = loaded.origins.get(key)
        if origin is not None:
            place += f" (from {origin})"
        rows.append((f"{key}: {_brief(display(getattr(spec, key)))}", place))
    width = max(len(left) for left, _ in rows)
    lines = [f"{display(spec.name)}  [{loaded.location}]"]
    lines.extend(f"  {left.ljust(width)}  {right}".rstrip() for left, right in rows)
    return "\n".join(lines) + "\n"


def _brief(text: str) -> str:
    return text if len(text) <= _BRIEF_CHARS else text[: _BRIEF_CHARS - 1] + "…"
