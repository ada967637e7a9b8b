"""Reading a long listing shows progress: a line every tenth of the pages outside a terminal."""

from __future__ import annotations

import asyncio
import io
from pathlib import Path

import pytest
from rich.console import Console

from reconciler.cli import main
from reconciler.cli.progress import PageProgress
from tests.client.helpers import connect
from tests.support.sandbox_server import MakeSandbox


def _plain() -> tuple[Console, io.StringIO]:
    out = io.StringIO()
    return Console(file=out, force_terminal=False, width=100, highlight=False), out


def test_a_counted_listing_prints_a_line_every_tenth_of_its_pages() -> None:
    """40 pages: a line at 4, 8, … 40; no line per page."""
    console, out = _plain()
    progress = PageProgress(console, prefix="[acme] ")
    for done in range(1, 41):
        progress(done, 40)
    progress.close()
    assert out.getvalue().splitlines() == [
        f"[acme] Reading schedules {n}/40 pages" for n in range(4, 41, 4)
    ]


def test_a_short_listing_prints_no_progress() -> None:
    """Two pages are read before a progress line could help: nothing is printed."""
    console, out = _plain()
    progress = PageProgress(console)
    progress(1, 2)
    progress(2, 2)
    progress.close()
    assert out.getvalue() == ""


def test_an_uncounted_listing_prints_a_line_every_hundred_pages() -> None:
    """Without a page count (a bare-array answer) the line says pages read so far."""
    console, out = _plain()
    progress = PageProgress(console)
    for done in range(1, 251):
        progress(done, None)
    assert out.getvalue().splitlines() == [
        "Reading schedules 100 pages",
        "Reading schedules 200 pages",
    ]


def test_the_client_reports_each_page_it_reads(make_sandbox: MakeSandbox) -> None:
    """260 schedules in pages of 25: on_page hears 1..11 of 11, in order of completion."""
    sandbox = make_sandbox(seed="260", ignore_per_page=True)
    heard: list[tuple[int, int | None]] = []

    async def read() -> int:
        async with connect(sandbox) as client:
            return len(await client.list_schedules(on_page=lambda d, t: heard.append((d, t))))

    assert asyncio.run(read()) == 260
    assert heard == [(n, 11) for n in range(1, 12)]


def test_plan_shows_the_demo_listing_without_progress_lines(
    specs_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The demo account is one page: stderr says where it read from and what, nothing more."""
    db = str(tmp_path / "demo.db")
    assert main(["plan", "--specs", str(specs_dir), "--sandbox", "--sandbox-db", db]) == 0
    err = capsys.readouterr().err.splitlines()
    assert err[0] == f"Reading live schedules from local sandbox ({db}) …"
    assert err[1].startswith("Read 39 schedules in 1 request (")
    assert len(err) == 2
