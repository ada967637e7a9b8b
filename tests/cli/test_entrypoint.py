"""The installed ``reconciler`` console script wires every command group (no stand-in)."""

from __future__ import annotations

import re
import subprocess

from tests.support.entrypoint import installed_reconciler

#: The commands the README documents, written out: removing one from the CLI fails here.
DOCUMENTED = {"validate", "schema", "plan", "drift", "apply", "import", "sandbox", "gitops"}


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(installed_reconciler()), *args],
        capture_output=True,
        text=True,
        encoding="utf-8",
        check=False,
        timeout=60,
    )


def test_the_installed_script_lists_every_documented_command() -> None:
    """`reconciler --help` from the console script lists each documented command."""
    done = _run("--help")
    assert done.returncode == 0, done.stderr
    commands = done.stdout.split("Commands:", 1)[1]
    listed = set(re.findall(r"^\s+([a-z][a-z-]*)\s", commands, re.MULTILINE))
    assert listed >= DOCUMENTED, f"missing: {sorted(DOCUMENTED - listed)}"
