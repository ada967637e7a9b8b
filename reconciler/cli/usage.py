"""Usage errors as two lines (``error: …`` and ``tip: …``), and global flags anywhere in argv.

click shows a usage error as a usage line, a "Try --help" line, a blank line and
``Error: …`` with the library's own wording (pydantic's "Value error, ", quoted option names).
Here it becomes one ``error:`` line in the house style and a ``tip:`` naming the help to read.

typer exposes only ``BadParameter`` of click's exception classes; the others are imported from
its vendored click, which is why pyproject.toml keeps typer below its next minor series.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Sequence

import typer
from typer._click.exceptions import NoArgsIsHelpError, NoSuchOption, UsageError

__all__ = ["GLOBAL_FLAGS", "hoist_global_flags", "is_help_screen", "usage_error_lines"]

# Options of the root command a person also types after the sub-command.
GLOBAL_FLAGS = ("--debug", "--no-color")

_QUOTED_OPTION = re.compile(r"'(--?[A-Za-z][\w-]*)'")
_NO_SUCH_COMMAND = re.compile(r"No such command '(?P<name>.*?)'\.")
_LIBRARY_PREFIXES = ("Value error, ", "Assertion failed, ")


def hoist_global_flags(argv: Sequence[str]) -> list[str]:
    """``argv`` with the global flags moved before the sub-command (up to a ``--``)."""
    args = list(argv)
    end = args.index("--") if "--" in args else len(args)
    flags = [a for a in args[:end] if a in GLOBAL_FLAGS]
    rest = [a for a in args[:end] if a not in GLOBAL_FLAGS]
    return [*flags, *rest, *args[end:]]


def is_help_screen(error: typer.TyperException) -> bool:
    """A group run without a sub-command: click shows the help, which is the point."""
    return isinstance(error, NoArgsIsHelpError)


def usage_error_lines(error: typer.TyperException) -> list[str]:
    """``error: …`` in the house style, then a ``tip:`` naming the help to read."""
    ctx = getattr(error, "ctx", None)
    path = ctx.command_path if ctx is not None else "reconciler"
    command = path.removeprefix("reconciler").strip()
    is_group = ctx is None or hasattr(ctx.command, "commands")
    help_tip = f"tip: `{path} --help` lists " + ("the commands" if is_group else "its options")
    if isinstance(error, NoSuchOption):
        message = f"no such option {error.option_name}"
        if command:
            message += f" for {command}"
        if error.possibilities:
            message += f"; did you mean {_best(error.option_name, error.possibilities)}?"
        return [f"error: {message}", help_tip]
    raw = error.format_message() if isinstance(error, UsageError) else str(error)
    unknown = _NO_SUCH_COMMAND.match(raw)
    if unknown is not None and ctx is not None:
        name = unknown.group("name")
        message = f"no such command {name!r}"
        if command:
            message += f" in {command}"
        known = list(getattr(ctx.command, "commands", {}))
        close = difflib.get_close_matches(name, known, n=1)
        if close:
            message += f"; did you mean {close[0]}?"
        return [f"error: {message}", help_tip]
    return [f"error: {_house_style(raw)}", help_tip]


def _best(typed: str, possibilities: Sequence[str]) -> str:
    return (difflib.get_close_matches(typed, possibilities, n=1) or sorted(possibilities))[0]


def _house_style(message: str) -> str:
    """Lower-case sentence starts, unquoted option names, no library prefixes or final stop."""
    for prefix in _LIBRARY_PREFIXES:
        message = message.replace(prefix, "")
    message = _QUOTED_OPTION.sub(r"\1", message).strip().rstrip(".")
    parts = message.split(": ")
    return ": ".join(_lower_first(part) for part in parts)


def _lower_first(text: str) -> str:
    # "Input should be …" → "input should be …"; leave "TRACKDRIVE_…" and "PATH" alone.
    if len(text) > 1 and text[0].isupper() and text[1].islower():
        return text[0].lower() + text[1:]
    return text
