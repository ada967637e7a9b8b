"""Lines a newcomer reads: tips that work as typed, examples one to a line."""

from __future__ import annotations

from pathlib import Path

import pytest

from reconciler.cli import main


def test_the_import_tip_names_the_specs_directory_it_wrote(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Imported into a directory other than schedules.d, the tip's plan command says --specs."""
    out = tmp_path / "imported.d"
    db = str(tmp_path / "demo.db")
    assert main(["import", "--sandbox", "--sandbox-db", db, "--out", str(out)]) == 0
    last = capsys.readouterr().err.splitlines()[-1]
    assert last == f"Imported 39 schedules; `reconciler plan --specs {out}` should be empty."
    assert main(["plan", "--sandbox", "--sandbox-db", db, "--specs", str(out)]) == 0
    assert capsys.readouterr().out.startswith("No changes.")


@pytest.mark.parametrize(
    ("command", "examples"),
    [
        (
            "import",
            [
                "  Examples:",
                "    reconciler import --subdomain acme --out schedules.d",
                "    reconciler import --subdomain acme --out schedules.d --adopt",
                "    reconciler import --sandbox --out imported.d --split offer",
            ],
        ),
        (
            "plan",
            ["  Example:", "    reconciler plan --sandbox --format markdown --out plan.json"],
        ),
    ],
)
def test_help_keeps_each_example_on_its_own_line(
    command: str, examples: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    """click does not re-wrap the examples paragraph into the prose."""
    assert main([command, "--help"]) == 0
    lines = capsys.readouterr().out.splitlines()
    start = lines.index(examples[0])
    assert lines[start : start + len(examples)] == examples
