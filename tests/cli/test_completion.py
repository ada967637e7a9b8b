"""Shell completion through typer: the script for a shell, and the answers it asks for."""

from __future__ import annotations

import pytest

from reconciler.cli import main


def test_show_completion_prints_the_bash_script(capsys: pytest.CaptureFixture[str]) -> None:
    """``--show-completion bash`` prints a script that completes ``reconciler``."""
    assert main(["--show-completion", "bash"]) == 0
    out = capsys.readouterr().out
    assert "complete -o default -F _reconciler_completion reconciler" in out


@pytest.mark.parametrize(
    ("words", "expected"),
    [("reconciler pl", "plan"), ("reconciler plan --show-u", "--show-unmanaged")],
)
def test_the_shell_asks_and_gets_the_commands_and_options(
    words: str,
    expected: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """With bash's completion variables set, the CLI answers the completions and exits 0."""
    monkeypatch.setenv("_RECONCILER_COMPLETE", "complete_bash")
    monkeypatch.setenv("COMP_WORDS", words)
    monkeypatch.setenv("COMP_CWORD", str(len(words.split()) - 1))
    assert main([]) == 0
    assert capsys.readouterr().out.split() == [expected]
