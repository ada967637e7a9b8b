"""A plan saved by ``plan --out``: read it within bounds; the checks live in ``plancheck``."""

from __future__ import annotations

import os
from pathlib import Path

from reconciler.connect import Target
from reconciler.errors import PlanFileError
from reconciler.plan import Plan
from reconciler.plancheck import check_origin
from reconciler.planfile import MAX_PLAN_FILE_BYTES, plan_from_json
from reconciler.spec import LoadedSpec, ReconcilerConfig

__all__ = ["check_saved_plan", "read_plan_file"]


def read_plan_file(plan_file: Path) -> Plan:
    """The plan in ``plan_file``; a file that is not a plan is a ``PlanFileError``."""
    with plan_file.open("rb") as handle:
        data = handle.read(MAX_PLAN_FILE_BYTES + 1)
    if len(data) > MAX_PLAN_FILE_BYTES:
        raise PlanFileError(
            f"{plan_file} is over {MAX_PLAN_FILE_BYTES:,} bytes: not a plan this tool wrote"
        )
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise PlanFileError(f"{plan_file} is not a plan file (not UTF-8 text)") from None
    return plan_from_json(text)


def check_saved_plan(
    chosen: Plan,
    plan_file: Path,
    target: Target,
    loaded: list[LoadedSpec],
    settings: ReconcilerConfig,
) -> None:
    """Refuse a saved plan made for another account, other specs or another config."""
    check_origin(
        chosen,
        source=str(plan_file),
        account=target.describe(os.environ),
        specs=loaded,
        config=settings,
    )
