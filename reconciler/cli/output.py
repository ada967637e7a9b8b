"""What the CLI prints and how: consoles, logging, error lines and exit codes.

Only the CLI prints. Errors become ``error: …`` lines (after the located issues, if any) and an
optional ``tip: …`` on stderr, never a traceback. Exit codes: 0 success / nothing differs,
1 error, 2 differences (plan/drift, when asked), 130 interrupted.
"""

from __future__ import annotations

import logging
import os
import re
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from pathlib import Path

import typer
from rich.console import Console

from reconciler.cli.style import colour_console, style_report, wants_colour
from reconciler.cli.usage import is_help_screen, usage_error_lines
from reconciler.errors import PlanError, ReconcilerError, SpecError
from reconciler.redact import Redactor, redactor_from_env
from reconciler.trackdrive import RetryNotice
from reconciler.untrusted import terminal

__all__ = [
    "EXIT_CHANGES",
    "EXIT_ERROR",
    "EXIT_INTERRUPTED",
    "EXIT_OK",
    "announce_retry",
    "configure_logging",
    "logging_restored",
    "print_report",
    "render_error",
    "reported_errors",
    "set_no_color",
    "stderr_console",
    "stdout_console",
    "write_out",
]

EXIT_OK = 0
EXIT_ERROR = 1
EXIT_CHANGES = 2
EXIT_INTERRUPTED = 130

_LOGGER_NAMES = ("reconciler", "stamina", "httpx")


def stdout_console() -> Console:
    """The console for results (plans, reports)."""
    # markup and emoji off: names and paths are printed verbatim, "[b]" and ":fire:" included.
    return Console(highlight=False, soft_wrap=True, markup=False, emoji=False)


def stderr_console() -> Console:
    """The console for progress, summaries and errors."""
    return Console(stderr=True, highlight=False, soft_wrap=True, markup=False, emoji=False)


_NO_COLOR_FLAG: ContextVar[bool] = ContextVar("no_color_flag", default=False)


def set_no_color(flag: bool) -> None:
    """Remember ``--no-color`` for this run (the root command's callback sets it every run)."""
    _NO_COLOR_FLAG.set(flag)


def print_report(text: str) -> None:
    """A rendered text plan or drift report on stdout, coloured when colour is wanted."""
    wanted = wants_colour(
        no_color_flag=_NO_COLOR_FLAG.get(), env=os.environ, is_terminal=sys.stdout.isatty()
    )
    if not wanted:
        sys.stdout.write(text)
        return
    console = colour_console()
    for line in style_report(text):
        console.print(line)


def safe_line(text: str, redactor: Redactor | None = None) -> str:
    """``text`` as one line for stderr: no key (raw or Base64), no raw control character.

    Error and log lines carry server text and file names: a key a server echoes becomes
    ``***``, and escape codes or a newline before ``::error::`` become visible escapes.
    """
    scrubbed = (redactor or redactor_from_env(os.environ)).scrub(text)
    return terminal(scrubbed)


def announce_retry(notice: RetryNotice) -> None:
    """One stderr line per retry: what, after what, how long, which attempt."""
    stderr_console().print(safe_line(str(notice)))


def write_out(path: Path, text: str) -> None:
    """Write ``text`` to ``path``, creating its directory."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def configure_logging(*, debug: bool) -> None:
    """Logs go to stderr; ``--debug`` shows every request and retry."""
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(_LogLine())
    # Retries (stamina) are counted in the run summary; without --debug they are not news.
    # httpx's own request lines repeat the client's (which say the attempt and the time), so
    # they stay off. The reconciler's own warnings are always news.
    for name, quiet, loud in (
        ("reconciler", logging.WARNING, logging.DEBUG),
        ("stamina", logging.ERROR, logging.DEBUG),
        ("httpx", logging.ERROR, logging.WARNING),
    ):
        logger = logging.getLogger(name)
        logger.handlers[:] = [handler]
        logger.propagate = False
        logger.setLevel(loud if debug else quiet)


_REPR = re.compile(r"^(?P<kind>\w+)\((?P<quote>['\"])(?P<text>.*)(?P=quote)\)$", re.DOTALL)


class _LogLine(logging.Formatter):
    """``debug: GET /api/v1/schedules?page=2 -> 200 (attempt 1, 41 ms)``, one line a record.

    stamina logs a retry as the bare event name ``stamina.retry_scheduled`` with the details in
    extra fields; that record becomes ``retry 2 after GET /api/v1/schedules: status 503``.
    """

    def format(self, record: logging.LogRecord) -> str:
        message = record.getMessage()
        if message == "stamina.retry_scheduled":
            message = _retry_line(record.__dict__)
        return safe_line(f"{record.levelname.lower()}: {message}")


def _retry_line(fields: dict[str, object]) -> str:
    number = fields.get("stamina.retry_num", "?")
    cause = str(fields.get("stamina.caused_by", "")).strip()
    shape = _REPR.match(cause)
    if shape is not None:
        cause = shape.group("text")  # the class name (AttemptFailed, …) is not news
    return f"retry {number} after {cause}" if cause else f"retry {number}"


@contextmanager
def logging_restored() -> Iterator[None]:
    """Undo the logging set-up of one run, so ``main`` can be called again (tests, embedding)."""
    loggers = [logging.getLogger(name) for name in _LOGGER_NAMES]
    saved = [(lg.handlers[:], lg.level, lg.propagate) for lg in loggers]
    try:
        yield
    finally:
        for logger, (handlers, level, propagate) in zip(loggers, saved, strict=True):
            logger.handlers[:] = handlers
            logger.setLevel(level)
            logger.propagate = propagate


def render_error(error: ReconcilerError) -> list[str]:
    """The lines a person reads for an error: what, where, and what to do next.

    Each is one safe line (``safe_line``): messages carry server text and file names.
    """
    lines = [f"error: {error.message}"]
    if isinstance(error, SpecError | PlanError):
        lines = [f"{issue}" for issue in error.issues] + lines
    if error.hint:
        lines.append(f"tip: {error.hint}")
    redactor = redactor_from_env(os.environ)
    return [safe_line(line, redactor) for line in lines]


@contextmanager
def reported_errors(codes: list[int]) -> Iterator[None]:
    """Turn what a run raises into lines on stderr, and its exit code into ``codes``."""
    err = stderr_console()
    try:
        yield
    except ReconcilerError as error:
        for line in render_error(error):
            err.print(line)
        codes.append(error.exit_code)
    except OSError as error:
        where = f"{error.filename}: " if error.filename else ""
        err.print(safe_line(f"error: {where}{error.strerror or error}"))
        codes.append(EXIT_ERROR)
    except typer.Abort:
        err.print("aborted")
        codes.append(EXIT_ERROR)
    except typer.TyperException as error:
        # Usage errors exit 1, not click's 2: exit 2 means "there are changes" here.
        if is_help_screen(error):
            show = getattr(error, "show", None)
            if callable(show):
                show(file=sys.stderr)
        else:
            for line in usage_error_lines(error):
                err.print(line)
        codes.append(EXIT_ERROR)
    except SystemExit as done:
        # Shell completion (typer's --show-completion and the completion requests) exits itself.
        codes.append(done.code if isinstance(done.code, int) else EXIT_ERROR * bool(done.code))
    except KeyboardInterrupt:
        err.print("interrupted")
        codes.append(EXIT_INTERRUPTED)
    except Exception as error:
        # A bug, not the user's doing; still one line, never a traceback (README, "Untrusted
        # input"): a hostile input that finds a bug must not get a stack dump printed either.
        err.print(safe_line(f"error: unexpected {type(error).__name__}: {error}"))
        err.print("tip: this is a bug in trackdrive-reconciler; please report the command")
        codes.append(EXIT_ERROR)
