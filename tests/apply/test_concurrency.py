"""Apply when it is not alone: a second apply on the machine, another writer between plan and
create, and a name held twice after all.

Each test states an outcome that holds whatever the timing: the lock is held by the test
itself where a refusal must be seen, and the other writer acts from inside the apply's own
name check, so no test races the wall clock.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path

import pytest

from reconciler.apply import apply_plan
from reconciler.apply_lock import ENV_LOCK_DIR, account_lock
from reconciler.cli import main
from reconciler.cli.apply import duplicate_fix
from reconciler.live import live_from_record
from reconciler.loader import load_config, load_specs
from reconciler.plan import build_plan
from reconciler.trackdrive import Account, TrackDriveClient, build_http_client
from tests.apply.scenario import (
    FINAL_NAMES,
    PLANNED_CHANGES,
    Scenario,
    build_scenario,
    duplicated_names,
    live_names,
    schedules,
    write_specs,
)
from tests.support.sandbox_server import RunningSandbox

pytestmark = pytest.mark.anyio

_REPO = Path(__file__).resolve().parents[2]


@pytest.fixture
def anyio_backend() -> str:
    """asyncio, the loop the CLI uses."""
    return "asyncio"


@pytest.fixture
def lock_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A lock directory of this test's own, for this process and the CLI processes it starts."""
    directory = tmp_path / "locks"
    monkeypatch.setenv(ENV_LOCK_DIR, str(directory))
    return directory


def _cli(scenario: Scenario, *extra: str) -> subprocess.Popen[str]:
    """``reconciler apply --auto-approve`` as its own process, in this test's environment."""
    return subprocess.Popen(
        [sys.executable, "-m", "reconciler", "apply", *scenario.args(), "--auto-approve", *extra],
        cwd=_REPO,
        env=dict(os.environ),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _finish(process: subprocess.Popen[str]) -> tuple[int, str]:
    _, stderr = process.communicate(timeout=300)
    return process.returncode, stderr


def test_an_apply_is_refused_while_another_holds_the_account(
    account: RunningSandbox, lock_dir: Path, tmp_path: Path
) -> None:
    """With the account's lock held, a CLI apply exits 1 naming the holder, and writes nothing."""
    scenario = build_scenario(account, tmp_path)
    account.reset()
    with account_lock(account.base_url, timeout=0, env=os.environ):
        code, stderr = _finish(_cli(scenario))
    assert code == 1
    lines = stderr.splitlines()
    assert lines[0].startswith(
        f"error: another apply to {account.base_url} is running (pid {os.getpid()}, started 20"
    )
    assert lines[1] == ("tip: wait for it to finish, or pass --lock-timeout SECONDS to wait here")
    assert account.stats()["total"] == 0  # refused before the first read
    assert live_names(account) == scenario.seeded


def test_two_applies_at_once_with_a_lock_timeout_run_one_after_the_other(
    account: RunningSandbox, lock_dir: Path, tmp_path: Path
) -> None:
    """Two CLI applies started together both succeed: one applies, the other finds it done."""
    scenario = build_scenario(account, tmp_path)
    first, second = _cli(scenario, "--lock-timeout", "300"), _cli(scenario, "--lock-timeout", "300")
    results = [_finish(first), _finish(second)]
    assert [code for code, _ in results] == [0, 0], results
    said = sorted("Nothing to apply." in stderr for _, stderr in results)
    assert said == [False, True]
    assert duplicated_names(account) == {}
    assert live_names(account) == FINAL_NAMES


def test_two_applies_at_once_without_waiting_never_duplicate(
    account: RunningSandbox, lock_dir: Path, tmp_path: Path
) -> None:
    """Two CLI applies with the default --lock-timeout 0: any overlap is refused, none doubles."""
    scenario = build_scenario(account, tmp_path)
    results = [_finish(p) for p in (_cli(scenario), _cli(scenario))]
    codes = sorted(code for code, _ in results)
    assert codes in ([0, 0], [0, 1]), results
    if codes == [0, 1]:
        refused = next(stderr for code, stderr in results if code == 1)
        assert "error: another apply to " in refused
    assert duplicated_names(account) == {}
    assert live_names(account) == FINAL_NAMES


class _OtherWriterMeanwhile:
    """A client whose fresh name check lets another writer create ``names`` first."""

    def __init__(
        self, client: TrackDriveClient, other: TrackDriveClient, names: Sequence[str]
    ) -> None:
        self.client = client
        self.other = other
        self.names = names
        self.create_schedule = client.create_schedule
        self.update_schedule = client.update_schedule
        self.delete_schedule = client.delete_schedule

    async def names_taken(self, names: Iterable[str]) -> Mapping[str, Sequence[int]]:
        for name in self.names:
            await self.other.create_schedule({"name": name})
        return await self.client.names_taken(names)


async def test_a_name_created_by_another_client_before_the_creates_is_a_conflict(
    account: RunningSandbox, tmp_path: Path
) -> None:
    """A create whose name another client made after the plan is skipped, never sent."""
    scenario = build_scenario(account, tmp_path)
    loaded = load_specs(scenario.specs)
    records = schedules(account)
    plan = build_plan(
        list(loaded.specs),
        [live_from_record(r) for r in records],
        load_config(scenario.config),
    )
    keys = Account(account.base_url, account.config.public_key, account.config.private_key)
    async with build_http_client(keys) as http, build_http_client(keys) as other_http:
        client = TrackDriveClient(http)
        other = TrackDriveClient(other_http)
        writer = _OtherWriterMeanwhile(client, other, ["New 03"])
        report = await apply_plan(plan, writer)
    skipped = [(r.change.name, r.detail) for r in report.results if r.outcome == "skipped"]
    assert [name for name, _ in skipped] == ["New 03"]
    detail = skipped[0][1]
    assert detail is not None
    assert detail.startswith('conflict: a schedule named "New 03" appeared on the account')
    assert detail.endswith("; not created")
    assert report.count("applied") == PLANNED_CHANGES - 1
    assert duplicated_names(account) == {}
    assert live_names(account) == FINAL_NAMES


def test_verify_names_the_ids_of_a_duplicate_and_the_spec_edit(
    account: RunningSandbox, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A name held twice when apply verifies: exit 1, the ids, and the entries to add."""
    held = account.seed_schedules([{"name": "Twice"}, {"name": "Twice"}])
    keep, extra = sorted(int(r["id"]) for r in held)
    write_specs(tmp_path / "specs", [{"name": "Fresh", "paused": True}])
    (tmp_path / "reconciler.yaml").write_text("prune: false\n", encoding="utf-8")
    args = ["--specs", str(tmp_path / "specs"), "--config", str(tmp_path / "reconciler.yaml")]
    code = main(["apply", *args, "--auto-approve"])
    stderr = capsys.readouterr().err
    assert code == 1
    assert (
        f'"Twice" is held by 2 schedules: ids {keep}, {extra}\n'
        f"  to keep {keep}, pin it with `id: {keep}` where a spec manages it, and add to the "
        "specs:\n"
        '    - name: "Twice"\n'
        f"      id: {extra}\n"
        "      ensure: absent\n"
        'error: 1 name is held by more than one schedule: "Twice"\n'
    ) in stderr


def test_the_duplicate_fix_quotes_hostile_names() -> None:
    """A name with quotes and an escape character is shown as one JSON string, never raw."""
    lines = duplicate_fix('Evil "\x1b[2J" name', [9, 3, 5])
    assert lines == [
        '"Evil \\"\\u001b[2J\\" name" is held by 3 schedules: ids 3, 5, 9',
        "  to keep 3, pin it with `id: 3` where a spec manages it, and add to the specs:",
        '    - name: "Evil \\"\\u001b[2J\\" name"',
        "      id: 5",
        "      ensure: absent",
        '    - name: "Evil \\"\\u001b[2J\\" name"',
        "      id: 9",
        "      ensure: absent",
    ]
