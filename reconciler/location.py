"""Where a value came from in the specs directory, so every message can point at it."""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["Location"]


@dataclass(frozen=True, slots=True, order=True)
class Location:
    """A 1-based line and column in a file, rendered as ``path:line:col``."""

    file: str
    line: int
    column: int

    def __str__(self) -> str:
        return f"{self.file}:{self.line}:{self.column}"
