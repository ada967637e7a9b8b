"""Spec files are bounded before YAML sees them: size, nesting depth, symlinks out of the tree."""

from __future__ import annotations

from pathlib import Path

import pytest

from reconciler.cli import main
from reconciler.errors import SpecError
from reconciler.inputlimits import InputLimits, json_depth_issue, yaml_depth_issue
from reconciler.loader import load_config, load_specs

VALID = "schedules:\n  - name: Solar\n    paused: false\n"


def problems(directory: Path, limits: InputLimits | None = None) -> list[str]:
    """The located lines ``load_specs`` reports for ``directory``."""
    with pytest.raises(SpecError) as caught:
        load_specs(directory, limits)
    return [str(issue) for issue in caught.value.issues]


def test_fifty_thousand_brackets_are_a_located_error_not_a_crash(tmp_path: Path) -> None:
    """50,000 nested '[' (a segfault in the C composer) are refused once they pass 64 levels."""
    (tmp_path / "deep.yaml").write_text("schedules: " + "[" * 50_000)
    assert problems(tmp_path) == [
        f"{tmp_path}/deep.yaml:1:75: nested more than 64 levels deep; flatten it, or raise "
        "limits.max_depth in reconciler.yaml"
    ]


@pytest.mark.parametrize(
    ("text", "line", "column"),
    [
        ("- " * 70 + "x", 1, 129),
        ("{a: " * 70 + "1" + "}" * 70, 1, 253),
        ("a:\n" + "".join(" " * i + "k:\n" for i in range(1, 70)), 65, 65),
        ('["' + "]" * 70 + '", ' + "[" * 70, 1, 138),
        ('[a\n"b, ' + "[" * 70, 2, 67),
        ("- a: |\n  b: " + "[" * 70, 2, 68),
    ],
)
def test_every_way_to_nest_counts_toward_the_depth(text: str, line: int, column: int) -> None:
    """Dashes, flow maps, indentation, and brackets after a quote or a block scalar all count."""
    issue = yaml_depth_issue(text, "f.yaml", InputLimits())
    assert issue is not None
    assert (issue.location.line, issue.location.column) == (line, column)  # type: ignore[union-attr]


@pytest.mark.parametrize(
    "text",
    [
        'name: "' + "[" * 100 + '"\n',
        "name: '" + "{" * 100 + "'\n",
        "description: |\n  " + "[" * 100 + "\nname: x\n",
        "name: a " + "[" * 100 + "\n",
        "# " + "[" * 100 + "\nname: x\n",
    ],
)
def test_brackets_inside_text_do_not_count(text: str) -> None:
    """Brackets inside quoted, block or plain scalars and comments are text, not nesting."""
    assert yaml_depth_issue(text, "f.yaml", InputLimits()) is None


def test_every_checked_in_yaml_file_passes_the_default_depth() -> None:
    """The examples, fixtures and workflows of this repository are all well within the bound."""
    root = Path(__file__).parents[2]
    files = [p for p in root.rglob("*.y*ml") if ".venv" not in p.parts and "deep" not in p.parts]
    assert files
    for path in files:
        try:
            text = path.read_text(encoding="utf-8")
        except UnicodeDecodeError:
            continue
        if "deep-nesting" in str(path):
            continue
        assert yaml_depth_issue(text, str(path), InputLimits()) is None, path


def test_a_file_over_the_size_limit_is_refused_unread(tmp_path: Path) -> None:
    """A spec over 5 MB is refused from its size alone, naming the bound to raise."""
    big = tmp_path / "big.yaml"
    with big.open("wb") as handle:
        handle.truncate(5_000_001)  # sparse: nothing is written, so nothing big is read
    assert problems(tmp_path) == [
        f"{big}:1:1: the file is 5,000,001 bytes, over the limit of 5,000,000; split it, or "
        "raise limits.max_file_bytes in reconciler.yaml"
    ]


def test_limits_come_from_the_caller(tmp_path: Path) -> None:
    """Lower limits (from reconciler.yaml) refuse what the defaults allow."""
    (tmp_path / "a.yaml").write_text(VALID)
    assert problems(tmp_path, InputLimits(max_file_bytes=10)) == [
        f"{tmp_path}/a.yaml:1:1: the file is {len(VALID)} bytes, over the limit of 10; split it, "
        "or raise limits.max_file_bytes in reconciler.yaml"
    ]
    assert problems(tmp_path, InputLimits(max_depth=2)) == [
        f"{tmp_path}/a.yaml:2:5: nested more than 2 levels deep; flatten it, or raise "
        "limits.max_depth in reconciler.yaml"
    ]


def test_reconciler_yaml_sets_the_limits(tmp_path: Path) -> None:
    """``limits:`` in reconciler.yaml is read and validated like every other key."""
    config = tmp_path / "reconciler.yaml"
    config.write_text("limits:\n  max_file_bytes: 1000\n  max_depth: 8\n")
    assert load_config(config).limits == InputLimits(max_file_bytes=1000, max_depth=8)


def test_a_symlink_out_of_the_specs_directory_is_refused(tmp_path: Path) -> None:
    """A spec file that links outside the directory is not read, so its text is never echoed."""
    secret = tmp_path / "secret.yaml"
    secret.write_text("TOKEN: hunter2\n")
    specs = tmp_path / "schedules.d"
    specs.mkdir()
    (specs / "leak.yaml").symlink_to(secret)
    assert problems(specs) == [
        f"{specs}/leak.yaml:1:1: the file is a symbolic link leading outside {str(specs)!r}, "
        "so it is not read; spec files must live in the specs directory"
    ]


def test_a_symlink_inside_the_specs_directory_is_read(tmp_path: Path) -> None:
    """A link to another file in the same tree is fine: it leaves nothing."""
    (tmp_path / "real").mkdir()
    (tmp_path / "real" / "a.txt").write_text(VALID)
    (tmp_path / "a.yaml").symlink_to(tmp_path / "real" / "a.txt")
    assert [s.spec.name for s in load_specs(tmp_path).specs] == ["Solar"]


def test_json_depth_is_bounded_before_parsing() -> None:
    """A deeply nested JSON text is refused at the bracket that goes too deep."""
    issue = json_depth_issue('{"a": "[[[[", "b": ' + "[" * 100, "plan.json", InputLimits())
    assert str(issue) == (
        "plan.json:1:83: nested more than 64 levels deep; flatten it, or raise "
        "limits.max_depth in reconciler.yaml"
    )


def test_validate_applies_the_limits_from_reconciler_yaml(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`limits:` beside the specs lowers the bound that validate enforces, by path:line:col."""
    specs = tmp_path / "schedules.d"
    specs.mkdir()
    (specs / "a.yaml").write_text(VALID)
    (tmp_path / "reconciler.yaml").write_text("limits:\n  max_depth: 2\n")
    assert main(["validate", "--specs", str(specs)]) == 1
    assert capsys.readouterr().err.splitlines()[0] == (
        f"{specs}/a.yaml:2:5: nested more than 2 levels deep; flatten it, or raise "
        "limits.max_depth in reconciler.yaml"
    )
