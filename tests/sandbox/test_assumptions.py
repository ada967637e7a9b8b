"""The sandbox's undocumented choices: one inventory, each choice acted on from there."""

from __future__ import annotations

import re
from pathlib import Path

from reconciler.sandbox import assumptions
from tests.support.sandbox_server import RunningSandbox

SANDBOX = Path(assumptions.__file__).parent


def test_every_choice_in_the_inventory_is_used_by_the_sandbox() -> None:
    """Each name in sandbox/assumptions.py is read by another sandbox module, none only listed."""
    sources = "\n".join(
        path.read_text(encoding="utf-8")
        for path in sorted(SANDBOX.glob("*.py"))
        if path.name != "assumptions.py"
    )
    unused = [
        name for name in assumptions.__all__ if not re.search(rf"assumptions\.{name}\b", sources)
    ]
    assert unused == []


def test_every_choice_is_marked_evidence_or_inferred() -> None:
    """Each constant's comment block carries [E] or [I], as the client's assumptions do."""
    text = Path(assumptions.__file__).read_text(encoding="utf-8")
    unmarked = []
    for name in assumptions.__all__:
        head = text[: text.index(f"\n{name}: Final")]
        block = head[head.rfind("\n\n") :]
        if "[E]" not in block and "[I]" not in block:
            unmarked.append(name)
    assert unmarked == []


def test_an_unknown_list_param_is_ignored_and_counted(sandbox: RunningSandbox) -> None:
    """created_at_min (not a documented filter) is ignored, not refused, and shows in the stats."""
    sandbox.seed_schedules([{"name": "A"}, {"name": "B"}])
    with sandbox.client() as client:
        response = client.get(
            "/api/v1/schedules", params={"created_at_min": "2099-01-01 00:00:00 +0000"}
        )
    assert response.status_code == 200
    assert [r["name"] for r in response.json()["schedules"]] == ["A", "B"]
    assert sandbox.stats()["ignored_params"] == {"created_at_min": 1}
