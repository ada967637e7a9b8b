"""``adopt_drift``: live values written into the spec files in place, nothing else touched."""

from __future__ import annotations

import difflib
import json
from pathlib import Path
from typing import Any, Literal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reconciler.adopt import AdoptResult, adopt_drift
from reconciler.diff import diff_specs
from reconciler.errors import PlanError
from reconciler.export import SCHEMA_MODELINE, export_specs, format_value, yaml_string
from reconciler.live import LiveSchedule, live_from_record
from reconciler.spec import ReconcilerConfig
from tests.importing.support import (
    FIXTURES,
    check_golden,
    live,
    load,
    plan_after,
    record_of,
    write_tree,
)
from tests.importing.test_export import _NAMES, _OPTIONAL, live_sets

CONFIG = ReconcilerConfig()
SPEC_FILE = "schedules.d/commented.yaml"

# The account after a few UI edits to what tests/importing/fixtures/commented.yaml describes.
DRIFTED = (
    {
        "id": 1,
        "name": "Solar - East",
        "offer_id": 1001,
        "paused": True,
        "sortable_order": "10",
        "lead_duplicate_timeframe": 2592000,
    },
    {"id": 2, "name": "Solar - West", "offer_id": 1001, "paused": True, "sortable_order": "7.5"},
    {"id": 88231, "name": "Solar — Texas Weekend (renamed)", "paused": True},
    {
        "id": 4,
        "name": "Insurance - Auto",
        "offer_id": 2002,
        "paused": "on",
        "sortable_order": "12.25",
    },
    {
        "id": 5,
        "name": "Medicare - Overflow",
        "offer_id": None,
        "paused": False,
        "lead_duplicate_timeframe": 172800,
    },
    {"id": 41, "name": "Folded: renamed", "paused": True},
    {"id": 6, "name": "Untouched", "paused": True, "sortable_order": "1.5"},
)
UNMANAGED = ({"id": 7, "name": "yes", "offer_id": 3, "paused": False},)


def _account(*, unmanaged: bool = False) -> list[LiveSchedule]:
    return live(*DRIFTED, *(UNMANAGED if unmanaged else ()))


def _adopt_tree(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    files: dict[str, str],
    account: list[LiveSchedule],
    **options: Any,
) -> AdoptResult:
    """Write ``files`` under ``tmp_path``, load them as the CLI would, and adopt ``account``."""
    write_tree(tmp_path, files)
    monkeypatch.chdir(tmp_path)
    specs = load(Path("schedules.d")).specs
    return adopt_drift(files, specs, account, CONFIG, **options)


def _plan_after(
    tmp_path: Path, files: dict[str, str], result: AdoptResult, account: list[LiveSchedule]
) -> Any:
    write_tree(tmp_path, {**files, **result.files})
    return plan_after(tmp_path / "schedules.d", account)


def _commented() -> dict[str, str]:
    return {SPEC_FILE: (FIXTURES / "commented.yaml").read_bytes().decode("utf-8")}


def test_adopt_of_a_commented_file_matches_golden(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Adopting drift into a file full of comments gives the golden file byte for byte."""
    result = _adopt_tree(tmp_path, monkeypatch, _commented(), _account())
    assert list(result.files) == [SPEC_FILE]
    assert result.skipped == []
    check_golden("commented.yaml", result.files[SPEC_FILE])
    check_golden("commented.changes.txt", "\n".join(result.changes) + "\n")


def test_adopt_changes_only_the_lines_of_drifted_values(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Line by line, only the lines holding a drifted value differ after adopting."""
    files = _commented()
    result = _adopt_tree(tmp_path, monkeypatch, files, _account())
    specs = load(Path("schedules.d")).specs
    diff = diff_specs(specs, _account(), CONFIG)
    by_location = {s.location: s for s in specs}
    required: set[int] = set()
    allowed: set[int] = set()
    for change in diff.changes:
        assert change.source is not None
        loaded = by_location[change.source]
        key_lines = sorted(at.line for at in loaded.key_locations.values())
        for field_change in change.fields:
            line = loaded.key_locations[field_change.field].line
            required.add(line)
            later = [x for x in key_lines if x > line]
            allowed.update(range(line, later[0] if later else line + 1))  # a value may span lines
    before = files[SPEC_FILE].splitlines(keepends=True)
    after = result.files[SPEC_FILE].splitlines(keepends=True)
    touched: set[int] = set()
    for tag, i1, i2, _, _ in difflib.SequenceMatcher(a=before, b=after).get_opcodes():
        if tag != "equal":
            touched.update(range(i1 + 1, i2 + 1))
    assert required <= touched <= allowed
    assert len(result.changes) == sum(len(change.fields) for change in diff.changes)


def test_adopt_then_plan_is_empty(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """After adopting (unmanaged schedules included), the plan against the account is empty."""
    files = _commented()
    account = _account(unmanaged=True)
    result = _adopt_tree(tmp_path, monkeypatch, files, account, include_unmanaged=True)
    diff = _plan_after(tmp_path, files, result, account)
    assert (diff.changes, diff.issues, diff.unmanaged) == ((), (), ())
    assert "schedules.d/imported.yaml: 'yes' added (live id 7, was unmanaged)" in result.changes


def test_adopt_without_drift_changes_no_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """When the account matches the specs, adopting changes no file and reports nothing."""
    files = _commented()
    first = _adopt_tree(tmp_path, monkeypatch, files, _account())
    second = _adopt_tree(tmp_path / "again", monkeypatch, first.files, _account())
    assert (second.files, second.changes, second.skipped) == ({}, [], [])


def test_adopt_leaves_unmanaged_schedules_out_by_default(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Without ``include_unmanaged``, a live schedule no spec names is not written anywhere."""
    result = _adopt_tree(tmp_path, monkeypatch, _commented(), _account(unmanaged=True))
    assert list(result.files) == [SPEC_FILE]
    assert "'yes'" not in result.files[SPEC_FILE]


def _one_entry(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, entry: str, record: dict[str, Any]
) -> tuple[str, AdoptResult]:
    files = {"schedules.d/a.yaml": f"schedules:\n  - {entry}\n"}
    result = _adopt_tree(tmp_path, monkeypatch, files, live(record))
    diff = _plan_after(tmp_path, files, result, live(record))
    assert (diff.changes, diff.issues) == ((), ())
    return result.files["schedules.d/a.yaml"], result


@pytest.mark.parametrize(
    ("written", "value", "expected"),
    [
        ("no", True, "yes"),
        ("Off", True, "On"),
        ("OFF", True, "ON"),
        ("0", True, "1"),
        ("false", True, "true"),
        ("True", False, "False"),
        ('"no"', True, '"yes"'),
        ("'0'", True, "'1'"),
    ],
)
def test_adopt_writes_paused_in_the_users_words(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, written: str, value: bool, expected: str
) -> None:
    """A drifted ``paused`` keeps the words, case and quotes it was written in."""
    entry = f"name: A\n    paused: {written}"
    text, _ = _one_entry(tmp_path, monkeypatch, entry, {"id": 1, "name": "A", "paused": value})
    assert f"    paused: {expected}\n" in text


@pytest.mark.parametrize(
    ("key", "written", "value", "expected"),
    [
        ("sortable_order", '"5.0"', "7.5", '"7.5"'),
        ("sortable_order", "5", "0.0000001", "0.0000001"),
        ("sortable_order", "5", "-12", "-12"),
        ("offer_id", "1001", None, "null"),
        ("offer_id", "'1001'", None, "null"),
        ("offer_id", "~", 42, "42"),
        ("lead_duplicate_timeframe", '"60"', 3600, '"3600"'),
    ],
)
def test_adopt_writes_numbers_in_the_values_style(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    key: str,
    written: str,
    value: Any,
    expected: str,
) -> None:
    """A drifted number keeps its quotes, is never written in exponent form, and null is bare."""
    entry = f"name: A\n    {key}: {written}"
    text, _ = _one_entry(tmp_path, monkeypatch, entry, {"id": 1, "name": "A", key: value})
    assert f"    {key}: {expected}\n" in text


@pytest.mark.parametrize(
    ("written", "live_name", "expected"),
    [
        ("Old", "Solar - East", "Solar - East"),
        ("Old", "yes", '"yes"'),
        ("Old", "a: b", '"a: b"'),
        ("'Old'", "It's new", "'It''s new'"),
        ("'Old'", "tab\there", '"tab\\there"'),
        ('"Old"', "New", '"New"'),
        ("|-\n      Old", "New", '"New"'),
    ],
)
def test_adopt_renames_a_pinned_schedule_to_its_live_name(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, written: str, live_name: str, expected: str
) -> None:
    """A pinned id whose live name changed takes the live name, quoted as safely as needed."""
    entry = f"name: {written}\n    id: 9"
    text, result = _one_entry(tmp_path, monkeypatch, entry, {"id": 9, "name": live_name})
    assert text == f"schedules:\n  - name: {expected}\n    id: 9\n"
    shown = json.dumps(live_name, ensure_ascii=False)
    assert result.changes == [f"schedules.d/a.yaml: 'Old' name \"Old\" → {shown}"]


def test_adopt_edits_a_flow_mapping_in_place(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A value inside a flow mapping is replaced there, quoted for flow context when needed."""
    entry = "{name: Old, id: 9, paused: false}  # one line"
    text, _ = _one_entry(
        tmp_path, monkeypatch, entry, {"id": 9, "name": "Old, new", "paused": True}
    )
    assert text == 'schedules:\n  - {name: "Old, new", id: 9, paused: true}  # one line\n'


def test_adopt_keeps_trailing_comments_in_their_column(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """When a value grows or shrinks, the spaces before its trailing comment absorb it."""
    entry = "name: A\n    sortable_order: 5         # aligned\n    paused: false   # tight"
    record = {"id": 1, "name": "A", "sortable_order": "5.125", "paused": True}
    text, _ = _one_entry(tmp_path, monkeypatch, entry, record)
    assert "    sortable_order: 5.125     # aligned\n" in text
    assert "    paused: true    # tight\n" in text


def test_adopt_keeps_crlf_line_endings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A file with CRLF line endings keeps them, in edited and appended lines alike."""
    files = {"schedules.d/a.yaml": "schedules:\r\n  - name: A\r\n    paused: false\r\n"}
    account = live({"id": 1, "name": "A", "paused": True}, {"id": 2, "name": "B"})
    result = _adopt_tree(
        tmp_path,
        monkeypatch,
        files,
        account,
        include_unmanaged=True,
        unmanaged_file="schedules.d/a.yaml",
    )
    text = result.files["schedules.d/a.yaml"]
    assert text == "schedules:\r\n  - name: A\r\n    paused: true\r\n\r\n  - name: B\r\n"
    diff = _plan_after(tmp_path, files, result, account)
    assert (diff.changes, diff.unmanaged) == ((), ())


@pytest.mark.parametrize(
    ("original", "expected"),
    [
        (
            "# mine\nschedules:\n- name: A  # indentless\n  paused: true\n# the end\n",
            "# mine\nschedules:\n- name: A  # indentless\n  paused: true\n\n- name: B\n# the end\n",
        ),
        (
            "schedules:\n    -   name: A\n        paused: true\n",
            "schedules:\n    -   name: A\n        paused: true\n\n    -   name: B\n",
        ),
        ("schedules: []  # none yet\n", "schedules:   # none yet\n  - name: B\n"),
        ("schedules: []", "schedules:\n  - name: B\n"),
        ("schedules:\n", "schedules:\n  - name: B\n"),
        ("schedules: ~\n# end\n", "schedules:\n  - name: B\n# end\n"),
        (
            "schedules: [{name: A, paused: true}]\n",
            "schedules: [{name: A, paused: true}, {name: B}]\n",
        ),
        ("# only a comment\n", "# only a comment\nschedules:\n  - name: B\n"),
        ("", "schedules:\n  - name: B\n"),
    ],
)
def test_adopt_appends_unmanaged_schedules_to_the_list(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, original: str, expected: str
) -> None:
    """Unmanaged schedules go at the end of the file's list, indented like its entries."""
    files = {"schedules.d/mine.yaml": original}
    has_a = "name: A" in original
    account = live(
        *([{"id": 1, "name": "A", "paused": True}] if has_a else []), {"id": 2, "name": "B"}
    )
    result = _adopt_tree(
        tmp_path,
        monkeypatch,
        files,
        account,
        include_unmanaged=True,
        unmanaged_file="schedules.d/mine.yaml",
    )
    assert result.files == {"schedules.d/mine.yaml": expected}
    assert result.changes == ["schedules.d/mine.yaml: 'B' added (live id 2, was unmanaged)"]
    diff = _plan_after(tmp_path, files, result, account)
    assert (diff.changes, diff.issues) == ((), ())
    assert diff.unmanaged == ()


def test_adopt_creates_the_unmanaged_file_with_a_header(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A missing ``unmanaged_file`` is created, opened by the modeline and the caller's header."""
    files = {"schedules.d/a.yaml": "schedules:\n  - name: A\n"}
    account = live({"id": 1, "name": "A"}, {"id": 2, "name": "B", "paused": True})
    result = _adopt_tree(
        tmp_path, monkeypatch, files, account, include_unmanaged=True, header="Adopted today."
    )
    text = result.files["schedules.d/imported.yaml"]
    assert text.startswith(f"{SCHEMA_MODELINE}\n#\n# Adopted today.\n")
    assert text.endswith("schedules:\n  - name: B\n    paused: true\n")
    assert result.changes[0] == "schedules.d/imported.yaml: created"
    diff = _plan_after(tmp_path, files, result, account)
    assert (diff.changes, diff.unmanaged) == ((), ())


def test_adopt_pins_an_unmanaged_schedule_that_shares_a_name(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An unmanaged schedule named like another is appended with its ``id:`` pinned."""
    files = {"schedules.d/a.yaml": "schedules:\n  - name: Twin\n    id: 1\n"}
    account = live({"id": 1, "name": "Twin"}, {"id": 2, "name": "Twin"})
    result = _adopt_tree(tmp_path, monkeypatch, files, account, include_unmanaged=True)
    text = result.files["schedules.d/imported.yaml"]
    assert "  - name: Twin\n    id: 2  # pinned: another schedule has this name\n" in text


def test_adopt_does_not_create_or_delete(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A spec whose schedule is not live, or says ``ensure: absent``, is kept and reported."""
    files = {
        "schedules.d/a.yaml": "schedules:\n  - name: Gone\n  - name: Old\n    ensure: absent\n"
    }
    result = _adopt_tree(tmp_path, monkeypatch, files, live({"id": 1, "name": "Old"}))
    assert result.files == {}
    assert result.skipped == [
        "schedules.d/a.yaml:2:5: 'Gone' is not live; kept (apply would create it)",
        "schedules.d/a.yaml:3:5: 'Old' is live but its spec says ensure: absent; kept",
    ]


def test_adopt_refuses_specs_it_cannot_match(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """When a spec matches two live schedules, adopting raises ``PlanError`` as plan would."""
    files = {"schedules.d/a.yaml": "schedules:\n  - name: Twin\n"}
    account = live({"id": 1, "name": "Twin"}, {"id": 2, "name": "Twin"})
    with pytest.raises(PlanError) as raised:
        _adopt_tree(tmp_path, monkeypatch, files, account)
    assert raised.value.message == "1 spec cannot be matched to the live account"
    assert [str(issue) for issue in raised.value.issues] == [
        "schedules.d/a.yaml:2:5: 2 live schedules are named 'Twin' (ids 1, 2); "
        "pin the one this spec manages with `id:`"
    ]


def test_adopt_skips_values_shared_through_anchors(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A value shared with a YAML anchor is left alone and reported, never half-edited."""
    text = "schedules:\n  - name: A\n    paused: &p false\n  - name: B\n    paused: *p\n"
    files = {"schedules.d/a.yaml": text}
    account = live({"id": 1, "name": "A", "paused": True}, {"id": 2, "name": "B", "paused": False})
    result = _adopt_tree(tmp_path, monkeypatch, files, account)
    assert result.files == {}
    assert len(result.skipped) == 1
    assert "anchor or alias" in result.skipped[0]


def test_adopt_skips_a_live_value_no_spec_accepts(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A live value the spec format refuses (negative seconds) is reported, not written."""
    files = {"schedules.d/a.yaml": "schedules:\n  - name: A\n    lead_duplicate_timeframe: 60\n"}
    result = _adopt_tree(
        tmp_path, monkeypatch, files, live({"id": 1, "name": "A", "lead_duplicate_timeframe": -1})
    )
    assert result.files == {}
    assert "the live value -1 is not valid in a spec" in result.skipped[0]


def test_adopt_warns_when_a_rename_clashes_with_another_spec(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Adopting a rename onto a name another spec uses is reported, since names must be unique."""
    files = {"schedules.d/a.yaml": "schedules:\n  - name: A\n    id: 1\n  - name: B\n"}
    result = _adopt_tree(tmp_path, monkeypatch, files, live({"id": 1, "name": "B"}))
    assert result.files["schedules.d/a.yaml"] == "schedules:\n  - name: B\n    id: 1\n  - name: B\n"
    assert any("after adopting, 'B' names 2 specs" in line for line in result.skipped)


def test_adopt_reports_specs_whose_file_was_not_given(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Drift in a file missing from ``files`` is reported as not adopted."""
    files = {"schedules.d/a.yaml": "schedules:\n  - name: A\n    paused: false\n"}
    monkeypatch.chdir(tmp_path)
    write_tree(tmp_path, files)
    specs = load(Path("schedules.d")).specs
    result = adopt_drift({}, specs, live({"id": 1, "name": "A", "paused": True}), CONFIG)
    assert result.files == {}
    assert result.skipped == [
        "schedules.d/a.yaml: not among the files given; its drift is not adopted"
    ]


@st.composite
def drifted(draw: st.DrawFn, before: list[LiveSchedule]) -> list[LiveSchedule]:
    """``before`` after random UI edits: shown fields changed, new schedules added."""
    after = []
    for record in before:
        fields = record_of(record)
        for key, values in _OPTIONAL.items():
            if key in fields and draw(st.booleans()):
                fields[key] = draw(values)
        after.append(live_from_record(fields))
    taken = {r.name for r in before} | {r.id for r in before}
    extra = draw(live_sets())
    return after + [r for r in extra if r.name not in taken and r.id not in taken]


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=st.data(), before=live_sets())
def test_adopt_of_any_drift_plans_empty(
    tmp_path_factory: pytest.TempPathFactory, data: st.DataObject, before: list[LiveSchedule]
) -> None:
    """For any account and any UI edits to it, import, adopt, then plan gives no change."""
    root = tmp_path_factory.mktemp("adopt")
    files = {str(root / k): v for k, v in export_specs(before, split="none", header="x").items()}
    for path, text in files.items():
        Path(path).write_text(text, encoding="utf-8")
    after = data.draw(drifted(before))
    result = adopt_drift(
        files,
        load(root).specs,
        after,
        CONFIG,
        include_unmanaged=True,
        unmanaged_file=str(root / "imported.yaml"),
    )
    refused = [s for s in result.skipped if "not valid in a spec" in s]
    nameless = [s for s in result.skipped if "not adopted: its name is" in s]
    assert len(refused) + len(nameless) == len(result.skipped)
    for path, text in result.files.items():
        Path(path).write_text(text, encoding="utf-8")
    diff = plan_after(root, after)
    assert diff.issues == ()
    assert len(diff.changes) == len(refused)
    assert all(r.fields.get("name") is None or not r.name.strip() for r in diff.unmanaged)


def _styled_value(draw: st.DrawFn, key: str, value: Any, *, flow: bool) -> str:
    """``value`` written the way a person might: quoted or not, in any boolean words."""
    if value is None:
        return draw(st.sampled_from(["null", "~", "Null"]))
    if isinstance(value, str):
        styles: list[Literal["plain", "'", '"']] = ["plain", "'", '"']
        return yaml_string(value, flow=flow, style=draw(st.sampled_from(styles)))
    if isinstance(value, bool):
        family = draw(st.sampled_from([("true", "false"), ("yes", "no"), ("on", "off")]))
        word = family[0] if value else family[1]
        word = draw(st.sampled_from([word, word.upper(), word.capitalize()]))
        if draw(st.booleans()):
            word = "1" if value else "0"
    else:
        word = format_value(key, value)
    quote = draw(st.sampled_from(["", "", "'", '"']))
    return f"{quote}{word}{quote}"


@st.composite
def styled_files(draw: st.DrawFn) -> tuple[str, list[LiveSchedule], list[LiveSchedule]]:
    """A hand-styled spec file for an account, the account, and the account after UI edits."""
    before = [
        r for r in draw(live_sets()) if isinstance(r.fields.get("name"), str) and r.name.strip()
    ]
    lines = ["# hand-written", "schedules:"]
    after: list[LiveSchedule] = []
    names = {r.name for r in before}
    for record in before:
        pinned = draw(st.booleans())
        items: list[tuple[str, Any]] = [("name", record.name)]
        items += [("id", record.id)] if pinned else []
        items += [(k, v) for k, v in record.fields.items() if k != "name"]
        items = [(k, v) for k, v in items if not (isinstance(v, int) and v < 0)]
        flow = draw(st.integers(0, 3)) == 0
        texts = [(k, _styled_value(draw, k, v, flow=flow)) for k, v in items]
        if flow:
            lines.append("  - {" + ", ".join(f"{k}: {t}" for k, t in texts) + "}")
        else:
            for index, (key, text) in enumerate(texts):
                gap = " " * draw(st.integers(1, 6))
                comment = draw(st.sampled_from(["", f"{gap}# about {key}"]))
                lines.append(f"{'  - ' if index == 0 else '    '}{key}: {text}{comment}")
        if draw(st.booleans()):
            lines.append(draw(st.sampled_from(["", "  # between entries", "    # inside"])))
        fields = record_of(record)
        for key, values in _OPTIONAL.items():
            if key in fields and draw(st.booleans()):
                fields[key] = draw(values)
        if pinned and draw(st.booleans()):
            fields["name"] = draw(_NAMES.filter(lambda n: n not in names))
            names.add(fields["name"])
        after.append(live_from_record(fields))
    return "\n".join(lines) + "\n", before, after


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(case=styled_files())
def test_adopt_into_any_hand_styled_file_plans_empty(
    tmp_path_factory: pytest.TempPathFactory,
    case: tuple[str, list[LiveSchedule], list[LiveSchedule]],
) -> None:
    """Whatever style the file was written in, adopting UI edits (renames too) plans empty."""
    text, before, after = case
    root = tmp_path_factory.mktemp("styled")
    path = root / "styled.yaml"
    path.write_text(text, encoding="utf-8")
    assert plan_after(root, before).changes == ()
    result = adopt_drift({str(path): text}, load(root).specs, after, CONFIG)
    refused = [s for s in result.skipped if "not valid in a spec" in s]
    assert refused == result.skipped
    if str(path) in result.files:
        path.write_text(result.files[str(path)], encoding="utf-8")
    diff = plan_after(root, after)
    assert diff.issues == ()
    assert len(diff.changes) == len(refused)


DEFAULTS_FILE = """\
defaults: &base
  offer_id: 1234
  paused: false
schedules:
  - name: Solar - East
    sortable_order: 10
  - <<: *base
    name: Solar - West
  - {name: Solar - Flow, sortable_order: 3}
"""


def test_adopting_a_value_from_defaults_sets_it_on_the_schedule_only(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Drift in a value set by defaults: or `<<` is added to that entry; the shared line stays."""
    files = {"schedules.d/solar.yaml": DEFAULTS_FILE}
    account = live(
        {"id": 1, "name": "Solar - East", "offer_id": 999, "paused": False, "sortable_order": "10"},
        {"id": 2, "name": "Solar - West", "offer_id": 1234, "paused": True},
        {"id": 3, "name": "Solar - Flow", "offer_id": 1234, "paused": True, "sortable_order": "3"},
    )
    result = _adopt_tree(tmp_path, monkeypatch, files, account)
    assert result.files["schedules.d/solar.yaml"] == (
        "defaults: &base\n"
        "  offer_id: 1234\n"
        "  paused: false\n"
        "schedules:\n"
        "  - name: Solar - East\n"
        "    sortable_order: 10\n"
        "    offer_id: 999\n"
        "  - <<: *base\n"
        "    name: Solar - West\n"
        "    paused: true\n"
        "  - {name: Solar - Flow, sortable_order: 3, paused: true}\n"
    )
    assert result.skipped == []
    assert _plan_after(tmp_path, files, result, account).changes == ()
