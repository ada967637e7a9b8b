"""The golden-file helper cannot pass by comparing a file with itself unnoticed."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.support import golden


@pytest.fixture
def golden_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty golden directory, no UPDATE_GOLDEN, no CI, and an empty rewrite list."""
    monkeypatch.setattr(golden, "GOLDEN_DIR", tmp_path)
    monkeypatch.setattr(golden, "rewritten", [])
    monkeypatch.delenv("UPDATE_GOLDEN", raising=False)
    monkeypatch.delenv("CI", raising=False)
    return tmp_path


def test_a_missing_golden_file_fails_and_is_not_created(golden_dir: Path) -> None:
    """Without UPDATE_GOLDEN=1 a missing file fails the test and nothing is written."""
    with pytest.raises(pytest.fail.Exception, match=r"plan\.txt is missing; create it with"):
        golden.check_golden("plan.txt", "new\n")
    assert list(golden_dir.iterdir()) == []


def test_a_different_golden_file_fails_and_is_left_alone(golden_dir: Path) -> None:
    """Without UPDATE_GOLDEN=1 a difference fails and the file keeps its content."""
    (golden_dir / "plan.txt").write_text("old\n", encoding="utf-8")
    with pytest.raises(AssertionError, match=r"plan\.txt differs; if intended, refresh with"):
        golden.check_golden("plan.txt", "new\n")
    assert (golden_dir / "plan.txt").read_text(encoding="utf-8") == "old\n"


def test_update_golden_rewrites_only_what_differs_and_lists_it(
    golden_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """UPDATE_GOLDEN=1 writes a differing or missing file and records it for the summary."""
    monkeypatch.setenv("UPDATE_GOLDEN", "1")
    (golden_dir / "same.txt").write_text("same\n", encoding="utf-8")
    golden.check_golden("same.txt", "same\n")
    golden.check_golden("sub/new.md", "# new\n")
    assert (golden_dir / "sub" / "new.md").read_text(encoding="utf-8") == "# new\n"
    assert golden.rewritten == ["sub/new.md"]


def test_update_golden_is_refused_under_ci(
    golden_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With CI set, UPDATE_GOLDEN=1 fails every golden test and writes nothing."""
    monkeypatch.setenv("UPDATE_GOLDEN", "1")
    monkeypatch.setenv("CI", "true")
    (golden_dir / "same.txt").write_text("same\n", encoding="utf-8")
    with pytest.raises(pytest.fail.Exception, match="UPDATE_GOLDEN=1 is refused when CI is set"):
        golden.check_golden("same.txt", "same\n")
    with pytest.raises(pytest.fail.Exception, match="UPDATE_GOLDEN=1 is refused when CI is set"):
        golden.check_golden("other.txt", "x\n")
    assert sorted(p.name for p in golden_dir.iterdir()) == ["same.txt"]
    assert golden.rewritten == []
