"""A plan saved by ``plan --out``: read it, and refuse one made for something else."""

from __future__ import annotations

import os
from pathlib import Path

from reconciler.connect import Target
from reconciler.errors import PlanFileError
from reconciler.plan import Plan, config_digest, specs_digest
from reconciler.planfile import plan_from_json
from reconciler.spec import LoadedSpec, ReconcilerConfig

__all__ = ["check_saved_plan", "read_plan_file"]


def read_plan_file(plan_file: Path) -> Plan:
    """The plan in ``plan_file``; a file that is not a plan is a ``PlanFileError``."""
    try:
        text = plan_file.read_text(encoding="utf-8")
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
    here = target.describe(os.environ)
    if chosen.account and chosen.account != here:
        raise PlanFileError(
            f"{plan_file} was planned against {chosen.account}, not {here}",
            hint="apply it to the account it was planned for, or plan again",
        )
    if chosen.specs_digest != specs_digest(loaded):
        raise PlanFileError(
            f"{plan_file} was planned from other specs than those in the specs directory",
            hint="plan again from the current specs",
        )
    if chosen.config_digest != config_digest(settings):
        raise PlanFileError(
            f"{plan_file} was planned with another reconciler.yaml (prune, ignore or safety)",
            hint="plan again with the current reconciler.yaml",
        )
