"""``plan --all-accounts`` over many sandbox accounts, against the slowest one and the CPU.

Run ``python -m benchmarks.bench_accounts [--accounts 20] [--schedules 500] [--latency-ms 50]``
from the repository root. It starts one sandbox process per account (``reconciler sandbox
serve``, seeded with that many generated schedules, the given latency on every request),
writes a repository with an ``accounts.yaml`` naming them and each account's specs (one spec
per live schedule, 1% drifted), then runs ``reconciler plan`` as a child process, measured
with ``wait4`` (wall, user+system CPU, peak RSS of that process alone):

- **all**: ``plan --all-accounts`` (every account at once);
- **single**: ``plan --account KEY`` for each account (its wall includes starting Python);
- **serial**: ``plan --all-accounts --accounts-at-once 1`` (one account after another).

Target (issue 18): wall(all) <= 1.3 x max(slowest single, CPU of all), and the peak RSS of
the all-accounts run <= 250 MB. Prints a table, then the verdict; ``--json`` prints the
figures as JSON on stdout instead.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from contextlib import ExitStack
from dataclasses import asdict, dataclass
from pathlib import Path

if __package__ in (None, ""):  # run as a script: make `benchmarks` and `reconciler` importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.live_specs import fetch_live, write_specs
from benchmarks.sandbox_process import PRIVATE_KEY, PUBLIC_KEY, SandboxProcess

__all__ = ["Run", "main"]

_REPO = Path(__file__).resolve().parent.parent


@dataclass(frozen=True, slots=True)
class Run:
    """One measured child process."""

    wall_s: float
    cpu_s: float
    peak_rss_mb: float
    exit_code: int


def _measure(argv: Sequence[str], cwd: Path, env: dict[str, str]) -> Run:
    started = time.perf_counter()
    process = subprocess.Popen(
        [sys.executable, "-m", "reconciler", *argv],
        cwd=cwd,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    _, status, usage = os.wait4(process.pid, 0)
    wall = time.perf_counter() - started
    process.returncode = os.waitstatus_to_exitcode(status)
    return Run(
        wall_s=round(wall, 2),
        cpu_s=round(usage.ru_utime + usage.ru_stime, 2),
        peak_rss_mb=round(usage.ru_maxrss / 1024, 1),  # Linux: KiB
        exit_code=process.returncode,
    )


def _repository(root: Path, sandboxes: Sequence[SandboxProcess]) -> dict[str, str]:
    """accounts.yaml and specs for every sandbox; the environment holding their keys."""
    lines = ["accounts:"]
    env = dict(os.environ, PYTHONPATH=str(_REPO))
    for number, sandbox in enumerate(sandboxes):
        key = f"account-{number:02d}"
        lines += [f"  - key: {key}", f"    api_url: {sandbox.base_url}"]
        variable = f"TRACKDRIVE_ACCOUNT_{number:02d}"
        env[f"{variable}_PUBLIC_KEY"] = PUBLIC_KEY
        env[f"{variable}_PRIVATE_KEY"] = PRIVATE_KEY
        live = asyncio.run(fetch_live(sandbox.base_url))
        write_specs(live, root / key / "schedules.d", files=10, drift_every=100)
    (root / "accounts.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return env


def measure(accounts: int, schedules: int, latency_ms: int, workdir: Path) -> dict[str, object]:
    """Start the sandboxes, run the three measurements, stop everything."""
    with ExitStack() as stack:
        sandboxes = []
        for number in range(accounts):
            home = workdir / f"sandbox-{number:02d}"
            home.mkdir()
            sandbox = stack.enter_context(SandboxProcess.start(home, seed=schedules))
            sandboxes.append(sandbox)
        root = workdir / "repo"
        root.mkdir()
        env = _repository(root, sandboxes)
        for sandbox in sandboxes:
            sandbox.set_faults(latency_ms=latency_ms)
        served_before = sum(s.cpu_s() for s in sandboxes)
        every = _measure(["plan", "--all-accounts"], root, env)
        served = sum(s.cpu_s() for s in sandboxes) - served_before
        singles = [
            _measure(["plan", "--account", f"account-{n:02d}"], root, env) for n in range(accounts)
        ]
        serial = _measure(["plan", "--all-accounts", "--accounts-at-once", "1"], root, env)
    slowest = max(singles, key=lambda r: r.wall_s)
    bound = max(slowest.wall_s, every.cpu_s)
    return {
        "accounts": accounts,
        "schedules_per_account": schedules,
        "latency_ms": latency_ms,
        "all_accounts": asdict(every),
        "sandboxes_cpu_s_during_all": round(served, 2),
        "slowest_single": asdict(slowest),
        "singles_cpu_sum_s": round(sum(r.cpu_s for r in singles), 2),
        "serial": asdict(serial),
        "wall_over_bound": round(every.wall_s / bound, 2),
        "target_met": every.wall_s <= 1.3 * bound and every.peak_rss_mb <= 250,
    }


def main(argv: Sequence[str] | None = None) -> int:
    """Run the benchmark and print its figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--accounts", type=int, default=20)
    parser.add_argument("--schedules", type=int, default=500)
    parser.add_argument("--latency-ms", type=int, default=50)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="bench-accounts-") as tmp:
        figures = measure(args.accounts, args.schedules, args.latency_ms, Path(tmp))
    if args.json:
        sys.stdout.write(json.dumps(figures, indent=2) + "\n")
    else:
        for name, value in figures.items():
            sys.stdout.write(f"{name:<28} {value}\n")
    return 0 if figures["target_met"] else 1


if __name__ == "__main__":
    sys.exit(main())
