"""The reconciler's command line with ``gitops`` mounted, in-process or as a ``reconciler`` shim.

Once ``reconciler/cli/`` mounts ``gitops_app``, ``run_reconciler`` is exactly
``reconciler.cli.main``. Until then it runs a fresh copy of the CLI's command tree with the
``gitops`` group added (the module-level app is never changed) and reports errors the way
``main`` does. ``python -m tests.gitops.runner ARGS`` does the same as a process, for the tests
that run the workflows' shell steps.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Sequence
from functools import cache

import typer

from reconciler import cli
from reconciler.cli.output import render_error
from reconciler.errors import ReconcilerError
from reconciler.gitops import gitops_app

__all__ = ["gitops_mounted", "run_reconciler"]

_LOGGERS = ("reconciler", "stamina", "httpx")


@cache
def gitops_mounted() -> bool:
    """Whether ``reconciler.cli`` already has the ``gitops`` commands."""
    return "gitops" in getattr(typer.main.get_command(cli.app), "commands", {})


def run_reconciler(argv: Sequence[str]) -> int:
    """``reconciler ARGV`` with the gitops commands; returns the exit code."""
    if gitops_mounted():
        return cli.main(argv)
    group = typer.main.get_command(cli.app)
    assert isinstance(group, typer.core.TyperGroup)
    group.add_command(typer.main.get_command(gitops_app), "gitops")
    loggers = [logging.getLogger(name) for name in _LOGGERS]
    saved = [(lg.handlers[:], lg.level, lg.propagate) for lg in loggers]
    try:
        result = group.main(args=list(argv), prog_name="reconciler", standalone_mode=False)
    except ReconcilerError as error:
        for line in render_error(error):
            typer.echo(line, err=True)
        return 1
    except typer.TyperException as error:  # usage errors exit 1, as in cli.main
        show = getattr(error, "show", None)
        if callable(show):
            show(file=sys.stderr)
        else:
            typer.echo(f"error: {error}", err=True)
        return 1
    finally:
        for logger, (handlers, level, propagate) in zip(loggers, saved, strict=True):
            logger.handlers[:] = handlers
            logger.setLevel(level)
            logger.propagate = propagate
    return result if isinstance(result, int) else 0


if __name__ == "__main__":
    sys.exit(run_reconciler(sys.argv[1:]))
