"""Unmanaged schedules are one count line unless ``--show-unmanaged`` asks for their names."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from reconciler.cli import main
from reconciler.drift import DriftItem, DriftReport
from reconciler.render import render_plan
from reconciler.render.drift import render_drift
from tests.plan.scenarios import SCENARIOS
from tests.plan.test_golden import check_golden

MIXED = next(s for s in SCENARIOS if s.name == "mixed")


def test_a_quiet_text_plan_counts_the_unmanaged_instead_of_listing_them() -> None:
    """The mixed plan without its unmanaged names is exactly the checked-in file."""
    check_golden(
        "cli/plan-mixed-quiet.txt", render_plan(MIXED.plan(), "text", show_unmanaged=False)
    )


def test_a_quiet_plan_differs_from_the_full_one_only_in_the_unmanaged_section() -> None:
    """Everything above the unmanaged section is the same text either way."""
    full = render_plan(MIXED.plan(), "text")
    quiet = render_plan(MIXED.plan(), "text", show_unmanaged=False)
    head = full.split("\nUnmanaged (no spec names them; left alone): ")[0]
    assert quiet == head + "\n3 unmanaged, left alone: --show-unmanaged to list\n"


def _report(unmanaged: int) -> DriftReport:
    return DriftReport(
        changed=(),
        missing=(DriftItem("Medicare - Overflow", None),),
        unwanted=(),
        unmanaged=tuple(DriftItem(f"Hand made {i}", 500 + i) for i in range(unmanaged)),
        in_sync=4,
        ignored=0,
    )


def test_quiet_drift_counts_the_unmanaged_in_one_line() -> None:
    """Drift text lists missing schedules by name and the unmanaged as one count."""
    assert render_drift(_report(35), "text", show_unmanaged=False) == (
        "Drift: 0 changed, 1 missing, 0 present despite ensure: absent, 35 unmanaged "
        "(4 in sync, 0 ignored).\n"
        "\n"
        '+ missing "Medicare - Overflow"\n'
        "? 35 unmanaged, left alone: --show-unmanaged to list\n"
    )


def test_drift_lists_the_unmanaged_when_asked() -> None:
    """With show_unmanaged each unmanaged schedule is a line of its own."""
    text = render_drift(_report(2), "text", show_unmanaged=True)
    assert text.endswith('? unmanaged "Hand made 0" (id 500)\n? unmanaged "Hand made 1" (id 501)\n')


def test_json_drift_always_lists_the_unmanaged() -> None:
    """Machines get every name whatever the flag: JSON has no quiet form."""
    text = render_drift(_report(2), "json", show_unmanaged=False)
    assert '"name": "Hand made 1"' in text


def test_plan_and_drift_are_quiet_by_default_and_list_on_request(
    specs_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """On the demo account plan and drift print one unmanaged line; the flag brings the names."""
    demo = ["--specs", str(specs_dir), "--sandbox", "--sandbox-db", str(tmp_path / "demo.db")]
    for command in ("plan", "drift"):
        main([command, *demo])
        out = capsys.readouterr().out
        last = out.splitlines()[-1]
        assert last.endswith("35 unmanaged, left alone: --show-unmanaged to list"), out
        assert out.count("unmanaged, left alone") == 1
        assert '"Medicare Advantage - TX"' not in out
        main([command, *demo, "--show-unmanaged"])
        out = capsys.readouterr().out
        assert "--show-unmanaged to list" not in out
        assert '"Medicare Advantage - TX" (id 12900012)' in out


def test_unmanaged_that_count_as_drift_are_listed_without_the_flag() -> None:
    """With prune or drift.unmanaged: fail they are the news, so drift names them anyway."""
    report = dataclasses.replace(_report(2), unmanaged_is_drift=True)
    text = render_drift(report, "text", show_unmanaged=False)
    assert text.endswith('? unmanaged "Hand made 0" (id 500)\n? unmanaged "Hand made 1" (id 501)\n')
