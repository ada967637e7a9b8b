"""The release's build and clean install, as .github/workflows/release.yml does them.

``python -m build --no-isolation`` makes the sdist and the wheel (from the sdist, so a file
missing from the sdist breaks the wheel here first); the wheel goes into a fresh virtualenv
with ``--no-deps`` (its dependencies reach that venv through a ``.pth`` pointing at this venv's
site-packages, since the network is not to be counted on), and the installed ``reconciler``
runs ``--version`` and ``validate`` on the example specs from outside the checkout.
"""

from __future__ import annotations

import os
import subprocess
import sys
import sysconfig
import tarfile
import venv
import zipfile
from pathlib import Path

import pytest

from reconciler.__about__ import __version__

ROOT = Path(__file__).resolve().parents[2]


def _run(argv: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    return subprocess.run(
        argv, cwd=cwd, env=env, capture_output=True, text=True, timeout=300, check=False
    )


@pytest.fixture(scope="module")
def dist(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sdist and wheel built from this checkout."""
    out = tmp_path_factory.mktemp("dist")
    done = _run([sys.executable, "-m", "build", "--no-isolation", "--outdir", str(out)], ROOT)
    assert done.returncode == 0, done.stderr[-3000:]
    return out


def test_build_makes_one_sdist_and_one_wheel_of_the_version(dist: Path) -> None:
    """The files are named for the version in reconciler/__about__.py."""
    assert sorted(p.name for p in dist.iterdir()) == [
        f"trackdrive_reconciler-{__version__}-py3-none-any.whl",
        f"trackdrive_reconciler-{__version__}.tar.gz",
    ]


def test_the_wheel_holds_the_package_license_and_metadata_not_the_tests(dist: Path) -> None:
    """The wheel ships reconciler/, the MIT licence and the console script; no tests."""
    (wheel,) = dist.glob("*.whl")
    with zipfile.ZipFile(wheel) as archive:
        names = archive.namelist()
        info = f"trackdrive_reconciler-{__version__}.dist-info"
        metadata = archive.read(f"{info}/METADATA").decode("utf-8")
        entry_points = archive.read(f"{info}/entry_points.txt").decode("utf-8")
    assert "reconciler/cli.py" in names or "reconciler/cli/__init__.py" in names
    assert f"{info}/licenses/LICENSE" in names
    assert not [n for n in names if n.startswith("tests/")]
    assert "License-Expression: MIT" in metadata.splitlines()
    assert f"Version: {__version__}" in metadata.splitlines()
    assert "reconciler = reconciler.cli:entrypoint" in entry_points


def test_the_sdist_holds_the_license_changelog_and_lock(dist: Path) -> None:
    """The sdist carries what a rebuild and the action need."""
    (sdist,) = dist.glob("*.tar.gz")
    prefix = f"trackdrive_reconciler-{__version__}/"
    with tarfile.open(sdist) as archive:
        names = {n.removeprefix(prefix) for n in archive.getnames()}
    assert {"LICENSE", "CHANGELOG.md", "pyproject.toml", "reconciler/__about__.py"} <= names


def test_the_wheel_installs_into_a_clean_venv_and_runs(dist: Path, tmp_path: Path) -> None:
    """Installed with --no-deps into a new venv, `reconciler` answers --version and validates
    the examples from outside the checkout, importing the installed copy."""
    clean = tmp_path / "clean"
    venv.create(clean, with_pip=False)
    bin_dir = clean / ("Scripts" if os.name == "nt" else "bin")
    python = bin_dir / "python"
    site = Path(
        _run(
            [str(python), "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"], tmp_path
        ).stdout.strip()
    )
    (site / "_deps.pth").write_text(sysconfig.get_path("purelib") + "\n", encoding="utf-8")
    (wheel,) = dist.glob("*.whl")
    install = [sys.executable, "-m", "pip", "--python", str(python), "install", "--quiet"]
    done = _run([*install, "--no-deps", "--no-index", str(wheel)], tmp_path)
    assert done.returncode == 0, done.stderr

    version = _run([str(bin_dir / "reconciler"), "--version"], tmp_path)
    assert (version.returncode, version.stdout.strip()) == (
        0,
        f"trackdrive-reconciler {__version__}",
    )
    where = _run([str(python), "-c", "import reconciler; print(reconciler.__file__)"], tmp_path)
    assert Path(where.stdout.strip()).is_relative_to(clean)
    valid = _run(
        [str(bin_dir / "reconciler"), "validate", "--specs", str(ROOT / "schedules.d")], tmp_path
    )
    assert valid.returncode == 0, valid.stderr
