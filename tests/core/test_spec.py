"""The spec models: what a schedule spec and reconciler.yaml accept, and what "given" means."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from reconciler.normalize import MANAGED_FIELDS
from reconciler.spec import SCHEDULE_KEYS, ReconcilerConfig, SafetyConfig, ScheduleSpec


def errors(
    raised: pytest.ExceptionInfo[ValidationError],
) -> list[tuple[tuple[str | int, ...], str, str]]:
    """Each error of a ValidationError as (location, type, message), in order."""
    return [(tuple(e["loc"]), e["type"], e["msg"]) for e in raised.value.errors()]


BOOL_WORDS = {"1": True, "true": True, "yes": True, "on": True}
BOOL_WORDS |= {"0": False, "false": False, "no": False, "off": False}


def test_a_field_left_out_is_not_managed() -> None:
    """A field left out of a spec is absent from its managed values, so it is never sent."""
    spec = ScheduleSpec(name="Solar - East")
    assert spec.managed_values() == {"name": "Solar - East"}


def test_a_field_given_as_null_is_managed_as_null() -> None:
    """A field given as null is managed: its managed value is None, unlike a left-out field."""
    spec = ScheduleSpec.model_validate(
        {
            "name": "Solar",
            "offer_id": None,
            "sortable_order": None,
            "lead_duplicate_timeframe": None,
        }
    )
    assert spec.managed_values() == {
        "name": "Solar",
        "offer_id": None,
        "sortable_order": None,
        "lead_duplicate_timeframe": None,
    }


def test_given_and_left_out_null_fields_hold_the_same_value_but_differ_in_management() -> None:
    """Left out and given as null read the same value, yet only the latter is managed."""
    left_out = ScheduleSpec(name="A")
    given_null = ScheduleSpec.model_validate({"name": "A", "offer_id": None})
    assert left_out.offer_id is None
    assert given_null.offer_id is None
    assert "offer_id" not in left_out.managed_values()
    assert "offer_id" in given_null.managed_values()


def test_a_paused_default_is_not_managed() -> None:
    """paused defaults to false, but a spec that leaves it out does not manage it."""
    spec = ScheduleSpec(name="A")
    assert spec.paused is False
    assert "paused" not in spec.managed_values()


def test_managed_values_are_canonical() -> None:
    """Managed values are canonical: the API's words become booleans, numeric text Decimals."""
    spec = ScheduleSpec.model_validate(
        {
            "name": "A",
            "offer_id": "1001",
            "paused": "On",
            "sortable_order": "10.50",
            "lead_duplicate_timeframe": "30",
        }
    )
    assert spec.managed_values() == {
        "name": "A",
        "offer_id": 1001,
        "paused": True,
        "sortable_order": Decimal("10.5"),
        "lead_duplicate_timeframe": 30,
    }


def test_managed_values_never_hold_id_or_ensure() -> None:
    """The id pin and ensure steer matching and deletion; they are never managed fields."""
    spec = ScheduleSpec.model_validate({"name": "A", "id": 5, "ensure": "absent"})
    assert spec.managed_values() == {"name": "A"}


def test_managed_values_follow_the_managed_field_order() -> None:
    """Managed values come in MANAGED_FIELDS order, whatever order the spec gives them in."""
    spec = ScheduleSpec.model_validate(
        {"lead_duplicate_timeframe": 1, "paused": True, "offer_id": 2, "name": "A"}
    )
    assert list(spec.managed_values()) == [
        f for f in MANAGED_FIELDS if f in {"name", "offer_id", "paused", "lead_duplicate_timeframe"}
    ]


def test_the_managed_fields_are_the_six_the_reference_lets_post_or_put_write() -> None:
    """name, offer_id, paused, sortable_order, lead_duplicate_timeframe, description: managed."""
    assert MANAGED_FIELDS == (
        "name",
        "offer_id",
        "paused",
        "sortable_order",
        "lead_duplicate_timeframe",
        "description",
    )


def test_schedule_keys_are_every_field_in_declaration_order() -> None:
    """SCHEDULE_KEYS, used for did-you-mean, lists every key a spec may hold."""
    assert SCHEDULE_KEYS == (
        "name",
        "id",
        "offer_id",
        "paused",
        "sortable_order",
        "lead_duplicate_timeframe",
        "description",
        "ensure",
    )


def test_specs_are_frozen() -> None:
    """A spec is a value: assigning to a field raises."""
    spec = ScheduleSpec(name="A")
    with pytest.raises(ValidationError) as raised:
        spec.name = "B"  # type: ignore[misc]
    assert errors(raised) == [(("name",), "frozen_instance", "Instance is frozen")]


def test_unknown_keys_are_refused() -> None:
    """A key the model does not know is an error, never silently dropped."""
    with pytest.raises(ValidationError) as raised:
        ScheduleSpec.model_validate({"name": "A", "pasued": True})
    assert errors(raised) == [(("pasued",), "extra_forbidden", "Extra inputs are not permitted")]


def test_ensure_defaults_to_present() -> None:
    """A spec without ensure wants the schedule to exist."""
    assert ScheduleSpec(name="A").ensure == "present"


def test_sortable_order_is_an_exact_decimal_never_a_float() -> None:
    """0.1 written as text or as a decimal stays exactly 0.1, and a Python float is refused."""
    assert ScheduleSpec.model_validate({"name": "A", "sortable_order": "0.1"}).sortable_order == (
        Decimal("0.1")
    )
    assert ScheduleSpec.model_validate(
        {"name": "A", "sortable_order": Decimal("0.1")}
    ).sortable_order == Decimal("0.1")
    with pytest.raises(ValidationError) as raised:
        ScheduleSpec.model_validate({"name": "A", "sortable_order": 0.1})
    assert errors(raised) == [
        (
            ("sortable_order",),
            "value_error",
            "Value error, expected a decimal number, got 0.1 (float)",
        )
    ]


@pytest.mark.parametrize("name", ["", " ", "\t\n"])
def test_a_blank_name_is_refused(name: str) -> None:
    """A name that is empty or only whitespace is refused, at the name."""
    with pytest.raises(ValidationError) as raised:
        ScheduleSpec(name=name)
    assert errors(raised) == [
        (("name",), "value_error", "Value error, a schedule's name must not be empty")
    ]


def test_a_name_is_required() -> None:
    """A spec without a name is refused: the name is its identity."""
    with pytest.raises(ValidationError) as raised:
        ScheduleSpec.model_validate({"paused": True})
    assert errors(raised) == [(("name",), "missing", "Field required")]


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("id", 0, "expected a positive schedule id, got 0"),
        ("id", -1, "expected a positive schedule id, got -1"),
        ("offer_id", 0, "expected a positive offer id, got 0"),
        ("offer_id", -5, "expected a positive offer id, got -5"),
        ("lead_duplicate_timeframe", -1, "expected a number of seconds ≥ 0, got -1"),
        ("id", True, "expected a whole number, got true"),
        ("offer_id", False, "expected a positive offer id, got false"),
        ("lead_duplicate_timeframe", True, "expected a whole number, got true"),
        ("paused", 2, "expected a boolean (true/false, yes/no, on/off, 1/0), got 2"),
        ("paused", None, "expected a boolean (true/false, yes/no, on/off, 1/0), got null"),
        ("ensure", "deleted", "expected 'present' or 'absent', got 'deleted'"),
    ],
)
def test_out_of_range_or_mistyped_values_are_refused(
    field: str, value: object, message: str
) -> None:
    """Ids and offer ids are positive, timeframes ≥ 0, booleans are not numbers beyond 0/1."""
    with pytest.raises(ValidationError) as raised:
        ScheduleSpec.model_validate({"name": "A", field: value})
    assert errors(raised) == [((field,), "value_error", f"Value error, {message}")]


@settings(database=None, max_examples=60)
@given(
    word=st.sampled_from(sorted(BOOL_WORDS)),
    flips=st.lists(st.booleans(), min_size=5, max_size=5),
)
def test_paused_accepts_the_api_words_in_any_case(word: str, flips: list[bool]) -> None:
    """paused accepts 1/true/yes/on/0/false/no/off in any mix of case."""
    cased = "".join(c.upper() if flip else c for c, flip in zip(word, flips, strict=False))
    spec = ScheduleSpec.model_validate({"name": "A", "paused": cased})
    assert spec.paused is BOOL_WORDS[word]


def test_config_defaults_match_the_documented_values() -> None:
    """reconciler.yaml's defaults: prune false, no ignore patterns, the documented thresholds."""
    config = ReconcilerConfig()
    assert (config.prune, config.ignore) == (False, ())
    assert config.safety.max_deletes == 10
    assert config.safety.max_delete_percent == 30
    assert config.safety.max_update_percent == 50
    assert config.safety.min_live_for_percent == 10


def test_config_prune_accepts_the_api_words() -> None:
    """prune accepts the same boolean words as paused."""
    assert ReconcilerConfig.model_validate({"prune": "Yes"}).prune is True
    assert ReconcilerConfig.model_validate({"prune": "off"}).prune is False


def test_config_refuses_an_invalid_regex() -> None:
    """An ignore pattern that is not a valid regex is refused, quoting the pattern."""
    with pytest.raises(ValidationError) as raised:
        ReconcilerConfig.model_validate({"ignore": ["^Test ("]})
    assert errors(raised) == [
        (
            ("ignore", 0),
            "value_error",
            "Value error, '^Test (' is not a valid regular expression: "
            "missing ), unterminated subpattern at position 6",
        )
    ]


def test_config_refuses_an_ignore_pattern_that_is_not_text() -> None:
    """An ignore entry that YAML read as a number is refused as not a regular expression."""
    with pytest.raises(ValidationError) as raised:
        ReconcilerConfig.model_validate({"ignore": [42]})
    assert errors(raised) == [
        (("ignore", 0), "value_error", "Value error, expected a regular expression as text")
    ]


def test_config_refuses_unknown_keys_at_every_level() -> None:
    """Unknown keys are refused at the top level and under safety."""
    with pytest.raises(ValidationError) as top:
        ReconcilerConfig.model_validate({"prnue": True})
    assert errors(top) == [(("prnue",), "extra_forbidden", "Extra inputs are not permitted")]
    with pytest.raises(ValidationError) as nested:
        ReconcilerConfig.model_validate({"safety": {"max_delets": 1}})
    assert errors(nested) == [
        (("safety", "max_delets"), "extra_forbidden", "Extra inputs are not permitted")
    ]


@pytest.mark.parametrize(
    ("key", "value", "message"),
    [
        ("max_deletes", -1, "expected a whole number ≥ 0, got -1"),
        ("max_delete_percent", 101, "expected a percentage from 0 to 100, got 101"),
        # As text: a YAML -0.5 arrives as an exact decimal, never as a float.
        ("max_update_percent", "-0.5", "expected a percentage from 0 to 100, got -0.5"),
        ("min_live_for_percent", -1, "expected a whole number ≥ 0, got -1"),
    ],
)
def test_config_refuses_thresholds_out_of_range(key: str, value: object, message: str) -> None:
    """Counts are ≥ 0 and percentages between 0 and 100."""
    with pytest.raises(ValidationError) as raised:
        ReconcilerConfig.model_validate({"safety": {key: value}})
    assert errors(raised) == [(("safety", key), "value_error", f"Value error, {message}")]


def test_is_ignored_searches_every_pattern_anywhere_in_the_name() -> None:
    """A live name is ignored when any pattern matches it (re.search, not a full match)."""
    config = ReconcilerConfig(ignore=("^Test ", "Sandbox$"))
    assert config.is_ignored("Test - Solar")
    assert config.is_ignored("Solar Sandbox")
    assert not config.is_ignored("Solar - Test Sandbox 2")
    assert not ReconcilerConfig().is_ignored("Test - Solar")


def test_config_is_frozen() -> None:
    """The config is a value: assigning to it raises."""
    config = ReconcilerConfig()
    with pytest.raises(ValidationError) as top:
        config.prune = True  # type: ignore[misc]
    assert errors(top) == [(("prune",), "frozen_instance", "Instance is frozen")]
    with pytest.raises(ValidationError) as nested:
        config.safety.max_deletes = 99  # type: ignore[misc]
    assert errors(nested) == [(("max_deletes",), "frozen_instance", "Instance is frozen")]


def test_safety_config_is_part_of_the_config() -> None:
    """safety given as a mapping becomes a SafetyConfig; missing thresholds keep their defaults."""
    config = ReconcilerConfig.model_validate({"safety": {"max_deletes": 0}})
    assert config.safety == SafetyConfig(max_deletes=0)
