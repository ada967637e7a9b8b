"""``Reading schedules 240/400 pages``: live on a terminal, a line every tenth elsewhere (CI)."""

from __future__ import annotations

import math

from rich.console import Console
from rich.progress import BarColumn, Progress, TaskID, TextColumn
from rich.text import Text

__all__ = ["PageProgress"]

# A listing of fewer pages is over before a progress line would help.
_WORTH_SHOWING = 3
# Without a page count (a bare-array answer), a plain line every this many pages.
_UNCOUNTED_STEP = 100


class PageProgress:
    """The client's page callback, shown on ``console``; ``close()`` when the listing is done.

    On a terminal a transient bar (gone once the listing is read, like apply's); elsewhere one
    plain line per tenth of the pages, so a CI log shows a long listing moving without a line
    per page. ``live=False`` forces the plain lines (several accounts read at once share one
    terminal, and one live display at a time is all it can show).
    """

    def __init__(self, console: Console, *, prefix: str = "", live: bool = True) -> None:
        self._console = console
        self._prefix = prefix
        self._live = live and console.is_terminal
        self._bar: Progress | None = None
        self._task: TaskID | None = None

    def __call__(self, done: int, total: int | None) -> None:
        """``done`` pages of ``total`` (None: not said) have been read."""
        if total is not None and total < _WORTH_SHOWING:
            return
        if self._live:
            self._show_live(done, total)
            return
        step = math.ceil(total / 10) if total is not None else _UNCOUNTED_STEP
        if done % step == 0 or done == total:
            of = f"/{total}" if total is not None else ""
            # A Text, not a str: "[acme]" is an account key, never rich markup.
            self._console.print(Text(f"{self._prefix}Reading schedules {done}{of} pages"))

    def close(self) -> None:
        """Take the live bar off the terminal."""
        if self._bar is not None:
            self._bar.stop()
            self._bar = None

    def _show_live(self, done: int, total: int | None) -> None:
        if self._bar is None:
            # markup off: an account key such as "[acme]" is text, not a rich style tag.
            count = "{task.completed}/{task.total} pages" if total else "{task.completed} pages"
            self._bar = Progress(
                TextColumn(f"{self._prefix}Reading schedules", markup=False),
                BarColumn(),
                TextColumn(count, markup=False),
                console=self._console,
                transient=True,
            )
            self._task = self._bar.add_task("read", total=total)
            self._bar.start()
        assert self._task is not None
        self._bar.update(self._task, completed=done, total=total)
