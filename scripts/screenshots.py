"""Screenshots of drift, plan and apply for the README: real runs, recorded as SVG.

    .venv/bin/python scripts/screenshots.py          # writes docs/screenshots/*.svg

Each command runs as a process against a fresh local sandbox (the demo account), in a scratch
directory holding a copy of schedules.d/, with FORCE_COLOR=1 so the output carries the colours
a terminal shows. Its stdout and stderr, interleaved as a terminal shows them, are replayed
into a recording rich console and saved with ``Console.save_svg``. Nothing is drawn by hand:
a change to the CLI's output shows up here when the script is run again.
"""

from __future__ import annotations

import io
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from rich.console import Console
from rich.text import Text

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "docs" / "screenshots"
WIDTH = 104
SHOTS = (
    ("drift", ["drift", "--sandbox"]),
    ("plan", ["plan", "--sandbox", "--out", "plan.json"]),
    ("apply", ["apply", "plan.json", "--sandbox"]),
)


def _run(args: list[str], cwd: Path) -> str:
    env = {k: v for k, v in os.environ.items() if k not in {"NO_COLOR", "TERM"}}
    env.update(FORCE_COLOR="1", COLUMNS=str(WIDTH), TERM="xterm-256color")
    done = subprocess.run(  # noqa: S603 (our own interpreter running our own CLI)
        [sys.executable, "-m", "reconciler", *args],
        cwd=cwd,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        check=False,
    )
    return done.stdout


def _save(name: str, args: list[str], output: str) -> Path:
    console = Console(record=True, width=WIDTH, force_terminal=True, file=io.StringIO())
    console.print(Text(f"$ reconciler {' '.join(args)}", style="bold"))
    console.print(Text.from_ansi(output.rstrip("\n")))
    path = OUT / f"{name}.svg"
    console.save_svg(str(path), title=f"reconciler {args[0]}")
    return path


def main() -> int:
    """Run drift, plan and apply on a fresh demo account; save one SVG each."""
    OUT.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as scratch:
        cwd = Path(scratch)
        shutil.copytree(ROOT / "schedules.d", cwd / "schedules.d")
        for name, args in SHOTS:
            path = _save(name, args, _run(args, cwd))
            print(f"wrote {path.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
