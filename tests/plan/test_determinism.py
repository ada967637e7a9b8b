"""The same inputs give the same bytes; the JSON plan round-trips and agrees with the others."""

from __future__ import annotations

import json
import random
import re
from typing import Any

import pytest

from reconciler.errors import PlanFileError
from reconciler.plan import Plan, build_plan
from reconciler.planfile import plan_from_json, plan_to_json
from reconciler.render import Format, render_plan
from tests.plan.scenarios import SCENARIOS, Scenario

FORMATS: tuple[Format, ...] = ("text", "markdown", "json")
IDS = [s.name for s in SCENARIOS]


def mixed() -> Scenario:
    """The scenario with every kind of change."""
    return next(s for s in SCENARIOS if s.name == "mixed")


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("scenario", SCENARIOS, ids=IDS)
def test_shuffled_live_order_gives_byte_identical_output(scenario: Scenario, fmt: Format) -> None:
    """The order the API lists schedules in never changes a rendered plan by one byte."""
    expected = render_plan(scenario.plan(), fmt)
    rng = random.Random(5)
    for _ in range(5):
        shuffled = list(scenario.live)
        rng.shuffle(shuffled)
        plan = build_plan(scenario.specs, shuffled, scenario.config)
        assert render_plan(plan, fmt) == expected


@pytest.mark.parametrize("scenario", SCENARIOS, ids=IDS)
def test_json_round_trips_to_an_equal_plan(scenario: Scenario) -> None:
    """`plan_from_json(plan_to_json(p)) == p`: apply reads back exactly what plan wrote."""
    plan = scenario.plan()
    assert plan_from_json(plan_to_json(plan)) == plan
    assert plan_to_json(plan_from_json(plan_to_json(plan))) == plan_to_json(plan)


def fields_of(data: dict[str, Any], name: str) -> dict[str, Any]:
    """The ``fields`` object of the JSON change for schedule ``name``."""
    (change,) = [c for c in data["changes"] if c["name"] == name]
    fields: dict[str, Any] = change["fields"]
    return fields


def test_json_has_decimals_as_strings_and_booleans_as_booleans() -> None:
    """Decimals are JSON strings, booleans JSON booleans, whole numbers JSON numbers."""
    data = json.loads(render_plan(mixed().plan(), "json"))
    assert data["format_version"] == 1
    east = fields_of(data, "Solar - East")
    assert east["sortable_order"] == {"before": "10", "after": "10.5"}
    assert east["paused"] == {"before": False, "after": True}
    assert fields_of(data, "Auto - Leads")["lead_duplicate_timeframe"] == {
        "before": 30,
        "after": 60,
    }
    created = fields_of(data, "Home Warranty")
    assert created["offer_id"] == {"before": None, "after": 77}
    assert created["sortable_order"] == {"before": None, "after": "3"}
    assert created["paused"] == {"before": None, "after": True}


def test_json_changes_carry_action_name_and_id() -> None:
    """Each JSON change has its action, name, and id (null for a create)."""
    data = json.loads(render_plan(mixed().plan(), "json"))
    by_name = {c["name"]: c for c in data["changes"]}
    assert (by_name["Home Warranty"]["action"], by_name["Home Warranty"]["id"]) == ("create", None)
    assert (by_name["Old campaign"]["action"], by_name["Old campaign"]["id"]) == ("delete", 205)
    renamed = by_name["Solar - North (renamed)"]
    assert (renamed["action"], renamed["id"]) == ("update", 203)
    assert renamed["fields"]["name"] == {
        "before": "Solar - North",
        "after": "Solar - North (renamed)",
    }


def test_json_fields_set_by_defaults_name_the_line_that_set_them() -> None:
    """A field set by defaults: has its own `source`; one written in its entry has none."""
    scenario = next(s for s in SCENARIOS if s.name == "defaults")
    data = json.loads(render_plan(scenario.plan(), "json"))
    east = next(c for c in data["changes"] if c["name"] == "Solar - East")
    assert east["source"] == "schedules.d/main.yaml:6:5"
    assert east["fields"] == {
        "offer_id": {"before": 999, "after": 1234, "source": "schedules.d/main.yaml:2:3"},
        "paused": {"before": False, "after": True},
        "lead_duplicate_timeframe": {
            "before": 30,
            "after": 60,
            "source": "schedules.d/main.yaml:3:3",
        },
    }


SUMMARY_KEYS = ("create", "update", "delete", "unchanged", "unmanaged", "ignored")


def text_counts(text: str) -> dict[str, int]:
    """The counts in a text plan's summary line (an empty plan says "No changes" instead)."""
    writes = (
        r"(?:No changes\. The account matches the specs"
        r"|Plan: (\d+) to create, (\d+) to update, (\d+) to delete)"
    )
    found = re.search(writes + r" \((\d+) unchanged, (\d+) unmanaged, (\d+) ignored\)\.\n", text)
    assert found is not None, text
    counts = (int(g) if g is not None else 0 for g in found.groups())
    return dict(zip(SUMMARY_KEYS, counts, strict=True))


def markdown_counts(markdown: str) -> dict[str, int]:
    """The counts in a Markdown plan's counts table."""
    lines = markdown.splitlines()
    header = lines.index("| " + " | ".join(SUMMARY_KEYS) + " |")
    cells = lines[header + 2].strip("|").split("|")
    return dict(zip(SUMMARY_KEYS, (int(c) for c in cells), strict=True))


@pytest.mark.parametrize("scenario", SCENARIOS, ids=IDS)
def test_summary_counts_are_equal_in_all_three_formats(scenario: Scenario) -> None:
    """Text, Markdown and JSON report the same six counts, which are the plan's."""
    plan = scenario.plan()
    expected = {key: getattr(plan.summary, key) for key in SUMMARY_KEYS}
    assert text_counts(render_plan(plan, "text")) == expected
    assert markdown_counts(render_plan(plan, "markdown")) == expected
    assert json.loads(render_plan(plan, "json"))["summary"] == expected


def test_mixed_scenario_counts_are_the_expected_ones() -> None:
    """The mixed scenario plans 1 create, 5 updates, 1 delete; 1 unchanged, 3 unmanaged."""
    summary = mixed().plan().summary
    assert (summary.create, summary.update, summary.delete) == (1, 5, 1)
    assert (summary.unchanged, summary.unmanaged, summary.ignored) == (1, 3, 1)


def test_a_plan_file_of_another_format_version_is_refused() -> None:
    """`plan_from_json` refuses a plan file whose `format_version` is not 1."""
    data = json.loads(plan_to_json(mixed().plan()))
    data["format_version"] = 2
    with pytest.raises(PlanFileError) as raised:
        plan_from_json(json.dumps(data))
    assert raised.value.message == "the plan file has format_version 2; this reconciler reads 1"
    assert raised.value.hint == "plan again with this version of the reconciler"


def test_a_plan_file_that_is_not_json_is_refused() -> None:
    """`plan_from_json` refuses text that is not JSON, saying so."""
    with pytest.raises(PlanFileError) as raised:
        plan_from_json("Plan: 1 to create")
    assert raised.value.message == (
        "the plan file is not JSON: Expecting value: line 1 column 1 (char 0)"
    )


def test_the_plan_records_a_fingerprint_per_live_record_and_a_specs_digest() -> None:
    """The plan fingerprints every live record it read, and digests what the specs ask for."""
    scenario = mixed()
    plan: Plan = scenario.plan()
    considered = {r.id for r in scenario.live if not r.name.startswith("tmp - ")}
    assert set(plan.fingerprints) == considered
    assert len(plan.specs_digest) == 64
    assert build_plan(
        list(reversed(scenario.specs)), scenario.live, scenario.config
    ).specs_digest == (plan.specs_digest)
