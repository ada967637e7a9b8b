"""``reconciler sandbox serve``: its help teaches, its flags are checked, and it serves."""

from __future__ import annotations

import base64
import os
import re
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
from typer.testing import CliRunner

from reconciler.sandbox import sandbox_app

FLAGS = (
    "--host",
    "--port",
    "--public-key",
    "--private-key",
    "--db",
    "--seed",
    "--latency-ms",
    "--rate-limit",
    "--error-rate",
    "--drop-after-commit-rate",
    "--per-page-max",
    "--ignore-per-page",
    "--seed-rng",
)


def test_serve_help_names_every_flag_and_the_sandbox_routes() -> None:
    """serve --help lists every flag and points at the sandbox-only routes."""
    result = CliRunner().invoke(sandbox_app, ["serve", "--help"], terminal_width=200)
    assert result.exit_code == 0
    for flag in FLAGS:
        assert flag in result.output
    assert "/_sandbox/stats" in result.output
    assert "curl" in result.output


@pytest.mark.parametrize(
    ("args", "complaint"),
    [
        (
            ["--seed", "lots"],
            "Invalid value for '--seed': use none, demo, or a number of schedules to generate "
            "(e.g. 500)",
        ),
        (
            ["--error-rate", "2"],
            "Invalid value for '--error-rate': a rate is a probability between 0 and 1 "
            "(e.g. 0.1 for 10%)",
        ),
        (
            ["--latency-ms", "-5"],
            "Invalid value for '--latency-ms': Input should be greater than or equal to 0",
        ),
    ],
)
def test_serve_refuses_bad_flags_with_a_tip(args: list[str], complaint: str) -> None:
    """A bad flag value exits 2 with a message naming the flag and saying what is expected."""
    result = CliRunner().invoke(sandbox_app, ["serve", *args], terminal_width=200)
    assert result.exit_code == 2
    assert result.output.splitlines()[-1] == f"Error: {complaint}"


def test_serve_answers_the_references_curl_example(tmp_path: Path) -> None:
    """A served sandbox answers the reference's curl example with the sandbox's keys."""
    script = "from reconciler.sandbox import sandbox_app; sandbox_app()"
    # Port 0: the server binds a free port itself and prints it, so no port is ever raced for.
    command = [sys.executable, "-c", script, "serve", "--port", "0", "--seed", "demo"]
    command += ["--db", str(tmp_path / "sandbox.sqlite3"), "--public-key", "K"]
    env = {**os.environ, "PYTHONPATH": str(Path.cwd())}
    with subprocess.Popen(command, stderr=subprocess.PIPE, text=True, env=env) as process:
        try:
            assert process.stderr is not None
            # Three lines printed once the socket is bound (read here: communicate() below
            # reads the pipe itself and would miss what this buffered reader holds).
            banner = "".join(process.stderr.readline() for _ in range(3))
            found = re.match(r"TrackDrive sandbox on (http://127\.0\.0\.1:(\d+))/api", banner)
            assert found, banner
            base, port = found[1], int(found[2])
            token = base64.b64encode(b"K:sandbox-private").decode()
            url = f"{base}/api/v1/schedules?page=1&order=created_at"
            response = None
            deadline = time.monotonic() + 20
            # Bound, but uvicorn may not accept yet: retried up to a generous deadline.
            while response is None and time.monotonic() < deadline:
                try:
                    response = httpx.get(url, headers={"Authorization": f"Basic {token}"})
                except httpx.TransportError:
                    time.sleep(0.05)
        finally:
            process.terminate()
            _, stderr = process.communicate(timeout=20)
    assert port > 0
    assert response is not None, stderr
    assert response.status_code == 200
    created = [record["created_at"] for record in response.json()["schedules"]]
    assert created == sorted(created)
    assert f"try:  curl -u 'K:sandbox-private' {base}/api/v1/schedules" in banner
    assert (tmp_path / "sandbox.sqlite3").exists()
