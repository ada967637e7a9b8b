"""import and import --adopt write only inside the named directory, never through a symlink."""

from __future__ import annotations

from pathlib import Path

import pytest

from reconciler.cli import main
from reconciler.safewrite import UnsafeWriteError, write_inside


def test_a_new_file_is_written(tmp_path: Path) -> None:
    """The plain case: a new file inside the root is created with the text."""
    write_inside(tmp_path, tmp_path / "a.yaml", "x: 1\n", new=True)
    assert (tmp_path / "a.yaml").read_text() == "x: 1\n"


def test_a_dangling_symlink_is_not_written_through(tmp_path: Path) -> None:
    """A dangling link at the output path is refused; its target is never created."""
    target = tmp_path / "outside.yaml"
    out = tmp_path / "out"
    out.mkdir()
    (out / "schedules.yaml").symlink_to(target)
    with pytest.raises(UnsafeWriteError) as caught:
        write_inside(out, out / "schedules.yaml", "x: 1\n", new=True)
    assert caught.value.message == f"refusing to write {out}/schedules.yaml: it is a symbolic link"
    assert not target.exists()


def test_a_symlinked_spec_is_not_rewritten(tmp_path: Path) -> None:
    """Rewriting in place (adopt) refuses a link, so the file it points at stays as it was."""
    target = tmp_path / "elsewhere.yaml"
    target.write_text("keep me\n")
    specs = tmp_path / "specs"
    specs.mkdir()
    (specs / "a.yaml").symlink_to(target)
    with pytest.raises(UnsafeWriteError) as caught:
        write_inside(specs, specs / "a.yaml", "x: 1\n", new=False)
    assert caught.value.message == f"refusing to write {specs}/a.yaml: it is a symbolic link"
    assert target.read_text() == "keep me\n"


def test_a_path_outside_the_root_is_refused(tmp_path: Path) -> None:
    """A path whose directory leaves the root is refused before anything is opened."""
    root = tmp_path / "root"
    root.mkdir()
    with pytest.raises(UnsafeWriteError) as caught:
        write_inside(root, tmp_path / "x.yaml", "x\n", new=True)
    assert caught.value.message == f"refusing to write {tmp_path}/x.yaml: it is outside {root}"


def test_import_refuses_a_dangling_symlink_in_out(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`import --out DIR` with a dangling link at DIR/schedules.yaml writes nothing through it."""
    target = tmp_path / "outside.yaml"
    out = tmp_path / "out"
    out.mkdir()
    (out / "schedules.yaml").symlink_to(target)
    db = tmp_path / "sandbox.sqlite3"
    assert main(["import", "--sandbox", "--sandbox-db", str(db), "--out", str(out)]) == 1
    err = capsys.readouterr().err
    assert [e for e in err.splitlines() if e.startswith(("error:", "tip:"))] == [
        f"error: refusing to write {out}/schedules.yaml: it is a symbolic link",
        "tip: replace the link with the file itself, or remove it",
    ]
    assert "Traceback" not in err
    assert not target.exists()
