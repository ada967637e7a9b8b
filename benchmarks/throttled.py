"""The throttled benchmark: a plan and an apply against a rate limit the client is not told.

A sandbox of its own (``reconciler sandbox serve``, 2,000 generated schedules) answers 429 with
Retry-After past ``server_rps`` requests a second. The client runs with default settings (no
``max_rps``): it has to find the limit. Two measurements, one after the other:

- **plan**: ``list_schedules`` + ``build_plan`` of 2,000 specs (1% drifted);
- **apply**: 200 updates through ``apply_plan`` on a fresh client, as ``reconciler apply``.

Figures: ``requests`` the sandbox received (429s included), ``throttled`` how many it answered
429, ``wall_s`` both measurements' wall time, and ``limit_s`` = the requests it answered
(``requests - throttled``) / ``server_rps``: the least time the server's limit allows for the
work done. Target: both complete with no failed request and ``wall_s <= 1.3 x limit_s``.
"""

from __future__ import annotations

import asyncio
import logging
import time
from pathlib import Path
from typing import Final

from benchmarks.live_specs import account, fetch_live, prepare_plan_specs, write_specs
from benchmarks.sandbox_process import SandboxProcess
from reconciler.apply import apply_plan
from reconciler.live import LiveSchedule
from reconciler.loader import find_config, load_config, load_specs
from reconciler.plan import Plan, build_plan
from reconciler.spec import ReconcilerConfig
from reconciler.trackdrive import ClientStats, TrackDriveClient, build_http_client

__all__ = ["APPLY_N", "SERVER_RPS", "N", "measure_throttled"]

N: Final = 2_000
APPLY_N: Final = 200
SERVER_RPS: Final = 5.0


async def _list(base_url: str) -> tuple[list[LiveSchedule], ClientStats]:
    async with build_http_client(account(base_url)) as http:
        client = TrackDriveClient(http)  # default settings: the limit is not given
        live = await client.list_schedules()
        return live, client.stats


def _plan(sandbox: SandboxProcess, specs: Path) -> tuple[float, float, ClientStats]:
    loaded = load_specs(specs)
    settings = load_config(find_config(specs))
    started = time.perf_counter()
    cpu = time.process_time()
    live, stats = asyncio.run(_list(sandbox.base_url))
    plan = build_plan(list(loaded.specs), live, settings)
    wall = time.perf_counter() - started
    if len(live) != N or not plan.changes:
        raise RuntimeError(f"throttled plan: read {len(live)} of {N}, {len(plan.changes)} changes")
    return wall, time.process_time() - cpu, stats


async def _apply_plan(base_url: str, plan: Plan) -> int:
    async with build_http_client(account(base_url)) as http:
        client = TrackDriveClient(http)  # default settings: the limit is not given
        report = await apply_plan(plan, client)
    if not report.ok:
        failed = [r for r in report.results if r.outcome != "applied"][:3]
        raise RuntimeError(
            "throttled apply: not applied: "
            + "; ".join(f"{r.change.name}: {r.detail}" for r in failed)
        )
    return report.count("applied")


def measure_throttled(workdir: Path) -> tuple[dict[str, float | int], dict[str, float]]:
    """Run the throttled plan and apply on a sandbox of their own; figures and side notes."""
    # Retries are counted in the figures; stamina's log line for each is not news here.
    logging.getLogger("stamina").setLevel(logging.ERROR)
    with SandboxProcess.start(workdir, seed=N) as sandbox:
        specs = workdir / "throttled.d"
        prepare_plan_specs(sandbox.base_url, specs, files=20, drift_every=100)
        sandbox.set_faults(rate_limit_rps=SERVER_RPS)
        sandbox.reset_stats()
        plan_wall, plan_cpu, _ = _plan(sandbox, specs)
        plan_stats = sandbox.stats()
        # The apply's preparation (a listing to write its specs) is not measured or limited.
        sandbox.set_faults(rate_limit_rps=None)
        live_before = asyncio.run(fetch_live(sandbox.base_url))
        sandbox.set_faults(rate_limit_rps=SERVER_RPS)
        every = max(1, len(live_before) // APPLY_N)
        specs_apply = workdir / "throttled-apply.d"
        write_specs(live_before[: every * APPLY_N], specs_apply, files=10, drift_every=every)
        plan = build_plan(list(load_specs(specs_apply).specs), live_before, ReconcilerConfig())
        sandbox.reset_stats()
        started = time.perf_counter()
        applied = asyncio.run(_apply_plan(sandbox.base_url, plan))
        apply_wall = time.perf_counter() - started
        apply_stats = sandbox.stats()
        sandbox.set_faults(rate_limit_rps=None)
    if applied != APPLY_N:
        raise RuntimeError(f"throttled apply: {applied} of {APPLY_N} applied")
    requests = int(plan_stats["total"]) + int(apply_stats["total"])
    throttled = int(plan_stats["throttled"]) + int(apply_stats["throttled"])
    plan_answered = int(plan_stats["total"]) - int(plan_stats["throttled"])
    apply_answered = int(apply_stats["total"]) - int(apply_stats["throttled"])
    figures: dict[str, float | int] = {
        "n": N,
        "server_rps": SERVER_RPS,
        "requests": requests,
        "throttled": throttled,
        "wall_s": plan_wall + apply_wall,
        "limit_s": (requests - throttled) / SERVER_RPS,
    }
    notes = {
        "plan_wall_s": plan_wall,
        "plan_limit_s": plan_answered / SERVER_RPS,
        "plan_cpu_s": plan_cpu,
        "plan_throttled": float(plan_stats["throttled"]),
        "apply_n": float(APPLY_N),
        "apply_wall_s": apply_wall,
        "apply_limit_s": apply_answered / SERVER_RPS,
        "apply_throttled": float(apply_stats["throttled"]),
    }
    return figures, notes
