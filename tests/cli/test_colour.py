"""Colour on a terminal: + green, ~ yellow, - red, old values dim, new bold; never in files."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from rich.console import Console

from reconciler.cli import main
from reconciler.cli.style import style_line, style_report, wants_colour
from reconciler.diff import FieldChange
from reconciler.drift import DriftItem, DriftReport
from reconciler.render import render_plan
from reconciler.render.accounts import AccountSection, render_accounts_text
from reconciler.render.drift import render_drift
from tests.plan.scenarios import SCENARIOS, Scenario
from tests.plan.test_golden import check_golden

ESC = "\x1b["


def _ansi(report: str) -> str:
    console = Console(
        file=io.StringIO(),
        force_terminal=True,
        color_system="standard",
        width=200,
        soft_wrap=True,
        highlight=False,
        markup=False,
        emoji=False,
    )
    for line in style_report(report):
        console.print(line)
    output = console.file
    assert isinstance(output, io.StringIO)
    return output.getvalue()


def _drift() -> DriftReport:
    return DriftReport(
        changed=(
            DriftItem(
                "Solar - West",
                202,
                fields=(
                    FieldChange("sortable_order", 30, 20),
                    FieldChange("name", "a → b", "c"),
                ),
                audit={"user_updated_at": "2026-08-11T17:17:12-04:00"},
            ),
        ),
        missing=(DriftItem("Medicare - Overflow", None),),
        unwanted=(DriftItem("Old campaign", 205),),
        unmanaged=(DriftItem("Hand made", 501),),
        in_sync=4,
        ignored=1,
    )


@pytest.mark.parametrize("scenario", SCENARIOS, ids=[s.name for s in SCENARIOS])
def test_a_coloured_plan_matches_its_golden_file(scenario: Scenario) -> None:
    """The ANSI rendering of each plan scenario is exactly the checked-in file."""
    check_golden(f"cli/plan-{scenario.name}.ansi", _ansi(render_plan(scenario.plan(), "text")))


def test_a_coloured_drift_report_matches_its_golden_file() -> None:
    """The ANSI rendering of a drift report with every group is exactly the checked-in file."""
    check_golden("cli/drift.ansi", _ansi(render_drift(_drift(), "text")))


def _accounts_report() -> str:
    body = render_plan(SCENARIOS[1].plan(), "text")
    return render_accounts_text(
        [
            AccountSection("prod", "https://prod.example", "changes", "1 to create", body),
            AccountSection("staging", "", "error", "error: missing STAGING_PRIVATE"),
        ]
    )


def test_a_coloured_all_accounts_report_matches_its_golden_file() -> None:
    """--all-accounts: headers and total bold, each plan coloured as alone, a failure red."""
    check_golden("cli/accounts.ansi", _ansi(_accounts_report()))


def test_colour_never_changes_a_character_of_an_all_accounts_report() -> None:
    """Stripped of its styles, the coloured --all-accounts report is the plain one."""
    plain = _accounts_report()
    assert "".join(f"{line.plain}\n" for line in style_report(plain)) == plain


@pytest.mark.parametrize("scenario", SCENARIOS, ids=[s.name for s in SCENARIOS])
def test_colour_never_changes_a_character(scenario: Scenario) -> None:
    """Stripped of its styles, the coloured plan is the plain plan, character for character."""
    plain = render_plan(scenario.plan(), "text")
    assert "".join(f"{line.plain}\n" for line in style_report(plain)) == plain


def test_markers_take_their_colours() -> None:
    """create green, update yellow, delete red, each in bold; the source location dim."""
    create = style_line('+ create "A"  [s.yaml:1:1]')
    assert [(s.start, s.end, str(s.style)) for s in create.spans] == [
        (0, 8, "bold green"),
        (12, 26, "dim"),
    ]
    assert str(style_line('~ update "A" (id 1)').spans[0].style) == "bold yellow"
    assert str(style_line('- delete "A" (id 1)').spans[0].style) == "bold red"


def test_a_long_texts_diff_lines_take_the_diff_colours() -> None:
    """Under a field: removed lines red, added green, hunk headers cyan, marked words alike."""

    def spans(line: str) -> list[tuple[int, int, str]]:
        return [(s.start, s.end, str(s.style)) for s in style_line(line).spans]

    assert spans("        -Hours: 9-5") == [(8, 19, "red")]
    assert spans("        +Hours: 8-6") == [(8, 19, "green")]
    assert spans("        @@ -1,2 +1,2 @@") == [(8, 23, "cyan")]
    assert spans("         Owner: ops") == []
    words = "        ~ … to the [-east-]{+west+} coast"
    assert spans(words) == [(19, 27, "red"), (27, 35, "green")]


def test_an_arrow_inside_a_quoted_value_is_not_the_change_arrow() -> None:
    """``name: "A → B" → "C"``: the old value is the whole quoted "A → B", dimmed."""
    line = '    name: "A → B" → "C"'
    spans = [(s.start, s.end, str(s.style)) for s in style_line(line).spans]
    assert spans == [(10, 20, "dim"), (20, 23, "bold")]


@pytest.mark.parametrize(
    ("flag", "env", "terminal", "expected"),
    [
        (False, {}, True, True),
        (False, {}, False, False),
        (True, {}, True, False),
        (False, {"NO_COLOR": "1"}, True, False),
        (False, {"NO_COLOR": ""}, True, True),
        (False, {"FORCE_COLOR": "1"}, False, True),
        (False, {"FORCE_COLOR": "1", "NO_COLOR": "1"}, False, False),
        (True, {"FORCE_COLOR": "1"}, False, False),
    ],
)
def test_the_colour_policy(flag: bool, env: dict[str, str], terminal: bool, expected: bool) -> None:
    """A terminal gets colour; --no-color and NO_COLOR turn it off; FORCE_COLOR forces it."""
    assert wants_colour(no_color_flag=flag, env=env, is_terminal=terminal) is expected


def _demo(specs_dir: Path, tmp_path: Path) -> list[str]:
    return ["--specs", str(specs_dir), "--sandbox", "--sandbox-db", str(tmp_path / "demo.db")]


def test_force_color_colours_the_plan_but_never_the_plan_file_or_json(
    specs_dir: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """With FORCE_COLOR the text plan has ANSI codes; --out and --format json have none."""
    monkeypatch.setenv("FORCE_COLOR", "1")
    monkeypatch.delenv("NO_COLOR", raising=False)
    saved = tmp_path / "plan.json"
    assert main(["plan", *_demo(specs_dir, tmp_path), "--out", str(saved)]) == 0
    assert f"{ESC}1;32m+ create{ESC}0m" in capsys.readouterr().out
    assert ESC not in saved.read_text(encoding="utf-8")
    assert main(["plan", *_demo(specs_dir, tmp_path), "--format", "json"]) == 0
    out = capsys.readouterr().out
    assert ESC not in out
    assert "format_version" in json.loads(out)


def test_no_color_wins_over_force_color_before_or_after_the_command(
    specs_dir: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """--no-color, before or after the sub-command, prints the plain plan even when forced."""
    monkeypatch.setenv("FORCE_COLOR", "1")
    assert main(["--no-color", "drift", *_demo(specs_dir, tmp_path)]) == 2
    assert ESC not in capsys.readouterr().out
    assert main(["drift", *_demo(specs_dir, tmp_path), "--no-color"]) == 2
    out = capsys.readouterr().out
    assert ESC not in out
    assert out.startswith("Drift: 2 changed, 1 missing")
