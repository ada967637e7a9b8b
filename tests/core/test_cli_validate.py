"""``reconciler validate`` (and the root options): exit codes, located lines, never a traceback."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from reconciler.__about__ import __version__
from reconciler.cli import main
from tests.core._scenarios import (
    ERRORS_FILE,
    SPEC_SCENARIOS,
    SPECS_FILE,
    expected_lines,
    relative,
    scenarios,
)
from tests.support.golden import check_golden

REPO = Path(__file__).resolve().parents[2]
TIP = "tip: fix the lines above and run `reconciler validate` again"


def _problems(count: int) -> str:
    return f"error: {count} problem{'s' if count != 1 else ''} in the specs"


@pytest.mark.parametrize("scenario", scenarios(SPEC_SCENARIOS, ERRORS_FILE))
def test_validate_exits_1_with_one_located_line_per_problem_on_stderr(
    scenario: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Invalid specs exit 1; stderr holds each located line, a count and a tip; stdout is empty."""
    code = main(["validate", "--specs", str(scenario)])
    out, err = capsys.readouterr()
    expected = expected_lines(scenario / ERRORS_FILE)
    assert code == 1
    assert out == ""
    assert "Traceback" not in err
    assert relative(err, scenario).splitlines() == [*expected, _problems(len(expected)), TIP]


@pytest.mark.parametrize("scenario", scenarios(SPEC_SCENARIOS, SPECS_FILE))
def test_validate_exits_0_and_counts_valid_specs(
    scenario: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Valid specs exit 0 with one "ok" line on stderr counting schedules and files."""
    count = len(expected_lines(scenario / SPECS_FILE))
    files = sum(1 for p in scenario.rglob("*") if p.suffix in (".yaml", ".yml"))
    code = main(["validate", "--specs", str(scenario)])
    out, err = capsys.readouterr()
    assert code == 0
    assert out == ""
    assert err == (
        f"ok: {count} schedule{'s' if count != 1 else ''} in {files} "
        f"file{'s' if files != 1 else ''} under {scenario}\n"
    )


def test_validate_accepts_the_shipped_examples(capsys: pytest.CaptureFixture[str]) -> None:
    """The example schedules.d/ validates clean."""
    code = main(["validate", "--specs", str(REPO / "schedules.d")])
    _, err = capsys.readouterr()
    assert code == 0
    assert err.startswith("ok: ")


def test_validate_reads_schedules_d_in_the_working_directory_by_default(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Without --specs, validate reads ./schedules.d."""
    (tmp_path / "schedules.d").mkdir()
    (tmp_path / "schedules.d" / "a.yaml").write_text("schedules:\n  - name: A\n", "utf-8")
    monkeypatch.chdir(tmp_path)
    code = main(["validate"])
    _, err = capsys.readouterr()
    assert code == 0
    assert err == "ok: 1 schedule in 1 file under schedules.d\n"


def test_validate_needs_no_credentials(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """validate is offline: it works with no TRACKDRIVE_* variable set."""
    for name in list(os.environ):
        if name.startswith("TRACKDRIVE_"):
            monkeypatch.delenv(name)
    assert main(["validate", "--specs", str(REPO / "schedules.d")]) == 0
    capsys.readouterr()


def test_validate_reports_a_missing_directory_as_an_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A --specs directory that does not exist exits 1 with one error line, no traceback."""
    missing = tmp_path / "nowhere"
    code = main(["validate", "--specs", str(missing)])
    out, err = capsys.readouterr()
    assert code == 1
    assert out == ""
    assert err.splitlines() == [
        f"specs directory '{missing}' does not exist",
        _problems(1),
        TIP,
    ]


def test_validate_refuses_a_file_as_the_specs_directory(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """--specs naming a file is a usage error: exit 1 (2 means "changes"), no traceback."""
    file = tmp_path / "a.yaml"
    file.write_text("schedules: []\n", encoding="utf-8")
    code = main(["validate", "--specs", str(file)])
    _, err = capsys.readouterr()
    assert code == 1
    assert err == (
        f"error: invalid value for --specs: dir '{file}' is a file\n"
        "tip: `reconciler validate --help` lists its options\n"
    )


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (
            ["validate", "--bogus"],
            "error: no such option --bogus for validate\n"
            "tip: `reconciler validate --help` lists its options\n",
        ),
        (
            ["nope"],
            "error: no such command 'nope'\ntip: `reconciler --help` lists the commands\n",
        ),
        (
            ["schema", "extra"],
            "error: got unexpected extra argument(s) (extra)\n"
            "tip: `reconciler schema --help` lists its options\n",
        ),
        (
            ["validate", "--specs"],
            "error: option --specs requires an argument\n"
            "tip: `reconciler --help` lists the commands\n",
        ),
    ],
)
def test_usage_errors_exit_1_with_a_message(
    argv: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """A usage error exits 1 (not click's 2, kept for "changes") and says what was wrong."""
    code = main(argv)
    out, err = capsys.readouterr()
    assert code == 1
    assert out == ""
    assert err == message


def test_no_arguments_shows_the_help_and_exits_1(capsys: pytest.CaptureFixture[str]) -> None:
    """Running with no command prints the usage and the commands, and exits 1."""
    code = main([])
    out, err = capsys.readouterr()
    assert code == 1
    assert "Usage: reconciler" in out + err
    assert "validate" in out + err


def test_version_prints_the_package_version(capsys: pytest.CaptureFixture[str]) -> None:
    """--version prints the version on stdout and exits 0."""
    code = main(["--version"])
    out, err = capsys.readouterr()
    assert code == 0
    assert out == f"trackdrive-reconciler {__version__}\n"
    assert err == ""


def test_python_dash_m_reconciler_runs_the_cli() -> None:
    """``python -m reconciler --version`` works and exits 0."""
    result = subprocess.run(
        [sys.executable, "-m", "reconciler", "--version"],
        capture_output=True,
        text=True,
        check=False,
        cwd=REPO,
        timeout=60,
    )
    assert result.returncode == 0
    assert result.stdout == f"trackdrive-reconciler {__version__}\n"


def test_error_lines_keep_markup_like_text_verbatim(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Square brackets in a name are printed as written, not read as terminal markup."""
    (tmp_path / "a.yaml").write_text(
        "schedules:\n  - name: '[bold]Solar[/bold]'\n  - name: '[bold]Solar[/bold]'\n", "utf-8"
    )
    assert main(["validate", "--specs", str(tmp_path)]) == 1
    _, err = capsys.readouterr()
    assert err.splitlines()[0] == (
        f"{tmp_path}/a.yaml:3:11: the name '[bold]Solar[/bold]' is used twice (first at "
        f"{tmp_path}/a.yaml:2:11); names identify schedules, so each must be unique "
        "(or pin each with `id:`)"
    )


def test_error_lines_keep_emoji_codes_verbatim(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A name containing :fire: is quoted as written in an error, not turned into an emoji."""
    (tmp_path / "a.yaml").write_text(
        "schedules:\n  - name: 'Hot :fire: leads'\n  - name: 'Hot :fire: leads'\n", "utf-8"
    )
    assert main(["validate", "--specs", str(tmp_path)]) == 1
    _, err = capsys.readouterr()
    assert err.splitlines()[0] == (
        f"{tmp_path}/a.yaml:3:11: the name 'Hot :fire: leads' is used twice (first at "
        f"{tmp_path}/a.yaml:2:11); names identify schedules, so each must be unique "
        "(or pin each with `id:`)"
    )


def test_the_ok_line_prints_the_specs_path_verbatim(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The "ok" line names the specs directory exactly as given."""
    specs = tmp_path / "specs[bold]"
    specs.mkdir()
    assert main(["validate", "--specs", str(specs)]) == 0
    _, err = capsys.readouterr()
    assert err == f"ok: 0 schedules in 0 files under {specs}\n"


def test_a_specs_path_that_looks_like_markup_does_not_crash(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Any directory name is printed safely; validate never raises."""
    specs = tmp_path / "a[" / "b]"
    specs.mkdir(parents=True)
    assert main(["validate", "--specs", str(specs)]) == 0
    _, err = capsys.readouterr()
    assert str(specs) in err


@pytest.mark.parametrize(
    ("scenario", "name"),
    [("valid-merge-key", "Solar - East (overflow)"), ("valid-defaults", "Solar - East")],
)
def test_validate_explain_prints_each_value_with_the_line_that_set_it(
    scenario: str, name: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """--explain NAME prints the effective spec, a value a line, with where and how it was set."""
    monkeypatch.chdir(SPEC_SCENARIOS)
    code = main(["validate", "--specs", scenario, "--explain", name])
    out, _ = capsys.readouterr()
    assert code == 0
    check_golden(f"explain-{scenario}.txt", out)


def test_validate_explain_of_an_unknown_name_suggests_the_closest(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """--explain with a name no spec has exits 1 and suggests the closest name."""
    monkeypatch.chdir(SPEC_SCENARIOS)
    code = main(["validate", "--specs", "valid-defaults", "--explain", "Solar - Est"])
    out, err = capsys.readouterr()
    assert code == 1
    assert out == ""
    assert err.splitlines()[0] == 'no spec is named "Solar - Est"; did you mean "Solar - East"?'
