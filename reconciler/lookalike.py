"""Names that only look alike: a warning before someone applies the wrong one.

Anyone with UI access can name a schedule ``S\\u043elar - East`` (a Cyrillic o): a reader sees
the spec's ``Solar - East``, the API sees two names. The plan warns about each group of names
(specs and live together) that are equal after Unicode NFKC normalization once invisible format
characters are dropped, and about each name whose letters mix scripts (Latin with Cyrillic or
Greek, say). Names in the warnings are written with ``\\u`` escapes for everything outside
ASCII, so the difference is visible. Pure: names in, warnings out.
"""

from __future__ import annotations

import json
import unicodedata
from collections.abc import Iterable
from typing import Final

__all__ = ["lookalike_warnings"]

# Scripts that are written together in one language: mixing them is normal, not a disguise.
_SAME_SCRIPT: Final = {"HIRAGANA": "CJK", "KATAKANA": "CJK", "IDEOGRAPHIC": "CJK"}


def lookalike_warnings(names: Iterable[str]) -> tuple[str, ...]:
    """One warning per group of look-alike names and per mixed-script name, in a stable order."""
    unique = sorted(set(names))
    groups: dict[str, list[str]] = {}
    for name in unique:
        groups.setdefault(_skeleton(name), []).append(name)
    warnings = [
        "these names look alike but differ: "
        + ", ".join(_visible(n) for n in group)
        + " (equal once Unicode-normalized); check which one each spec means"
        for group in groups.values()
        if len(group) > 1
    ]
    for name in unique:
        scripts = _scripts(name)
        if len(scripts) > 1:
            warnings.append(
                f"the name {_visible(name)} mixes scripts ({', '.join(sorted(scripts))}); "
                "it may imitate another name"
            )
    return tuple(warnings)


def _skeleton(name: str) -> str:
    folded = unicodedata.normalize("NFKC", name)
    return "".join(c for c in folded if unicodedata.category(c) != "Cf")


def _scripts(name: str) -> set[str]:
    found: set[str] = set()
    for char in name:
        if not char.isalpha():
            continue
        script = unicodedata.name(char, "UNKNOWN").split(" ", 1)[0]
        found.add(_SAME_SCRIPT.get(script, script))
    return found


def _visible(name: str) -> str:
    return json.dumps(name, ensure_ascii=True)
