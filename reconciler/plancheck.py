"""A saved plan is re-derived, never trusted: planned again now, it must come out the same.

A plan file is a CI artifact that anyone with write access to the run can swap. Its digests
say which specs, config and account it was made from, and its fingerprints which live records
it read; but its *changes* are just text. So apply plans again from the current specs, config
and account and refuses unless the result equals the file, change for change and field for
field; the message names the first difference. What is applied is the plan made now.
"""

from __future__ import annotations

import dataclasses
import json
import re
from collections.abc import Sequence
from typing import Any

from deepdiff import DeepDiff

from reconciler.diff import Change
from reconciler.errors import PlanFileError, StalePlanError
from reconciler.live import LiveSchedule
from reconciler.plan import Plan, build_plan, config_digest, focus, specs_digest, stale_schedules
from reconciler.planfile import change_to_data
from reconciler.scope import name_matcher
from reconciler.spec import LoadedSpec, ReconcilerConfig

__all__ = ["check_origin", "first_difference", "rederive"]


def check_origin(
    saved: Plan,
    *,
    source: str,
    account: str,
    specs: Sequence[LoadedSpec],
    config: ReconcilerConfig,
) -> None:
    """Refuse a saved plan made for another account, other specs or another config."""
    if saved.account and saved.account != account:
        raise PlanFileError(
            f"{source} was planned against {saved.account}, not {account}",
            hint="apply it to the account it was planned for, or plan again",
        )
    if saved.specs_digest != specs_digest(specs):
        raise PlanFileError(
            f"{source} was planned from other specs than those in the specs directory",
            hint="plan again from the current specs",
        )
    if saved.config_digest != config_digest(config):
        raise PlanFileError(
            f"{source} was planned with another reconciler.yaml (prune, ignore or safety)",
            hint="plan again with the current reconciler.yaml",
        )


def rederive(
    saved: Plan,
    *,
    source: str,
    specs: Sequence[LoadedSpec],
    config: ReconcilerConfig,
    live: Sequence[LiveSchedule],
) -> Plan:
    """The plan to apply for ``saved``: made now, equal to the file's, or an error.

    ``StalePlanError`` when records the file touches changed since it was made; otherwise
    ``PlanFileError`` naming the first change that differs from the plan made now.
    """
    stale = stale_schedules(saved, live)
    if stale:
        raise StalePlanError(stale)
    fresh = build_plan(specs, live, config)
    if saved.only is not None:
        fresh = focus(fresh, name_matcher(saved.only))
    difference = first_difference(saved.changes, fresh.changes)
    if difference is not None:
        raise PlanFileError(
            f"{source} is not the plan these specs and this account give now: {difference}; "
            "nothing was applied",
            hint="plan again and review the new plan; an edited plan file is never applied",
        )
    return dataclasses.replace(fresh, account=saved.account, only=saved.only)


def first_difference(saved: Sequence[Change], fresh: Sequence[Change]) -> str | None:
    """The first way the file's changes differ from those planned now, or ``None``."""
    for number, (ours, now) in enumerate(zip(saved, fresh, strict=False), start=1):
        left, right = _comparable(ours), _comparable(now)
        if left != right:
            return f"change {number} ({_label(ours)}): {_field_difference(left, right)}"
    if len(saved) > len(fresh):
        extra = saved[len(fresh)]
        return f"change {len(fresh) + 1} ({_label(extra)}) is in the file but not planned now"
    if len(fresh) > len(saved):
        missing = fresh[len(saved)]
        return f"change {len(saved) + 1} ({_label(missing)}) is planned now but not in the file"
    return None


def _comparable(change: Change) -> dict[str, Any]:
    # Where a spec or a default stands is not what apply writes: reformatting moves it.
    data = change_to_data(change)
    del data["source"]
    for values in data["fields"].values():
        values.pop("source", None)
    return data


def _label(change: Change) -> str:
    ident = f" id {change.id}" if change.id is not None else ""
    return f"{change.action} {json.dumps(change.name, ensure_ascii=False)}{ident}"


_PATH_PART = re.compile(r"\['([^']*)'\]|\[(\d+)\]")


def _dotted(path: str) -> str:
    """DeepDiff's ``root['fields']['paused']['after']`` as ``fields.paused.after``."""
    return ".".join(a or b for a, b in _PATH_PART.findall(path))


def _shown(value: object) -> str:
    return json.dumps(value, ensure_ascii=False, default=str)


def _field_difference(ours: dict[str, Any], now: dict[str, Any]) -> str:
    """The first differing field, in the order a change is written (action, name, id, ...)."""
    report = DeepDiff(ours, now, verbose_level=2)
    found: list[tuple[str, str]] = []
    for kind in ("values_changed", "type_changes"):
        for path, values in report.get(kind, {}).items():
            found.append(
                (
                    path,
                    f"{_dotted(path)} is {_shown(values['old_value'])} in the file, "
                    f"{_shown(values['new_value'])} when planned now",
                )
            )
    for path, value in report.get("dictionary_item_removed", {}).items():
        found.append((path, f"the file adds {_dotted(path)} = {_shown(value)}"))
    for path, value in report.get("dictionary_item_added", {}).items():
        found.append((path, f"the file leaves out {_dotted(path)} = {_shown(value)}"))
    order = list(ours) + [k for k in now if k not in ours]
    found.sort(key=lambda item: (_rank(item[0], order), item[0]))
    return found[0][1] if found else "it differs"


def _rank(path: str, order: list[str]) -> int:
    top = _dotted(path).split(".", 1)[0]
    return order.index(top) if top in order else len(order)
