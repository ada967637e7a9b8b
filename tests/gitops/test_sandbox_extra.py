"""Without the `[sandbox]` extra (starlette, uvicorn) the reconciler still validates and plans;
`--sandbox` and `sandbox serve` say in one line what to install.

Each case runs the CLI in a fresh interpreter where importing starlette or uvicorn fails, as
it does after `pip install trackdrive-reconciler` (no extra) or in the pre-commit hook.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
_WITHOUT_EXTRA = (
    "import sys\n"
    "for name in ('starlette', 'uvicorn'):\n"
    "    sys.modules[name] = None  # importing it now raises ImportError, as when absent\n"
    "from reconciler.cli import main\n"
    "sys.exit(main(sys.argv[1:]))\n"
)
TIP = "tip: pip install 'trackdrive-reconciler[sandbox]'"


def _reconciler(*argv: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    return subprocess.run(
        [sys.executable, "-c", _WITHOUT_EXTRA, *argv],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_validate_needs_no_sandbox_extra(tmp_path: Path) -> None:
    """validate (what the pre-commit hook runs) works without starlette and uvicorn."""
    done = _reconciler("validate", "--specs", str(ROOT / "schedules.d"), cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (
            ("plan", "--sandbox"),
            "error: --sandbox needs the sandbox extra (starlette, uvicorn), which is not installed",
        ),
        (
            ("sandbox", "serve", "--port", "0"),
            "error: the sandbox server needs the sandbox extra (starlette, uvicorn), which is "
            "not installed",
        ),
    ],
)
def test_the_sandbox_without_the_extra_is_one_error_and_a_tip(
    argv: tuple[str, ...], message: str, tmp_path: Path
) -> None:
    """--sandbox or sandbox serve without the extra: exit 1, the error, the install tip."""
    specs = ["--specs", str(ROOT / "schedules.d")] if argv[0] == "plan" else []
    done = _reconciler(*argv, *specs, cwd=tmp_path)
    assert done.returncode == 1
    assert done.stderr.splitlines()[-2:] == [message, TIP]
    assert "Traceback" not in done.stderr
