"""The sandbox as the account a command works on, seen and edited the way a person would.

``use_account`` puts the sandbox's keys in the environment, as an operator exports them.
``schedules`` and ``record`` read the account's own listing over plain HTTP, and ``ui_edit``,
``ui_delete`` and ``ui_create`` are the edits someone makes in TrackDrive's UI meanwhile: none of
them goes through the client under test, so a test's expected values never come from it.
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.support.sandbox_server import RunningSandbox

__all__ = ["record", "schedules", "ui_create", "ui_delete", "ui_edit", "use_account"]

_PAGE = 100


def use_account(sandbox: RunningSandbox, monkeypatch: pytest.MonkeyPatch) -> RunningSandbox:
    """Point ``TRACKDRIVE_API_URL`` and the keys at ``sandbox`` (no subdomain); return it."""
    monkeypatch.setenv("TRACKDRIVE_API_URL", sandbox.base_url)
    monkeypatch.setenv("TRACKDRIVE_PUBLIC_KEY", sandbox.config.public_key)
    monkeypatch.setenv("TRACKDRIVE_PRIVATE_KEY", sandbox.config.private_key)
    monkeypatch.delenv("TRACKDRIVE_SUBDOMAIN", raising=False)
    return sandbox


def schedules(sandbox: RunningSandbox) -> list[dict[str, Any]]:
    """Every schedule record on the sandbox, page by page, as its API answers (faults off)."""
    records: list[dict[str, Any]] = []
    with sandbox.client() as http:
        page = 1
        while True:
            response = http.get("/api/v1/schedules", params={"per_page": _PAGE, "page": page})
            response.raise_for_status()
            batch: list[dict[str, Any]] = response.json()["schedules"]
            records.extend(batch)
            if len(batch) < _PAGE:
                return records
            page += 1


def record(sandbox: RunningSandbox, name: str) -> dict[str, Any]:
    """The one schedule named ``name`` (fails the test if there is not exactly one)."""
    found = [r for r in schedules(sandbox) if r["name"] == name]
    assert len(found) == 1, f"{len(found)} schedules named {name!r}"
    return found[0]


def ui_edit(sandbox: RunningSandbox, schedule_id: int, **fields: Any) -> None:
    """Change ``fields`` of a schedule, as an edit in the UI would."""
    with sandbox.client() as http:
        http.put(f"/api/v1/schedules/{schedule_id}", json=fields).raise_for_status()


def ui_delete(sandbox: RunningSandbox, schedule_id: int) -> None:
    """Delete a schedule, as in the UI."""
    with sandbox.client() as http:
        http.delete(f"/api/v1/schedules/{schedule_id}").raise_for_status()


def ui_create(sandbox: RunningSandbox, **fields: Any) -> None:
    """Create a schedule with ``fields``, as in the UI."""
    with sandbox.client() as http:
        http.post("/api/v1/schedules", json=fields).raise_for_status()
