"""Every command the CLI registers answers ``--help``, including commands added later."""

from __future__ import annotations

import pytest
import typer

from reconciler.cli import app, main


def _command_paths(command: object, prefix: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    """The argv path to ``command`` and to every command registered under it, recursively.

    Groups (click's and typer's own) keep their sub-commands in ``.commands``.
    """
    paths = [prefix]
    subcommands: dict[str, object] = getattr(command, "commands", None) or {}
    for name in sorted(subcommands):
        paths.extend(_command_paths(subcommands[name], (*prefix, name)))
    return paths


COMMAND_PATHS = _command_paths(typer.main.get_command(app))


def test_the_walk_finds_the_registered_commands() -> None:
    """The walk over the app finds the root and at least validate and schema."""
    assert () in COMMAND_PATHS
    assert {("validate",), ("schema",)} <= set(COMMAND_PATHS)


@pytest.mark.parametrize(
    "path", COMMAND_PATHS, ids=[" ".join(("reconciler", *p)) for p in COMMAND_PATHS]
)
def test_every_command_answers_help(
    path: tuple[str, ...], capsys: pytest.CaptureFixture[str]
) -> None:
    """``reconciler [command ...] --help`` exits 0 and prints its usage and a description."""
    code = main([*path, "--help"])
    out, err = capsys.readouterr()
    assert code == 0
    assert err == ""
    assert out.startswith(f"Usage: {' '.join(('reconciler', *path))}")
    blocks = out.split("\n\n")
    assert len(blocks) >= 2, out
    description = blocks[1].strip()
    assert description, out
    assert not description.startswith(("Options:", "Arguments:", "Commands:")), out


def test_the_root_help_lists_every_top_level_command(capsys: pytest.CaptureFixture[str]) -> None:
    """``reconciler --help`` names every top-level command."""
    assert main(["--help"]) == 0
    out, _ = capsys.readouterr()
    for path in COMMAND_PATHS:
        if len(path) == 1:
            assert f"  {path[0]} " in out or f"  {path[0]}\n" in out, path
