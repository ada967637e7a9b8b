"""``apply --only`` applies part of a fresh plan; ``--only`` narrows the unchanged count too."""

from __future__ import annotations

from pathlib import Path

import pytest

from reconciler.cli import main


def _demo(specs_dir: Path, tmp_path: Path) -> list[str]:
    return ["--specs", str(specs_dir), "--sandbox", "--sandbox-db", str(tmp_path / "demo.db")]


def test_apply_only_applies_the_matching_change_and_leaves_the_rest(
    specs_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """On the demo account, --only "Solar - West" updates it alone; the other two stay planned."""
    demo = _demo(specs_dir, tmp_path)
    assert main(["apply", *demo, "--only", "Solar - West", "--auto-approve"]) == 0
    captured = capsys.readouterr()
    assert captured.out.splitlines()[0] == (
        "Plan: 0 to create, 1 to update, 0 to delete (0 unchanged, 0 unmanaged, 0 ignored)."
    )
    assert '[1/1] applied update "Solar - West" (id 12900001)' in captured.err
    assert "(1 request, 0 retries, 0 throttled)." in captured.err
    assert "Verified: a fresh plan is empty." in captured.err
    assert main(["plan", *demo]) == 0
    assert capsys.readouterr().out.splitlines()[0] == (
        "Plan: 1 to create, 1 to update, 0 to delete (3 unchanged, 35 unmanaged, 0 ignored)."
    )


def test_only_narrows_the_unchanged_count(
    specs_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """plan --only Solar counts only the Solar specs that are unchanged (1 of the demo's 2)."""
    assert main(["plan", *_demo(specs_dir, tmp_path), "--only", "Solar"]) == 0
    assert capsys.readouterr().out.splitlines()[0] == (
        "Plan: 0 to create, 2 to update, 0 to delete (1 unchanged, 8 unmanaged, 0 ignored)."
    )


def test_apply_only_with_a_saved_plan_is_refused_with_the_way_to_narrow_it(
    specs_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A saved plan is applied whole: --only with PLAN.json is a usage error naming plan --only."""
    saved = tmp_path / "plan.json"
    saved.write_text("{}", encoding="utf-8")
    assert main(["apply", str(saved), *_demo(specs_dir, tmp_path), "--only", "Solar"]) == 1
    assert capsys.readouterr().err == (
        "error: --only narrows a fresh plan; a saved plan is applied whole\n"
        "tip: narrow it when planning: reconciler plan --only 'Solar' --out PLAN.json\n"
    )
