"""The validate benchmark stays runnable: its data is valid and its output has the agreed shape."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from benchmarks.bench_validate import libyaml_parse, main, run, write_specs
from reconciler.loader import load_specs


def test_generated_specs_are_valid_and_spread_over_the_files(tmp_path: Path) -> None:
    """write_specs writes n valid schedules over the requested number of files."""
    write_specs(tmp_path, 250, 7)
    loaded = load_specs(tmp_path)
    assert len(loaded.specs) == 250
    assert len(loaded.files) == 7
    assert libyaml_parse(tmp_path) == 250


def test_run_reports_the_three_figures() -> None:
    """run(n, files) returns n, wall_s and libyaml_parse_s for benchmarks/run.py."""
    figures = run(20, 2)
    assert set(figures) == {"n", "wall_s", "libyaml_parse_s"}
    assert figures["n"] == 20
    assert figures["wall_s"] > 0
    assert figures["libyaml_parse_s"] > 0


def test_json_option_prints_one_json_object(capsys: pytest.CaptureFixture[str]) -> None:
    """--json prints exactly one JSON object with n, wall_s and libyaml_parse_s."""
    assert main(["--n", "10", "--files", "2", "--json"]) == 0
    out, _ = capsys.readouterr()
    assert set(json.loads(out)) == {"n", "wall_s", "libyaml_parse_s"}
    assert out.count("\n") == 1
