"""How long loading and validating a large ``schedules.d/`` takes, against a bare libyaml parse.

Not a test: a measurement. It writes ``--n`` schedules spread over ``--files`` files in a
temporary directory (names, offer ids, the API's boolean words, decimal and quoted sort orders,
duplicate timeframes, comments), then times, best of five:

- ``wall_s``: ``reconciler.loader.load_specs`` on the directory (read, parse with locations,
  validate, check duplicates);
- ``libyaml_parse_s``: reading the same files and parsing each with ruamel.yaml's C-backed
  safe loader (``CSafeLoader(...).get_single_data()``), which keeps no location and validates
  nothing: the floor the loader is measured against (the aim is at most 2x).

Run ``python -m benchmarks.bench_validate [--n 10000] [--files 100] [--json]``.
``run(n, files)`` returns the figures for ``benchmarks/run.py``.
"""

from __future__ import annotations

import argparse
import gc
import json
import random
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path

from ruamel.yaml.cyaml import CSafeLoader

from reconciler.loader import load_specs

__all__ = ["libyaml_parse", "main", "run", "write_specs"]

REPEAT = 5

_CAMPAIGNS = (
    "Solar",
    "Auto Insurance",
    "Medicare",
    "Final Expense",
    "Home Warranty",
    "Debt Relief",
    "Pest Control",
    "Roofing",
)
_REGIONS = ("East", "West", "North", "South", "Texas", "Florida", "Midwest", "Overflow")
_PAUSED_WORDS = ("false", "true", "no", "yes", "off", "on", "0", "1", '"false"', "'Yes'", "OFF")
_SORT_ORDERS = ("10", "25.5", '"5.0"', "'12.50'", "100", "0.25", "3")
_TIMEFRAMES = ("0", "3600", "86400", "2592000")


def _schedule_lines(index: int, rng: random.Random) -> list[str]:
    campaign = _CAMPAIGNS[index % len(_CAMPAIGNS)]
    region = _REGIONS[(index // len(_CAMPAIGNS)) % len(_REGIONS)]
    lines = [f"  - name: {campaign} - {region} {index:05d}"]
    if index % 7 == 0:
        lines.insert(0, f"  # {campaign} in {region}: reviewed by the campaigns team")
    if index % 50 == 0:
        lines.append(f"    id: {100000 + index}")
    lines.append(f"    offer_id: {'null' if index % 97 == 0 else 1000 + index % 40}")
    lines.append(f"    paused: {rng.choice(_PAUSED_WORDS)}")
    if index % 3:
        lines.append(f"    sortable_order: {rng.choice(_SORT_ORDERS)}")
    if index % 2:
        timeframe = rng.choice(_TIMEFRAMES)
        lines.append(f"    lead_duplicate_timeframe: {timeframe}   # seconds")
    if index % 5 == 0:
        lines.append(f"    description: {campaign} leads in {region}")
    elif index % 5 == 1:
        lines.extend(
            [
                "    description: |",
                f"      {campaign} leads in {region}.",
                "      Overflow goes to the next schedule by sortable order.",
            ]
        )
    if index % 211 == 0:
        lines.append("    ensure: absent              # retired campaign")
    return lines


def write_specs(directory: Path, n: int, files: int, *, seed: int = 2) -> list[Path]:
    """Write ``n`` valid schedules over ``files`` YAML files under ``directory``."""
    rng = random.Random(seed)
    files = max(1, min(files, n)) if n else max(1, files)
    written = []
    for number in range(files):
        lines = [
            "# yaml-language-server: $schema=../schemas/schedules.schema.json",
            f"# Generated for the benchmark: file {number + 1} of {files}.",
            "schedules:",
        ]
        indexes = range(number * n // files, (number + 1) * n // files)
        if not indexes:
            lines[-1] = "schedules: []"
        for index in indexes:
            lines.extend(_schedule_lines(index, rng))
            lines.append("")
        path = directory / f"campaigns-{number:03d}.yaml"
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
        written.append(path)
    return written


def libyaml_parse(directory: Path) -> int:
    """Read and parse every spec file with the C loader; the number of schedules found."""
    count = 0
    for path in sorted(directory.rglob("*.yaml")):
        data = CSafeLoader(path.read_text(encoding="utf-8")).get_single_data()
        count += len(data.get("schedules") or [])
    return count


def _load(directory: Path) -> int:
    return len(load_specs(directory).specs)


def _timed(job: Callable[[], int], expected: int) -> float:
    gc.collect()
    start = time.perf_counter()
    found = job()
    elapsed = time.perf_counter() - start
    if found != expected:
        raise RuntimeError(f"expected {expected} schedules, found {found}")
    return elapsed


def run(n: int, files: int) -> dict[str, float]:
    """Time ``load_specs`` and the bare libyaml parse on ``n`` schedules in ``files`` files.

    The two are run in turn, best of five each, so a busy machine slows both alike.
    """
    with tempfile.TemporaryDirectory(prefix="bench-validate-") as tmp:
        directory = Path(tmp) / "schedules.d"
        directory.mkdir()
        write_specs(directory, n, files)
        _load(directory)  # warm imports and caches once, outside the timings
        wall, parse = float("inf"), float("inf")
        for _ in range(REPEAT):
            wall = min(wall, _timed(lambda: _load(directory), n))
            parse = min(parse, _timed(lambda: libyaml_parse(directory), n))
    return {"n": n, "wall_s": wall, "libyaml_parse_s": parse}


def _table(figures: dict[str, float], files: int) -> str:
    ratio = figures["wall_s"] / figures["libyaml_parse_s"]
    rows = [
        ("schedules", f"{int(figures['n'])}"),
        ("files", f"{files}"),
        ("wall_s", f"{figures['wall_s']:.3f}"),
        ("libyaml_parse_s", f"{figures['libyaml_parse_s']:.3f}"),
        ("ratio", f"{ratio:.2f}x (aim: <= 2x)"),
    ]
    width = max(len(name) for name, _ in rows)
    return "\n".join(f"{name:<{width}}  {value}" for name, value in rows)


def main(argv: Sequence[str] | None = None) -> int:
    """Parse the options, run the benchmark and print a table (or one JSON object)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--n", type=int, default=10_000, help="schedules (default 10000)")
    parser.add_argument("--files", type=int, default=100, help="files (default 100)")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    args = parser.parse_args(argv)
    figures = run(args.n, args.files)
    if args.json:
        print(json.dumps(figures))
    else:
        print(_table(figures, args.files))
    return 0


if __name__ == "__main__":
    sys.exit(main())
