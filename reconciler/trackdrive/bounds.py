"""Bounds on everything a server controls: how long, how many pages, how many bytes.

Implementation detail of the client. A server that is broken or hostile can answer slowly
(a body one byte a second), endlessly (a page count of a billion) or hugely; each bound below
turns that into one ``BoundExceededError`` naming the command-line option that raises it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

__all__ = ["DEFAULT_DEADLINE_S", "DEFAULT_MAX_BODY_MB", "DEFAULT_MAX_PAGES", "Bounds"]

# An apply of 10,000 writes at 3 requests a second takes about an hour; beyond that, a run
# is more likely stuck behind a broken server than making progress.
DEFAULT_DEADLINE_S: Final = 3600.0
# 2,000 pages hold 50,000 schedules at TrackDrive's default 25 a page (200,000 at 100).
DEFAULT_MAX_PAGES: Final = 2_000
# A page of 100 schedules is about 100 KB; 32 MB is a broken answer, not a page.
DEFAULT_MAX_BODY_MB: Final = 32


@dataclass(frozen=True, slots=True)
class Bounds:
    """The bounds of one run; each names the option that raises it in its error."""

    #: Seconds for one whole answer, headers and body (None: the HTTP client's read timeout).
    timeout_s: float | None = None
    #: Seconds for the whole run, every request, retry and wait included (None: no deadline).
    deadline_s: float | None = DEFAULT_DEADLINE_S
    #: Pages in one listing, whether the answer says so or its count implies it.
    max_pages: int = DEFAULT_MAX_PAGES
    #: Bytes in one answer's body (after decompression).
    max_body_bytes: int = DEFAULT_MAX_BODY_MB * 1024 * 1024

    def __post_init__(self) -> None:
        for name in ("timeout_s", "deadline_s"):
            value = getattr(self, name)
            if value is not None and not value > 0:
                raise ValueError(f"{name} must be positive, got {value}")
        if self.max_pages < 1:
            raise ValueError(f"max_pages must be at least 1, got {self.max_pages}")
        if self.max_body_bytes < 1:
            raise ValueError(f"max_body_bytes must be at least 1, got {self.max_body_bytes}")
