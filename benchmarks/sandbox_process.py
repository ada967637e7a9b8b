"""The sandbox in its own process for the benchmarks: ``reconciler sandbox serve`` on 127.0.0.1.

``SandboxProcess.start(seed=N)`` runs ``python -m reconciler sandbox serve`` on a free port
with a temporary ``--db`` (seeded with ``N`` generated schedules), waits until it answers, and
``stop()`` ends it (terminate, then kill). Use it as a context manager so it is stopped on any
error. Its output goes to a log file, never to a pipe that could fill up and stall it.

The control helpers wrap the sandbox-only routes: ``stats()``, ``reset_stats()``,
``set_faults(**switches)``, ``faults()``; ``cpu_s()`` is the server process's CPU time so far.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path
from types import TracebackType
from typing import Any, Self

import httpx

__all__ = ["PRIVATE_KEY", "PUBLIC_KEY", "SandboxProcess", "free_port"]

PUBLIC_KEY = "sandbox-public"
PRIVATE_KEY = "sandbox-private"
_START_TIMEOUT = 120.0  # seeding 10,000 schedules happens before the server answers
_STOP_TIMEOUT = 10.0
_REPO = Path(__file__).resolve().parent.parent


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


class SandboxProcess:
    """A ``reconciler sandbox serve`` child process and a control client for it."""

    def __init__(self, process: subprocess.Popen[bytes], base_url: str, log: Path) -> None:
        self.process = process
        self.base_url = base_url
        self.log = log
        self._control = httpx.Client(base_url=base_url, timeout=30.0, verify=False)

    @classmethod
    def start(cls, workdir: Path, *, seed: int, extra: tuple[str, ...] = ()) -> SandboxProcess:
        """Start a sandbox seeded with ``seed`` schedules; return once it answers."""
        port = free_port()
        log = workdir / "sandbox.log"
        command = [
            sys.executable,
            "-m",
            "reconciler",
            "sandbox",
            "serve",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--db",
            str(workdir / "sandbox.sqlite3"),
            "--seed",
            str(seed),
            "--seed-rng",
            "1",
            *extra,
        ]
        with log.open("wb") as out:
            process = subprocess.Popen(
                command, stdout=out, stderr=subprocess.STDOUT, cwd=_REPO, env=dict(os.environ)
            )
        sandbox = cls(process, f"http://127.0.0.1:{port}", log)
        try:
            sandbox._wait_until_up()
        except BaseException:
            sandbox.stop()
            raise
        return sandbox

    def _wait_until_up(self) -> None:
        deadline = time.monotonic() + _START_TIMEOUT
        while True:
            if self.process.poll() is not None:
                tail = self.log.read_text(encoding="utf-8", errors="replace")[-2000:]
                raise RuntimeError(
                    f"the sandbox exited with {self.process.returncode} before answering:\n{tail}"
                )
            try:
                if self._control.get("/_sandbox/stats", timeout=1.0).status_code == 200:
                    return
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError(f"the sandbox did not answer within {_START_TIMEOUT:.0f} s")
            time.sleep(0.05)

    def stop(self) -> None:
        """End the process (SIGTERM, then SIGKILL) and close the control client."""
        self._control.close()
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=_STOP_TIMEOUT)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=_STOP_TIMEOUT)

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop()

    # -- the sandbox-only routes ---------------------------------------------------------------

    def _call(self, method: str, path: str, **kwargs: Any) -> dict[str, Any]:
        response = self._control.request(method, path, **kwargs)
        response.raise_for_status()
        body: dict[str, Any] = response.json()
        return body

    def stats(self) -> dict[str, Any]:
        """``GET /_sandbox/stats``: ``total``, ``by_route``, ``throttled``, … since the reset."""
        return self._call("GET", "/_sandbox/stats")

    def reset_stats(self) -> None:
        """``POST /_sandbox/reset``: zero the counters (the data stays)."""
        self._call("POST", "/_sandbox/reset")

    def faults(self) -> dict[str, Any]:
        """``GET /_sandbox/faults``: the fault switches now."""
        return self._call("GET", "/_sandbox/faults")

    def set_faults(self, **switches: Any) -> dict[str, Any]:
        """``PUT /_sandbox/faults``: change latency_ms, rate_limit_rps, … while it runs."""
        return self._call("PUT", "/_sandbox/faults", json=switches)

    def cpu_s(self) -> float:
        """User + system CPU seconds the server process has used so far (Linux; else NaN)."""
        try:
            fields = Path(f"/proc/{self.process.pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            return float("nan")
        ticks = int(fields[11]) + int(fields[12])  # utime, stime (fields 14 and 15 of stat)
        return ticks / os.sysconf("SC_CLK_TCK")
