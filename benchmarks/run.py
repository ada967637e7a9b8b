"""Scale figures, side by side in one run: plan vs its paging limit and a per-record baseline,
validate vs a bare libyaml parse, apply vs the rate limit.

Run ``python benchmarks/run.py [--quick] [--json]`` (or ``python -m benchmarks.run``) from the
repository root. It starts the sandbox in its own process (``reconciler sandbox serve`` on a
free 127.0.0.1 port, a temporary database seeded with N generated schedules) and stops it at
the end, whatever happens. Then:

- **plan**: N specs (1% of them drifted) in 100 files against N live schedules, 50 ms of
  sandbox latency per request. The real plan path in this process, as ``reconciler plan``
  runs it: ``load_specs``, ``TrackDriveClient.list_schedules`` (concurrency 8),
  ``build_plan``; best of three. ``requests`` are counted by the sandbox, ``cpu_s`` is this
  process's CPU time and ``peak_rss_mb`` its peak resident memory (measured first, before
  anything else in this process has held N records). ``paging_limit_s`` = ceil(N / page) /
  concurrency x latency, with the page size the sandbox serves. The **baseline** does the same
  but reads each schedule with its own ``GET /api/v1/schedules/:id`` (ids known beforehand, as a
  Terraform state holds them), at the same concurrency: a Terraform provider's refresh.
- **validate**: ``benchmarks.bench_validate.run``: N specs in 100 files, ``load_specs`` against
  a bare C-libyaml parse of the same files.
- **apply**: 1,000 updates (200 with ``--quick``) through ``apply_plan`` and the client
  (concurrency 8, ``max_rps`` 20) against a sandbox rate limit of 20 requests a second
  (still 50 ms latency). ``limit_s`` = updates / 20; ``throttled`` = 429s the sandbox sent.
- **throttled**: ``benchmarks.throttled``: a plan of 2,000 and an apply of 200 updates, with
  default client settings, against a sandbox of its own limited to 5 requests a second that
  the client is not told about. ``limit_s`` = answered requests / 5. ``--throttled-only``
  runs just this one.

N is 10,000 (2,000 with ``--quick``, which finishes in under a minute on 2 cores). A table is
printed, then the targets met or missed; with ``--json`` stdout holds one JSON object with the
figures only (progress and targets go to stderr). Rows marked ``*`` in the table are notes, not
figures of the issue: the page size, the listing's latency floor (page 1 must return before the
others can be asked for: (1 + ceil((pages - 1) / concurrency)) x latency), the drifted count,
and the CPU time the sandbox process spent serving each measurement.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import math
import os
import platform
import resource
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from types import FrameType

if __package__ in (None, ""):  # run as a script: make `benchmarks` and `reconciler` importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks import bench_validate
from benchmarks.live_specs import (
    PlanSetup,
    account,
    fetch_live,
    write_specs,
)
from benchmarks.sandbox_process import SandboxProcess
from benchmarks.throttled import measure_throttled
from reconciler.apply import ApplyReport, apply_plan
from reconciler.live import LiveSchedule
from reconciler.loader import find_config, load_config, load_specs
from reconciler.plan import Plan, build_plan
from reconciler.spec import ReconcilerConfig
from reconciler.trackdrive import TrackDriveClient, build_http_client

__all__ = ["Settings", "main", "measure"]

PLAN_REPEAT = 3
FILES = 100
DRIFT_EVERY = 100  # 1% of the specs differ from the account
_REPO = Path(__file__).resolve().parent.parent


@dataclass(frozen=True, slots=True)
class Settings:
    """What one run measures."""

    n: int = 10_000
    apply_n: int = 1_000
    latency_ms: int = 50
    concurrency: int = 8
    rate_limit_rps: float = 20.0
    max_rps: float = 20.0

    @classmethod
    def quick(cls) -> Settings:
        """The ``--quick`` run: fewer schedules and updates, same latency and limits."""
        return cls(n=2_000, apply_n=200)


Figures = dict[str, dict[str, float | int]]


def _log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def _peak_rss_mb() -> float:
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    # Linux reports KiB, macOS bytes.
    return peak / (1024 * 1024) if sys.platform == "darwin" else peak / 1024


# -- plan ----------------------------------------------------------------------------------


def _plan_path(base_url: str, specs: Path, concurrency: int) -> Plan:
    """What ``reconciler plan`` does before rendering: load, list, diff."""
    loaded = load_specs(specs)
    settings = load_config(find_config(specs))

    async def read_live() -> list[LiveSchedule]:
        async with build_http_client(account(base_url)) as http:
            client = TrackDriveClient(http, concurrency=concurrency)
            return await client.list_schedules()

    live = asyncio.run(read_live())
    return build_plan(list(loaded.specs), live, settings)


def _baseline_path(base_url: str, specs: Path, ids: Sequence[int], concurrency: int) -> Plan:
    """The same plan with every schedule refreshed by its own GET, as Terraform providers do."""
    loaded = load_specs(specs)
    settings = load_config(find_config(specs))

    async def read_each() -> list[LiveSchedule]:
        async with build_http_client(account(base_url)) as http:
            client = TrackDriveClient(http, concurrency=concurrency)
            return list(await asyncio.gather(*(client.get_schedule(i) for i in ids)))

    live = asyncio.run(read_each())
    return build_plan(list(loaded.specs), live, settings)


def _check_plan(plan: Plan, setup: PlanSetup, what: str) -> None:
    updates = sum(1 for c in plan.changes if c.action == "update")
    if updates != setup.drifted or len(plan.changes) != setup.drifted:
        raise RuntimeError(
            f"{what}: expected {setup.drifted} updates, got {len(plan.changes)} changes"
        )


def _measure_plan(
    sandbox: SandboxProcess, specs: Path, setup: PlanSetup, settings: Settings
) -> tuple[dict[str, float | int], dict[str, float]]:
    n = len(setup.ids)
    walls: list[tuple[float, float]] = []
    requests = 0
    server_cpu = 0.0
    for _ in range(PLAN_REPEAT):
        sandbox.reset_stats()
        cpu_before, server_before = time.process_time(), sandbox.cpu_s()
        started = time.perf_counter()
        plan = _plan_path(sandbox.base_url, specs, settings.concurrency)
        wall = time.perf_counter() - started
        cpu = time.process_time() - cpu_before
        server_cpu = sandbox.cpu_s() - server_before
        requests = int(sandbox.stats()["total"])
        _check_plan(plan, setup, "plan")
        walls.append((wall, cpu))
        _log(f"  plan: {wall:.3f} s wall, {cpu:.3f} s CPU, {requests} requests")
    peak = _peak_rss_mb()  # before the baseline or anything else has held N records here
    wall, cpu = min(walls)
    paging_limit = math.ceil(n / setup.page_size) / settings.concurrency
    paging_limit *= settings.latency_ms / 1000

    _log(f"  baseline: {n} GETs at concurrency {settings.concurrency} …")
    sandbox.reset_stats()
    baseline_server = sandbox.cpu_s()
    started = time.perf_counter()
    baseline = _baseline_path(sandbox.base_url, specs, setup.ids, settings.concurrency)
    baseline_wall = time.perf_counter() - started
    baseline_server = sandbox.cpu_s() - baseline_server
    baseline_requests = int(sandbox.stats()["total"])
    _check_plan(baseline, setup, "baseline")
    _log(f"  baseline: {baseline_wall:.3f} s wall, {baseline_requests} requests")
    figures: dict[str, float | int] = {
        "n": n,
        "requests": requests,
        "wall_s": wall,
        "cpu_s": cpu,
        "peak_rss_mb": peak,
        "paging_limit_s": paging_limit,
        "baseline_requests": baseline_requests,
        "baseline_wall_s": baseline_wall,
    }
    # Page 1 has to come back before the others can be asked for (its metadata has the count),
    # so the listing cannot take fewer than 1 + ceil((pages - 1) / concurrency) round trips.
    pages = math.ceil(n / setup.page_size)
    floor = (1 + math.ceil((pages - 1) / settings.concurrency)) * settings.latency_ms / 1000
    extra = {
        "page_size": float(setup.page_size),
        "paging_floor_s": floor,
        "drifted": float(setup.drifted),
        "server_cpu_s": server_cpu,
        "baseline_server_cpu_s": baseline_server,
    }
    return figures, extra


# -- apply ---------------------------------------------------------------------------------


async def _apply(base_url: str, plan: Plan, settings: Settings) -> ApplyReport:
    async with build_http_client(account(base_url)) as http:
        client = TrackDriveClient(http, concurrency=settings.concurrency, max_rps=settings.max_rps)
        return await apply_plan(plan, client, concurrency=settings.concurrency)


def _measure_apply(
    sandbox: SandboxProcess, workdir: Path, settings: Settings
) -> tuple[dict[str, float | int], dict[str, float]]:
    live = asyncio.run(fetch_live(sandbox.base_url))
    every = max(1, len(live) // settings.apply_n)
    specs = workdir / "apply.d"
    write_specs(live[: every * settings.apply_n], specs, files=FILES, drift_every=every)
    # Specs for the first apply_n x every schedules; the rest are simply not managed.
    plan = build_plan(list(load_specs(specs).specs), live, ReconcilerConfig())
    updates = [c for c in plan.changes if c.action == "update"]
    if len(updates) != settings.apply_n or len(plan.changes) != settings.apply_n:
        raise RuntimeError(f"apply: expected {settings.apply_n} updates, got {len(plan.changes)}")
    sandbox.set_faults(rate_limit_rps=settings.rate_limit_rps)
    sandbox.reset_stats()
    server_before = sandbox.cpu_s()
    started = time.perf_counter()
    report = asyncio.run(_apply(sandbox.base_url, plan, settings))
    wall = time.perf_counter() - started
    server_cpu = sandbox.cpu_s() - server_before
    stats = sandbox.stats()
    sandbox.set_faults(rate_limit_rps=None)
    if not report.ok:
        failed = [r for r in report.results if r.outcome != "applied"][:3]
        raise RuntimeError(
            f"apply: {len(report.results) - report.count('applied')} not applied: "
            + "; ".join(f"{r.change.name}: {r.detail}" for r in failed)
        )
    figures: dict[str, float | int] = {
        "n": settings.apply_n,
        "requests": int(stats["total"]),
        "wall_s": wall,
        "limit_s": settings.apply_n / settings.rate_limit_rps,
        "throttled": int(stats["throttled"]),
    }
    return figures, {"server_cpu_s": server_cpu}


# -- the run ---------------------------------------------------------------------------------


def _prepare_plan_specs(base_url: str, specs: Path) -> PlanSetup:
    """Write the plan's specs in another process: holding the listing must not count here."""
    command = [
        sys.executable,
        "-m",
        "benchmarks.live_specs",
        "--url",
        base_url,
        "--out",
        str(specs),
        "--files",
        str(FILES),
        "--drift-every",
        str(DRIFT_EVERY),
    ]
    done = subprocess.run(command, cwd=_REPO, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"writing the specs failed:\n{done.stderr[-2000:]}")
    return PlanSetup.from_json(done.stdout)


def measure(settings: Settings, workdir: Path) -> tuple[Figures, dict[str, dict[str, float]]]:
    """Start the sandbox, run the three benchmarks, stop it; the figures and side notes."""
    _log(f"Starting the sandbox with {settings.n} schedules …")
    with SandboxProcess.start(workdir, seed=settings.n) as sandbox:
        _log(f"  up on {sandbox.base_url}; writing {settings.n} specs (1% drifted) …")
        specs = workdir / "schedules.d"
        setup = _prepare_plan_specs(sandbox.base_url, specs)
        sandbox.set_faults(latency_ms=settings.latency_ms)
        _log(f"plan: {settings.n} schedules, {settings.latency_ms} ms latency …")
        plan, plan_extra = _measure_plan(sandbox, specs, setup, settings)
        _log(f"validate: {settings.n} specs in {FILES} files …")
        validate: dict[str, float | int] = dict(bench_validate.run(settings.n, FILES))
        validate["n"] = int(validate["n"])
        _log(f"apply: {settings.apply_n} updates at {settings.rate_limit_rps:g} rps …")
        applied, apply_extra = _measure_apply(sandbox, workdir, settings)
    throttled, throttled_extra = _throttled(workdir)
    figures: Figures = {
        "plan": plan,
        "validate": validate,
        "apply": applied,
        "throttled": throttled,
    }
    return figures, {"plan": plan_extra, "apply": apply_extra, "throttled": throttled_extra}


def _throttled(workdir: Path) -> tuple[dict[str, float | int], dict[str, float]]:
    _log("throttled: plan of 2,000 and apply of 200 against an untold 5 rps limit …")
    directory = workdir / "throttled"
    directory.mkdir()
    figures, notes = measure_throttled(directory)
    _log(
        f"  throttled: {figures['wall_s']:.2f} s wall vs {figures['limit_s']:.2f} s limit, "
        f"{figures['throttled']} of {figures['requests']} requests answered 429"
    )
    return figures, notes


@dataclass(frozen=True, slots=True)
class Target:
    """One target: what it says, whether it was met, and the figures behind it."""

    what: str
    met: bool
    detail: str


def _throttled_target(throttled: dict[str, float | int]) -> Target:
    bound = 1.3 * throttled["limit_s"]
    return Target(
        "throttled: no failed request, wall <= 1.3 x the server's limit",
        throttled["wall_s"] <= bound,
        f"{throttled['wall_s']:.2f} s vs 1.3 x {throttled['limit_s']:.2f} = {bound:.2f} s "
        f"({throttled['throttled']} of {throttled['requests']} answered 429, none failed)",
    )


def targets(figures: Figures) -> list[Target]:
    """The issue's targets, judged on ``figures``."""
    if set(figures) == {"throttled"}:
        return [_throttled_target(figures["throttled"])]
    plan, validate, applied = figures["plan"], figures["validate"], figures["apply"]
    request_ratio = plan["baseline_requests"] / max(1, plan["requests"])
    wall_ratio = plan["baseline_wall_s"] / plan["wall_s"]
    paging_bound = 1.2 * plan["paging_limit_s"] + plan["cpu_s"]
    validate_ratio = validate["wall_s"] / validate["libyaml_parse_s"]
    apply_bound = 1.1 * applied["limit_s"]
    throttled_share = applied["throttled"] / max(1, applied["requests"])
    rss_note = "" if plan["n"] >= 10_000 else f" (the target is for 10,000; this is {plan['n']})"
    return [
        Target(
            "plan: >= 20x fewer requests than the baseline",
            request_ratio >= 20,
            f"{plan['baseline_requests']} / {plan['requests']} = {request_ratio:.1f}x",
        ),
        Target(
            "plan: >= 10x less wall time than the baseline",
            wall_ratio >= 10,
            f"{plan['baseline_wall_s']:.2f} s / {plan['wall_s']:.2f} s = {wall_ratio:.1f}x",
        ),
        Target(
            "plan: wall <= 1.2 x paging limit + CPU",
            plan["wall_s"] <= paging_bound,
            f"{plan['wall_s']:.3f} s vs 1.2 x {plan['paging_limit_s']:.3f} + "
            f"{plan['cpu_s']:.3f} = {paging_bound:.3f} s",
        ),
        Target(
            "plan: peak RSS <= 150 MB",
            plan["peak_rss_mb"] <= 150,
            f"{plan['peak_rss_mb']:.1f} MB{rss_note}",
        ),
        Target(
            "validate: <= 2x the libyaml parse",
            validate_ratio <= 2,
            f"{validate['wall_s']:.3f} s / {validate['libyaml_parse_s']:.3f} s = "
            f"{validate_ratio:.2f}x",
        ),
        Target(
            "apply: wall <= 1.1 x the rate-limit bound",
            applied["wall_s"] <= apply_bound,
            f"{applied['wall_s']:.2f} s vs 1.1 x {applied['limit_s']:.1f} = {apply_bound:.1f} s",
        ),
        Target(
            "apply: < 1% of requests answered 429",
            throttled_share < 0.01,
            f"{applied['throttled']} of {applied['requests']} = {100 * throttled_share:.2f}%",
        ),
        *([_throttled_target(figures["throttled"])] if "throttled" in figures else []),
    ]


def _number(value: float | int) -> str:
    return str(value) if isinstance(value, int) else f"{value:.3f}"


def table(figures: Figures, notes: dict[str, dict[str, float]]) -> str:
    """The figures (and side notes, marked *) as an aligned table."""
    rows: list[tuple[str, str, str]] = []
    for section, values in figures.items():
        rows.extend((section, key, _number(value)) for key, value in values.items())
        rows.extend(
            (section, f"*{key}", _number(int(value) if value.is_integer() else value))
            for key, value in notes.get(section, {}).items()
        )
    widths = [max(len(row[i]) for row in rows) for i in range(2)]
    lines = [f"{s:<{widths[0]}}  {k:<{widths[1]}}  {v}" for s, k, v in rows]
    return "\n".join(lines)


def _rounded(figures: Figures) -> dict[str, dict[str, float | int]]:
    return {
        section: {k: v if isinstance(v, int) else round(v, 3) for k, v in values.items()}
        for section, values in figures.items()
    }


def _terminated(signum: int, frame: FrameType | None) -> None:
    # Treated as Ctrl-C: unwinds through the `with`s, so the sandbox is stopped.
    raise KeyboardInterrupt


def _machine() -> str:
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    return (
        f"{platform.machine()}, {os.cpu_count()} CPUs, Python {platform.python_version()}, "
        f"load average {load}"
    )


def main(argv: Sequence[str] | None = None) -> int:
    """Parse the options, measure, print the table (or JSON) and the targets."""
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument(
        "--quick", action="store_true", help="2,000 schedules and 200 updates (under a minute)"
    )
    parser.add_argument("--json", action="store_true", help="print one JSON object of figures")
    parser.add_argument(
        "--throttled-only", action="store_true", help="only the throttled plan and apply"
    )
    args = parser.parse_args(argv)
    settings = Settings.quick() if args.quick else Settings()
    signal.signal(signal.SIGTERM, _terminated)
    _log(f"machine: {_machine()}")
    started = time.perf_counter()
    try:
        with tempfile.TemporaryDirectory(prefix="reconciler-bench-") as tmp:
            if args.throttled_only:
                throttled, throttled_notes = _throttled(Path(tmp))
                figures, notes = {"throttled": throttled}, {"throttled": throttled_notes}
            else:
                figures, notes = measure(settings, Path(tmp))
    except KeyboardInterrupt:
        _log("interrupted: the sandbox was stopped")
        return 130
    _log(f"machine: {_machine()}")
    _log(f"total: {time.perf_counter() - started:.1f} s")
    results = targets(figures)
    report = "\n".join(f"{'met   ' if t.met else 'MISSED'}  {t.what}: {t.detail}" for t in results)
    if args.json:
        print(json.dumps(_rounded(figures)))
        _log(report)
    else:
        print(table(figures, notes))
        print()
        print(report)
    return 0


if __name__ == "__main__":
    sys.exit(main())
