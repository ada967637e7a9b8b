"""Shared fixtures."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from contextlib import ExitStack
from typing import Any

import pytest
from hypothesis import HealthCheck, settings

from reconciler.sandbox import SandboxConfig
from reconciler.sandbox.clock import SandboxClock
from tests.support import golden as golden_files
from tests.support.sandbox_server import MakeSandbox, RunningSandbox, SandboxPool

# Hypothesis times each example (200 ms deadline) and its data generation (too_slow): both race
# the wall clock, and a loaded 2-core CI runner loses. Property tests here assert behaviour,
# never speed (benchmarks/ measures that), so neither check applies. Under CI the examples are
# derived from each test's name, so a run is repeatable; locally they stay random to explore.
settings.register_profile(
    "reconciler",
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
    derandomize=bool(os.environ.get("CI")),
)
settings.load_profile("reconciler")


@pytest.fixture(scope="session")
def sandbox_pool() -> Iterator[SandboxPool]:
    """Sandbox servers kept up for the session; each test mounts a fresh app on one."""
    pool = SandboxPool()
    yield pool
    pool.close()


@pytest.fixture
def sandbox(sandbox_pool: SandboxPool) -> Iterator[RunningSandbox]:
    """A sandbox server with the default config and an empty in-memory account."""
    with sandbox_pool.sandbox() as running:
        yield running


@pytest.fixture
def make_sandbox(sandbox_pool: SandboxPool) -> Iterator[MakeSandbox]:
    """A factory for sandbox servers with a custom config or faults; all stop at teardown."""
    with ExitStack() as stack:

        def make(
            config: SandboxConfig | None = None,
            *,
            clock: SandboxClock | None = None,
            **overrides: Any,
        ) -> RunningSandbox:
            return stack.enter_context(sandbox_pool.sandbox(config, clock=clock, **overrides))

        yield make


@pytest.fixture
def golden() -> Callable[[str, str], None]:
    """``golden(name, actual)``: compare with ``tests/golden/<name>`` (see tests/support/golden)."""
    return golden_files.check_golden


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """List the golden files UPDATE_GOLDEN=1 rewrote, so each rewrite gets reviewed."""
    if golden_files.rewritten:
        terminalreporter.section("golden files rewritten (review with git diff tests/golden/)")
        for name in sorted(golden_files.rewritten):
            terminalreporter.write_line(f"tests/golden/{name}")


# ---- TrackDrive contract suite: `pytest --live` runs tests/live/ against a real account ----


def pytest_addoption(parser: pytest.Parser) -> None:
    """``--live``: also run the tests marked ``live`` (they need the TRACKDRIVE_* variables)."""
    parser.addoption(
        "--live",
        action="store_true",
        default=False,
        help="run the contract tests against the real TrackDrive account named by "
        "TRACKDRIVE_SUBDOMAIN or TRACKDRIVE_API_URL, with TRACKDRIVE_PUBLIC_KEY and "
        "TRACKDRIVE_PRIVATE_KEY (they create and delete one paused throwaway schedule)",
    )


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Skip the tests marked ``live`` unless ``--live`` was given."""
    if config.getoption("--live"):
        return
    skip = pytest.mark.skip(reason="contract test against a real TrackDrive account: pass --live")
    for item in items:
        if item.get_closest_marker("live") is not None:
            item.add_marker(skip)


# ---- end of the TrackDrive contract suite block ----
