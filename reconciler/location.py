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
        # Whoever opens a pull request names the spec files, and a location often begins a
        # line: "./" keeps "::error::x.yaml" or "##[error]x.yaml" from being read as a GitHub
        # workflow command in a CI log. Ordinary paths are shown as they are.
        first = self.file[:1]
        file = self.file if first.isalnum() or first in "./_" else f"./{self.file}"
        return f"{file}:{self.line}:{self.column}"
