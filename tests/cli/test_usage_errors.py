"""Usage errors read as two lines, ``error:`` and ``tip:``, exit 1; global flags go anywhere."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from reconciler.cli import main
from reconciler.cli.output import configure_logging, logging_restored
from reconciler.cli.usage import hoist_global_flags


@pytest.mark.parametrize(
    ("argv", "expected"),
    [
        (
            ["plan", "--onyl", "x"],
            "error: no such option --onyl for plan; did you mean --only?\n"
            "tip: `reconciler plan --help` lists its options\n",
        ),
        (
            ["plna"],
            "error: no such command 'plna'; did you mean plan?\n"
            "tip: `reconciler --help` lists the commands\n",
        ),
        (
            ["sandbox", "serv"],
            "error: no such command 'serv' in sandbox; did you mean serve?\n"
            "tip: `reconciler sandbox --help` lists the commands\n",
        ),
        (
            ["plan", "--format", "txt"],
            "error: invalid value for --format: 'txt' is not one of 'text', 'markdown', 'json'\n"
            "tip: `reconciler plan --help` lists its options\n",
        ),
        (
            ["plan", "--concurrency", "0"],
            "error: invalid value for --concurrency: input should be greater than or equal to 1\n"
            "tip: `reconciler plan --help` lists its options\n",
        ),
        (
            ["import"],
            "error: missing option --out\ntip: `reconciler import --help` lists its options\n",
        ),
    ],
    ids=["option typo", "command typo", "sub-command typo", "bad choice", "bad range", "missing"],
)
def test_a_usage_error_is_one_error_line_and_one_tip(
    argv: list[str], expected: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """No usage box and no library wording ("Value error,"): one error line, one tip, exit 1."""
    assert main(argv) == 1
    out, err = capsys.readouterr()
    assert out == ""
    assert err == expected


def test_conflicting_account_options_name_both_and_how_to_choose(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """--sandbox with --subdomain is refused before anything is read, with a tip."""
    specs = tmp_path / "schedules.d"
    specs.mkdir()
    assert main(["drift", "--specs", str(specs), "--sandbox", "--subdomain", "acme"]) == 1
    assert capsys.readouterr().err == (
        "error: --sandbox cannot be combined with --api-url or --subdomain\n"
        "tip: pass --sandbox for the practice account, or an account, not both\n"
    )


def test_debug_after_the_sub_command_is_the_global_flag() -> None:
    """``validate --debug`` means ``--debug validate``; after ``--`` it is data."""
    assert hoist_global_flags(["validate", "--debug", "--specs", "s"]) == [
        "--debug",
        "validate",
        "--specs",
        "s",
    ]
    assert hoist_global_flags(["plan", "--", "--debug"]) == ["plan", "--", "--debug"]


def test_debug_after_the_sub_command_runs_the_command(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """``validate --debug`` validates instead of failing on an unknown option."""
    specs = tmp_path / "schedules.d"
    specs.mkdir()
    assert main(["validate", "--specs", str(specs), "--debug"]) == 0
    assert capsys.readouterr().err == f"ok: 0 schedules in 0 files under {specs}\n"


def test_a_retry_logs_as_a_readable_line(capsys: pytest.CaptureFixture[str]) -> None:
    """stamina's bare event name becomes 'retry N after <what failed>' on stderr."""
    with logging_restored():
        configure_logging(debug=True)
        logging.getLogger("stamina").warning(
            "stamina.retry_scheduled",
            extra={
                "stamina.retry_num": 2,
                "stamina.caused_by": "AttemptFailed('GET /api/v1/schedules: status 503')",
                "stamina.wait_for": 0.0,
            },
        )
        logging.getLogger("reconciler.trackdrive").debug("GET /x -> 200 (attempt 1, 4 ms)")
    assert capsys.readouterr().err == (
        "warning: retry 2 after GET /api/v1/schedules: status 503\n"
        "debug: GET /x -> 200 (attempt 1, 4 ms)\n"
    )
