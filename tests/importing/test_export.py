"""``export_specs``: live schedules → spec files that plan empty against the same account."""

from __future__ import annotations

import random
from decimal import Decimal
from pathlib import Path
from typing import Any, Literal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reconciler.export import SCHEMA_MODELINE, export_specs, yaml_string
from reconciler.live import LiveSchedule
from reconciler.yamlnodes import parse_document
from tests.importing.support import live, load, plan_after, write_tree

HEADER = "Imported from acme.trackdrive.com on 2025-01-02T03:04:05Z."


def _records(count: int) -> list[dict[str, Any]]:
    rng = random.Random(count)
    return [
        {
            "id": 1000 + index,
            "name": f"Campaign {index:03d}",
            "offer_id": rng.choice([None, 11, 12, 13]),
            "paused": rng.choice([True, False, "1", "off"]),
            "sortable_order": rng.choice([None, "10", "2.5", "0.000001", "-3"]),
            "lead_duplicate_timeframe": rng.choice([None, 0, 3600, 2592000]),
            "description": rng.choice(
                [None, "", "Solar leads", "two\r\nlines\n", "# not a comment"]
            ),
        }
        for index in range(count)
    ]


def _assert_plans_empty(tmp_path: Path, files: dict[str, str], records: list[LiveSchedule]) -> None:
    diff = plan_after(write_tree(tmp_path / "schedules.d", files), records)
    assert diff.changes == ()
    assert diff.issues == ()
    assert diff.unknown == ()


@pytest.mark.parametrize("count", [0, 1, 300])
@pytest.mark.parametrize("split", ["none", "offer"])
def test_export_plans_empty(tmp_path: Path, count: int, split: Any) -> None:
    """Importing 0, 1 or 300 schedules gives files whose plan against the account is empty."""
    records = live(*_records(count))
    files = export_specs(records, split=split, header=HEADER)
    _assert_plans_empty(tmp_path, files, records)
    assert len(load(tmp_path / "schedules.d").specs) == count
    assert plan_after(tmp_path / "schedules.d", records).unmanaged == ()


def test_export_without_split_writes_one_file_even_when_empty() -> None:
    """``split="none"`` always gives ``schedules.yaml``, with an empty list for no schedules."""
    files = export_specs([], split="none", header=HEADER)
    assert list(files) == ["schedules.yaml"]
    assert files["schedules.yaml"].endswith("schedules: []\n")


def test_export_by_offer_names_files_after_offers() -> None:
    """``split="offer"`` gives ``offer-<id>.yaml`` per offer and ``no-offer.yaml`` for the rest."""
    records = live(
        {"id": 1, "name": "A", "offer_id": 20},
        {"id": 2, "name": "B", "offer_id": 3},
        {"id": 3, "name": "C", "offer_id": None},
        {"id": 4, "name": "D"},
    )
    files = export_specs(records, split="offer", header=HEADER)
    assert list(files) == ["offer-3.yaml", "offer-20.yaml", "no-offer.yaml"]
    assert "name: C" in files["no-offer.yaml"]
    assert "name: D" in files["no-offer.yaml"]


def test_export_opens_with_modeline_and_header() -> None:
    """Each file opens with the schema modeline, then the caller's header as comments."""
    text = export_specs(live({"id": 1, "name": "A"}), split="none", header=HEADER)["schedules.yaml"]
    lines = text.splitlines()
    assert lines[0] == SCHEMA_MODELINE
    assert f"# {HEADER}" in lines[:4]


def test_export_order_is_stable(tmp_path: Path) -> None:
    """Entries are sorted by name then id, whatever order the account listed them in."""
    records = live(*_records(40), {"id": 1, "name": "Campaign 007 (b)"})
    shuffled = list(records)
    random.Random(7).shuffle(shuffled)
    first = export_specs(records, split="none", header=HEADER)
    assert export_specs(shuffled, split="none", header=HEADER) == first
    names = [s.spec.name for s in load(write_tree(tmp_path, first)).specs]
    assert names == sorted(names)


def test_export_writes_every_shown_field_and_no_hidden_one(tmp_path: Path) -> None:
    """Shown fields are written (an empty one as null); a hidden field is left out, not null."""
    records = live(
        {"id": 1, "name": "Shown", "offer_id": None, "paused": False, "sortable_order": None},
        {"id": 2, "name": "Hidden"},
    )
    files = export_specs(records, split="none", header=HEADER)
    specs = {s.spec.name: s.spec for s in load(write_tree(tmp_path, files)).specs}
    assert specs["Shown"].managed_values() == {
        "name": "Shown",
        "offer_id": None,
        "paused": False,
        "sortable_order": None,
    }
    assert specs["Hidden"].managed_values() == {"name": "Hidden"}
    assert files["schedules.yaml"].count("null") == 2


@pytest.mark.parametrize(
    "value",
    ["10.0", "0.0000001", "-2.50", "123456789012345678.25", "1E+3", "99999999999999999999999"],
)
def test_export_writes_sortable_order_as_an_exact_plain_number(tmp_path: Path, value: str) -> None:
    """``sortable_order`` is a plain number (no quotes, no exponent) that reads back exactly."""
    records = live({"id": 1, "name": "A", "sortable_order": value})
    files = export_specs(records, split="none", header=HEADER)
    line = next(x for x in files["schedules.yaml"].splitlines() if "sortable_order" in x)
    written = line.split(": ", 1)[1]
    assert written.lstrip("-").replace(".", "").isdigit()
    (spec,) = load(write_tree(tmp_path, files)).specs
    assert spec.spec.sortable_order == records[0].fields["sortable_order"]
    assert spec.spec.sortable_order == Decimal(value)


def test_export_pins_ids_of_duplicate_names() -> None:
    """Two live schedules with one name are both written with their ``id:`` pinned."""
    records = live(
        {"id": 7, "name": "Twin", "paused": True},
        {"id": 3, "name": "Twin", "paused": False},
        {"id": 5, "name": "Single"},
    )
    text = export_specs(records, split="none", header=HEADER)["schedules.yaml"]
    assert "    id: 3  # pinned: 2 live schedules have this name\n" in text
    assert "    id: 7  # pinned: 2 live schedules have this name\n" in text
    assert text.count("    id: ") == 2
    assert text.index("id: 3") < text.index("id: 7")


def test_export_pins_names_shared_with_schedules_left_out() -> None:
    """With ``account``, a name shared with a schedule not exported (``--only``) is pinned."""
    everyone = live({"id": 1, "name": "Twin"}, {"id": 2, "name": "Twin"})
    text = export_specs(everyone[:1], split="none", header=HEADER, account=everyone)
    assert "id: 1" in text["schedules.yaml"]
    assert "id: 2" not in text["schedules.yaml"]


def test_export_with_duplicate_names_plans_empty(tmp_path: Path) -> None:
    """Files with pinned twins load, and plan empty against the account."""
    records = live({"id": 7, "name": "Twin"}, {"id": 3, "name": "Twin", "paused": True})
    _assert_plans_empty(tmp_path, export_specs(records, split="none", header=HEADER), records)


TRICKY_NAMES = [
    "yes",
    "No",
    "ON",
    "off",
    "y",
    "null",
    "~",
    "true",
    "123",
    "1e3",
    "0x1F",
    "0o17",
    "12:30",
    "2001-12-14",
    ".inf",
    "-.5",
    "a: b",
    "#x",
    "x #y",
    "- dash",
    "[list]",
    "{map}",
    "a, b",
    "  leading spaces",
    "trailing space ",
    "tab\there",
    "line\nbreak",
    'double "quote"',
    "it's",
    "'single'",
    "&anchor",
    "*alias",
    "!tag",
    "%percent",
    "@at",
    "`tick",
    "|",
    ">",
    "?",
    ":",
    "-",
    "back\\slash",
    "é café",
    "日本語のスケジュール",
    "emoji 🎉",
    "sep\u2028arator",
    "nel\x85",
    "del\x7f",
    "\ufeffbom",
    "nbsp\xa0",
    "bell\x07",
    "Solar - East (copy) / 2",
]


@pytest.mark.parametrize("name", TRICKY_NAMES)
def test_export_quotes_tricky_names_safely(tmp_path: Path, name: str) -> None:
    """Whatever a name holds, the exported spec reads back as exactly that name."""
    records = live({"id": 1, "name": name, "paused": False})
    files = export_specs(records, split="none", header=HEADER)
    (spec,) = load(write_tree(tmp_path, files)).specs
    assert spec.spec.name == name
    _assert_plans_empty(tmp_path / "again", files, records)


def test_export_writes_a_plain_name_without_quotes() -> None:
    """A name that needs no quotes is written plainly, as a person would."""
    text = export_specs(live({"id": 1, "name": "Solar - East"}), split="none", header=HEADER)
    assert "  - name: Solar - East\n" in text["schedules.yaml"]


def test_export_lists_records_without_a_usable_name_in_a_comment(tmp_path: Path) -> None:
    """A record whose name is hidden or blank is not an entry but named in a closing comment."""
    records = live({"id": 9, "paused": True}, {"id": 8, "name": "   "}, {"id": 1, "name": "A"})
    files = export_specs(records, split="none", header=HEADER)
    text = files["schedules.yaml"]
    assert "#   schedule 9: its name is hidden from this token" in text
    assert "#   schedule 8: its name is blank, which a spec cannot match" in text
    diff = plan_after(write_tree(tmp_path, files), records)
    assert diff.changes == ()
    assert {r.id for r in diff.unmanaged} == {8, 9}


def test_export_leaves_a_value_the_spec_refuses_unmanaged(tmp_path: Path) -> None:
    """A negative ``lead_duplicate_timeframe`` becomes a comment, so the file still loads."""
    records = live({"id": 1, "name": "A", "lead_duplicate_timeframe": -5})
    files = export_specs(records, split="none", header=HEADER)
    assert "# lead_duplicate_timeframe is -5 on the account" in files["schedules.yaml"]
    _assert_plans_empty(tmp_path, files, records)


def test_export_comments_durations() -> None:
    """A duplicate timeframe in whole days, hours or minutes says so in a comment."""
    text = export_specs(
        live({"id": 1, "name": "A", "lead_duplicate_timeframe": 2592000}),
        split="none",
        header=HEADER,
    )["schedules.yaml"]
    assert "lead_duplicate_timeframe: 2592000  # 30 days\n" in text


_NAMES = st.text(min_size=1, max_size=24).filter(lambda s: s.strip() != "")
_DECIMALS = st.one_of(
    st.none(),
    st.integers(-(10**20), 10**20),
    st.decimals(allow_nan=False, allow_infinity=False, min_value=-(10**12), max_value=10**12),
    st.sampled_from(["10.0", "0.0000001", "1E+3", "-0", "5.50"]),
)
_OPTIONAL: dict[str, st.SearchStrategy[Any]] = {
    "offer_id": st.one_of(st.none(), st.just(""), st.integers(1, 10**12)),
    "paused": st.one_of(st.booleans(), st.sampled_from(["1", "0", "yes", "OFF", "on"])),
    "sortable_order": _DECIMALS,
    "lead_duplicate_timeframe": st.one_of(st.none(), st.integers(-10, 10**9)),
    "description": st.one_of(st.none(), st.text(max_size=60), st.sampled_from(["a\r\nb  \n", " "])),
}


@st.composite
def live_sets(draw: st.DrawFn) -> list[LiveSchedule]:
    """Random accounts: unique names and ids, each field shown or hidden at random."""
    names = draw(st.lists(_NAMES, max_size=12, unique=True))
    ids = draw(
        st.lists(st.integers(1, 10**12), min_size=len(names), max_size=len(names), unique=True)
    )
    records = []
    for name, schedule_id in zip(names, ids, strict=True):
        record: dict[str, Any] = {"id": schedule_id}
        if draw(st.integers(0, 19)):  # now and then the token cannot see the name
            record["name"] = name
        for key, values in _OPTIONAL.items():
            if draw(st.booleans()):
                record[key] = draw(values)
        records.append(record)
    return live(*records)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(records=live_sets(), split=st.sampled_from(["none", "offer"]))
def test_export_of_any_account_plans_empty(
    tmp_path_factory: pytest.TempPathFactory, records: list[LiveSchedule], split: Any
) -> None:
    """For any account, loading the exported files and planning gives no change and no issue."""
    root = tmp_path_factory.mktemp("export")
    files = export_specs(records, split=split, header=HEADER)
    _assert_plans_empty(root, files, records)


_PLAINISH = st.text(alphabet="aZ09 _.-()/&+',!?@%:#[]{}|>*&~\"\\\t\n", min_size=1, max_size=12)
_STYLES: list[Literal["plain", "'", '"']] = ["plain", "'", '"']


@settings(max_examples=300, deadline=None)
@given(
    text=st.one_of(_PLAINISH, st.text(max_size=8)),
    flow=st.booleans(),
    style=st.sampled_from(_STYLES),
)
def test_yaml_string_reads_back_as_the_same_text(
    text: str, flow: bool, style: Literal["plain", "'", '"']
) -> None:
    """Any text, written by ``yaml_string`` in any style and context, reads back unchanged."""
    written = yaml_string(text, flow=flow, style=style)
    document = f"v: [{written}]\n" if flow else f"v: {written}\n"
    located, issues = parse_document(document, "x.yaml")
    assert not issues
    assert located is not None
    assert located.value["v"] == ([text] if flow else text)


def test_export_by_offer_writes_what_a_file_shares_as_its_defaults(tmp_path: Path) -> None:
    """With split offer, values every schedule of a file shows alike become its defaults:."""
    records = live(
        {"id": 1, "name": "East", "offer_id": 12, "paused": False, "sortable_order": "1"},
        {"id": 2, "name": "West", "offer_id": 12, "paused": False, "description": "x"},
        {"id": 3, "name": "Alone", "offer_id": 13, "paused": True},
    )
    files = export_specs(records, split="offer", header="Imported")
    body = files["offer-12.yaml"].split("changes it.\n", 1)[1]
    assert body == (
        "defaults:  # every schedule below has these, unless it sets its own\n"
        "  offer_id: 12\n"
        "  paused: false\n"
        "schedules:\n"
        "  - name: East\n"
        "    sortable_order: 1\n"
        "\n"
        "  - name: West\n"
        "    description: x\n"
    )
    assert "defaults:" not in files["offer-13.yaml"]
    _assert_plans_empty(tmp_path, files, records)
