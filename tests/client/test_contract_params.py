"""Contract: the client sends only the query params TrackDrive's reference names.

TrackDrive (Apipie) ignores a param it does not declare instead of refusing it, so a misnamed
filter (``created_at_min`` for ``created_at_from``) would silently widen a listing. The sandbox
does the same and counts what it ignored; here every read the client makes must leave that
count empty.
"""

from __future__ import annotations

import pytest

from tests.client.helpers import connect
from tests.support.sandbox_server import RunningSandbox

pytestmark = pytest.mark.anyio


async def test_the_client_sends_no_param_the_reference_does_not_name(
    sandbox: RunningSandbox,
) -> None:
    """Listing, finding by name, reading one and the defaults leave ignored_params empty."""
    sandbox.seed_schedules([{"name": f"S{i:02d}"} for i in range(30)])
    async with connect(sandbox) as client:
        listed = await client.list_schedules()
        await client.find_by_name("S07")
        await client.get_schedule(listed[0].id)
        await client.new_schedule()
        created = await client.create_schedule({"name": "New", "sortable_order": None})
        await client.update_schedule(created.id, {"paused": True})
        await client.delete_schedule(created.id)
    assert len(listed) == 30
    assert sandbox.stats()["ignored_params"] == {}
