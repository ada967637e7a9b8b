"""Spec files written from an account's live schedules, with a chosen share of them drifted.

``write_specs(live, directory, files=, drift_every=)`` writes one spec per live schedule over
``files`` YAML files, in the format ``reconciler import`` writes; every ``drift_every``-th
schedule has ``paused`` flipped, so a plan holds exactly that many updates.

``prepare_plan_specs(base_url, directory, ...)`` reads the sandbox's schedules and writes them
so. ``benchmarks/run.py`` runs it in a separate process (``python -m benchmarks.live_specs
--url URL --out DIR``, which prints the ``PlanSetup`` as JSON) so that the listing it needs does
not count towards the peak memory measured for ``plan``.
"""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import json
import math
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

from benchmarks.sandbox_process import PRIVATE_KEY, PUBLIC_KEY
from reconciler.export import entry_lines, file_header
from reconciler.live import LiveSchedule
from reconciler.trackdrive import Account, TrackDriveClient, build_http_client
from reconciler.trackdrive.assumptions import PER_PAGE_PARAM, PER_PAGE_REQUESTED, SCHEDULES_PATH

__all__ = ["PlanSetup", "drifted", "fetch_live", "main", "prepare_plan_specs", "write_specs"]


@dataclass(frozen=True, slots=True)
class PlanSetup:
    """What the plan benchmark needs to know about the account and the specs written."""

    ids: tuple[int, ...]
    page_size: int
    total_pages: int
    drifted: int

    def to_json(self) -> str:
        """The setup as one JSON object."""
        return json.dumps(dataclasses.asdict(self))

    @classmethod
    def from_json(cls, text: str) -> PlanSetup:
        """The setup ``to_json`` wrote."""
        data = json.loads(text)
        return cls(
            ids=tuple(int(i) for i in data["ids"]),
            page_size=int(data["page_size"]),
            total_pages=int(data["total_pages"]),
            drifted=int(data["drifted"]),
        )


def account(base_url: str) -> Account:
    """The sandbox's account at ``base_url`` with its well-known keys."""
    return Account(base_url=base_url, public_key=PUBLIC_KEY, private_key=PRIVATE_KEY)


async def fetch_live(base_url: str, *, concurrency: int = 8) -> list[LiveSchedule]:
    """Every schedule on the sandbox, through the reconciler's client."""
    async with build_http_client(account(base_url)) as http:
        client = TrackDriveClient(http, concurrency=concurrency)
        return await client.list_schedules()


def drifted(record: LiveSchedule) -> LiveSchedule:
    """``record`` with ``paused`` flipped: what a spec that differs from the account holds."""
    return dataclasses.replace(
        record, fields={**record.fields, "paused": not record.fields.get("paused")}
    )


def write_specs(
    live: Sequence[LiveSchedule], directory: Path, *, files: int, drift_every: int
) -> int:
    """One spec per record over ``files`` files, every ``drift_every``-th drifted; how many were.

    Names are matched, not ids (the generated names are unique), as a team's specs would be.
    """
    directory.mkdir(parents=True, exist_ok=True)
    files = max(1, min(files, len(live))) if live else 1
    count = 0
    for number in range(files):
        chunk = live[number * len(live) // files : (number + 1) * len(live) // files]
        lines = [*file_header(f"Benchmark specs: file {number + 1} of {files}."), "schedules:"]
        for index, record in enumerate(chunk, start=number * len(live) // files):
            if drift_every and index % drift_every == drift_every - 1:
                record = drifted(record)  # noqa: PLW2901 - the entry to write instead
                count += 1
            lines.extend(entry_lines(record, pin=False))
        if not chunk:
            lines[-1] = "schedules: []"
        path = directory / f"campaigns-{number:03d}.yaml"
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return count


def _first_page(base_url: str) -> dict[str, Any]:
    with httpx.Client(
        base_url=base_url, auth=(PUBLIC_KEY, PRIVATE_KEY), timeout=30.0, verify=False
    ) as http:
        response = http.get(SCHEDULES_PATH, params={"page": 1, PER_PAGE_PARAM: PER_PAGE_REQUESTED})
        response.raise_for_status()
        body: dict[str, Any] = response.json()
        return body


def prepare_plan_specs(
    base_url: str, directory: Path, *, files: int, drift_every: int
) -> PlanSetup:
    """Read the sandbox's schedules, write drifted specs of them, and say how it pages."""
    live = asyncio.run(fetch_live(base_url))
    first = _first_page(base_url)
    total_pages = int(first["metadata"]["total_pages"])
    served = len(first["schedules"])
    # A single page holds everything: the page size is then at least the record count.
    page_size = served if total_pages > 1 else max(served, 1)
    drift = write_specs(live, directory, files=files, drift_every=drift_every)
    if total_pages != math.ceil(len(live) / page_size):
        raise RuntimeError(f"{len(live)} records on {total_pages} pages of {page_size}?")
    return PlanSetup(
        ids=tuple(r.id for r in live),
        page_size=page_size,
        total_pages=total_pages,
        drifted=drift,
    )


def main(argv: Sequence[str] | None = None) -> int:
    """Write the plan benchmark's specs from a sandbox; print the ``PlanSetup`` as JSON."""
    parser = argparse.ArgumentParser(description="Write drifted specs from a sandbox's schedules.")
    parser.add_argument("--url", required=True, help="the sandbox, e.g. http://127.0.0.1:8787")
    parser.add_argument("--out", required=True, type=Path, help="the specs directory to write")
    parser.add_argument("--files", type=int, default=100, help="spec files (default 100)")
    parser.add_argument("--drift-every", type=int, default=100, help="drift every k-th spec")
    args = parser.parse_args(argv)
    setup = prepare_plan_specs(args.url, args.out, files=args.files, drift_every=args.drift_every)
    print(setup.to_json())
    return 0


if __name__ == "__main__":
    sys.exit(main())
