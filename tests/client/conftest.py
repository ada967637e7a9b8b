"""Fixtures of the client tests: asyncio for async tests, stamina's no-wait mode."""

from __future__ import annotations

import pytest


@pytest.fixture
def anyio_backend() -> str:
    """Run the async tests on asyncio, the loop the CLI uses."""
    return "asyncio"
