"""Storage and seed data: a database file survives restarts; demo and N seeds are believable."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from reconciler.sandbox import SandboxConfig
from tests.support.sandbox_server import MakeSandbox, RunningSandbox, running_sandbox


def all_records(sandbox: RunningSandbox) -> list[dict[str, Any]]:
    with sandbox.client() as client:
        body = client.get("/api/v1/schedules", params={"per_page": 100}).json()
    records: list[dict[str, Any]] = body["schedules"]
    return records


def test_a_database_file_survives_a_restart(tmp_path: Path) -> None:
    """Schedules written to a db file are there after the server restarts; ids keep counting."""
    db_path = str(tmp_path / "nested" / "sandbox.sqlite3")
    with running_sandbox(db_path=db_path) as first:
        (created,) = first.seed_schedules([{"name": "Kept", "sortable_order": "2.5"}])
    with running_sandbox(db_path=db_path) as second:
        (kept,) = all_records(second)
        (newer,) = second.seed_schedules([{"name": "Newer"}])
    assert kept == created
    assert newer["id"] > created["id"]


def test_an_in_memory_database_starts_empty(sandbox: RunningSandbox) -> None:
    """The default :memory: database holds nothing at start."""
    assert all_records(sandbox) == []


def test_the_demo_seed_is_a_believable_account(make_sandbox: MakeSandbox) -> None:
    """seed=demo gives ~40 schedules over several offers, some paused, one router."""
    records = all_records(make_sandbox(seed="demo"))
    assert 35 <= len(records) <= 45
    assert len({record["offer_id"] for record in records}) >= 5
    assert 3 <= sum(record["paused"] for record in records) < len(records) / 2
    assert [r["schedule_type"] for r in records].count("lead_distribution") == 1
    assert all(isinstance(record["sortable_order"], str) for record in records)
    assert len({record["created_at"] for record in records}) == len(records)


def test_a_numeric_seed_generates_that_many_schedules(make_sandbox: MakeSandbox) -> None:
    """seed=N generates N schedules, the same ones for the same seed_rng."""
    first = all_records(make_sandbox(seed="12", seed_rng=3))
    second = all_records(make_sandbox(seed="12", seed_rng=3))
    assert len(first) == 12
    assert [r["name"] for r in first] == [r["name"] for r in second]


def test_seeding_only_fills_an_empty_database(tmp_path: Path) -> None:
    """Restarting with a seed over a database that has schedules adds nothing."""
    db_path = str(tmp_path / "sandbox.sqlite3")
    with running_sandbox(db_path=db_path, seed="5") as first:
        assert len(all_records(first)) == 5
    with running_sandbox(db_path=db_path, seed="5") as second:
        assert len(all_records(second)) == 5


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"seed": "lots"}, "seed must be 'none', 'demo' or a number of schedules, not 'lots'"),
        ({"seed": "-3"}, "seed must be 'none', 'demo' or a number of schedules, not '-3'"),
        ({"error_rate": 1.5}, "error_rate must be between 0 and 1, not 1.5"),
        (
            {"drop_after_commit_rate": -0.1},
            "drop_after_commit_rate must be between 0 and 1, not -0.1",
        ),
        (
            {"rate_limit_rps": 0.0},
            "rate_limit_rps must be more than 0 (or None for no limit), not 0.0",
        ),
        ({"latency_ms": -1}, "latency_ms must be 0 or more, not -1"),
        ({"per_page_max": 0}, "per_page_max must be at least 1, not 0"),
        ({"make_call_cps": 0}, "make_call_cps must be at least 1, not 0"),
    ],
    ids=repr,
)
def test_an_impossible_config_is_refused(overrides: dict[str, Any], message: str) -> None:
    """SandboxConfig refuses a seed or fault value out of its range, naming it and its range."""
    with pytest.raises(ValueError) as raised:
        SandboxConfig(**overrides)
    assert str(raised.value) == message
