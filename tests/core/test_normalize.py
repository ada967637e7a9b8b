"""Canonical forms: one per managed field, so a plan never shows a change that is not one."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reconciler.normalize import (
    MANAGED_FIELDS,
    FieldValue,
    ManagedField,
    canonical,
    display,
    to_bool,
    to_decimal,
    to_description,
    to_int,
    to_offer_id,
)

TRUE_WORDS = ("1", "true", "yes", "on")
FALSE_WORDS = ("0", "false", "no", "off")
BOUND = Decimal(10) ** 15

finite_decimals = st.decimals(
    min_value=-BOUND, max_value=BOUND, allow_nan=False, allow_infinity=False
)
short_decimals = st.decimals(
    min_value=-BOUND, max_value=BOUND, places=8, allow_nan=False, allow_infinity=False
)


@st.composite
def any_case(draw: st.DrawFn, words: tuple[str, ...]) -> str:
    """One of ``words`` with each letter upper- or lower-cased at random."""
    word = draw(st.sampled_from(words))
    flips = draw(st.lists(st.booleans(), min_size=len(word), max_size=len(word)))
    return "".join(c.upper() if up else c for c, up in zip(word, flips, strict=True))


def accepted_inputs(field: ManagedField) -> st.SearchStrategy[object]:
    """Raw values (as a spec or an API record gives them) that ``canonical`` accepts."""
    match field:
        case "name":
            return st.text(min_size=1)
        case "offer_id":
            ids = st.integers(min_value=1, max_value=10**12)
            return st.one_of(st.none(), ids, ids.map(str))
        case "paused":
            return st.one_of(
                st.booleans(),
                st.sampled_from([0, 1]),
                any_case(TRUE_WORDS + FALSE_WORDS),
            )
        case "sortable_order":
            return st.one_of(
                st.none(),
                st.just(""),
                finite_decimals,
                finite_decimals.map(str),
                st.integers(min_value=-(10**12), max_value=10**12),
            )
        case "lead_duplicate_timeframe":
            seconds = st.integers(min_value=0, max_value=10**9)
            return st.one_of(st.none(), st.just(""), seconds, seconds.map(str))
        case "description":
            return st.one_of(st.none(), st.text())


@settings(database=None, max_examples=100)
@given(finite_decimals)
def test_a_decimal_and_its_text_have_the_same_canonical_form(number: Decimal) -> None:
    """to_decimal(str(d)) == to_decimal(d): "10.50" in a file and 10.50 from the API agree."""
    assert to_decimal(str(number)) == to_decimal(number)
    assert str(to_decimal(str(number))) == str(to_decimal(number))


@settings(database=None, max_examples=100)
@given(short_decimals)
def test_to_decimal_keeps_the_value_of_a_decimal(number: Decimal) -> None:
    """Canonicalizing never changes a decimal's value, only its spelling."""
    assert to_decimal(number) == number


@settings(database=None, max_examples=100)
@given(st.decimals(min_value=-BOUND, max_value=BOUND, places=6))
def test_canonical_decimals_have_no_exponent_and_no_trailing_zeros(number: Decimal) -> None:
    """A canonical decimal (to 6 places) prints plainly: 10 not 1E+1, 10.5 not 10.50."""
    text = display(to_decimal(number))
    assert "E" not in text
    assert not ("." in text and text.endswith("0"))


@settings(database=None, max_examples=100)
@given(st.integers(min_value=-(10**27), max_value=10**27))
def test_an_int_and_its_decimal_spellings_agree(number: int) -> None:
    """10, "10", "10.0" and Decimal("10.00") are the same sortable_order."""
    expected = Decimal(number)
    assert to_decimal(number) == expected
    assert to_decimal(str(number)) == expected
    assert to_decimal(f"{number}.0") == expected
    assert to_decimal(Decimal(f"{number}.00")) == expected


@settings(database=None, max_examples=100)
@given(any_case(TRUE_WORDS))
def test_to_bool_reads_every_true_word_in_any_case(word: str) -> None:
    """1, true, yes, on, in any case, are True."""
    assert to_bool(word) is True


@settings(database=None, max_examples=100)
@given(any_case(FALSE_WORDS))
def test_to_bool_reads_every_false_word_in_any_case(word: str) -> None:
    """0, false, no, off, in any case, are False."""
    assert to_bool(word) is False


@settings(database=None, max_examples=100)
@given(st.text().filter(lambda s: s.strip().lower() not in TRUE_WORDS + FALSE_WORDS))
def test_to_bool_refuses_any_other_text(text: str) -> None:
    """Any other text is refused with a sentence listing the accepted words and quoting it."""
    with pytest.raises(ValueError) as raised:
        to_bool(text)
    assert (
        str(raised.value) == f"expected a boolean (true/false, yes/no, on/off, 1/0), got '{text}'"
    )


@pytest.mark.parametrize(
    ("value", "expected"), [(True, True), (False, False), (1, True), (0, False)]
)
def test_to_bool_reads_booleans_and_the_numbers_0_and_1(value: object, expected: bool) -> None:
    """Booleans pass through; the integers 1 and 0 are True and False."""
    assert to_bool(value) is expected


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        (2, "2"),
        (-1, "-1"),
        (1.0, "1.0 (float)"),
        (Decimal(1), "1"),
        (None, "null"),
        ([True], "[True] (list)"),
    ],
)
def test_to_bool_refuses_other_numbers_and_types(value: object, shown: str) -> None:
    """Only 0 and 1 are boolean numbers; floats, decimals, null and lists are refused."""
    with pytest.raises(ValueError) as raised:
        to_bool(value)
    assert str(raised.value) == f"expected a boolean (true/false, yes/no, on/off, 1/0), got {shown}"


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        (0.1, "0.1 (float)"),
        (1.0, "1.0 (float)"),
        (True, "true"),
        (False, "false"),
        (None, "null"),
        ([1], "[1] (list)"),
        ("ten", "'ten'"),
        ("0x10", "'0x10'"),
    ],
)
def test_to_decimal_refuses_floats_booleans_and_non_numbers(value: object, shown: str) -> None:
    """Floats (inexact), booleans and anything not numeric are refused, never guessed."""
    with pytest.raises(ValueError) as raised:
        to_decimal(value)
    assert str(raised.value) == f"expected a decimal number, got {shown}"


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        ("nan", "'nan'"),
        ("NaN", "'NaN'"),
        ("inf", "'inf'"),
        ("-Infinity", "'-Infinity'"),
        ("sNaN", "'sNaN'"),
        (Decimal("NaN"), "NaN"),
        (Decimal("-Infinity"), "-Infinity"),
    ],
)
def test_to_decimal_refuses_non_finite_values(value: object, shown: str) -> None:
    """NaN and infinities are not sort positions."""
    with pytest.raises(ValueError) as raised:
        to_decimal(value)
    assert str(raised.value) == f"expected a finite decimal number, got {shown}"


@pytest.mark.parametrize(
    ("value", "expected"),
    [(12, 12), ("12", 12), (" 12 ", 12), ("12.0", 12), (Decimal("1.2E+1"), 12), ("-3", -3)],
)
def test_to_int_reads_whole_numbers_in_any_spelling(value: object, expected: int) -> None:
    """A whole number may come as an int, a numeric string or an integral decimal."""
    assert to_int(value) == expected


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        ("1.5", "'1.5'"),
        (Decimal("2.5"), "2.5"),
        (True, "true"),
        (1.0, "1.0 (float)"),
        ("x", "'x'"),
        (None, "null"),
    ],
)
def test_to_int_refuses_fractions_booleans_floats_and_text(value: object, shown: str) -> None:
    """A fraction, a boolean, a float or text is not a whole number."""
    with pytest.raises(ValueError) as raised:
        to_int(value)
    assert str(raised.value) == f"expected a whole number, got {shown}"


@pytest.mark.parametrize(("value", "expected"), [(None, None), (7, 7), ("7", 7)])
def test_to_offer_id_reads_a_positive_id_or_none(value: object, expected: int | None) -> None:
    """An offer id is a positive whole number, or None for "no offer"."""
    assert to_offer_id(value) == expected


@pytest.mark.parametrize(("value", "shown"), [(0, "0"), (-1, "-1"), ("0", "0")])
def test_to_offer_id_refuses_zero_and_negatives(value: object, shown: str) -> None:
    """Zero and negative offer ids are refused."""
    with pytest.raises(ValueError) as raised:
        to_offer_id(value)
    assert str(raised.value) == f"expected a positive offer id, got {shown}"


@settings(database=None, max_examples=60)
@given(st.data())
def test_canonical_is_idempotent(data: st.DataObject) -> None:
    """canonical(f, canonical(f, v)) == canonical(f, v) for every managed field."""
    field = data.draw(st.sampled_from(MANAGED_FIELDS))
    value = data.draw(accepted_inputs(field))
    once = canonical(field, value)
    twice = canonical(field, once)
    assert twice == once
    assert type(twice) is type(once)


@pytest.mark.parametrize(
    ("field", "spellings"),
    [
        ("sortable_order", [10, "10", "10.0", Decimal("10.00"), " 1E+1 "]),
        ("sortable_order", [None, ""]),
        ("paused", [True, 1, "1", "true", "Yes", "ON"]),
        ("paused", [False, 0, "0", "false", "no", "Off"]),
        ("offer_id", [1001, "1001", Decimal("1001.0")]),
        ("lead_duplicate_timeframe", [30, "30", Decimal("30.0")]),
        ("lead_duplicate_timeframe", [None, ""]),
        ("description", [None, "", "  ", "\n", "\r\n \t\n"]),
        ("description", ["Solar\nEast", "Solar\r\nEast\r\n", "Solar  \nEast\t\n\n", "Solar\rEast"]),
    ],
)
def test_equivalent_spellings_have_one_canonical_form(
    field: ManagedField, spellings: list[object]
) -> None:
    """Spellings that mean the same value canonicalize equal, so the diff sees no change."""
    forms = {repr(canonical(field, spelling)) for spelling in spellings}
    assert len(forms) == 1, forms


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Routes solar leads", "Routes solar leads"),
        ("Line one\r\nLine two\r\n", "Line one\nLine two"),
        ("old Mac\rline", "old Mac\nline"),
        ("trailing   \nspaces\t \n\n\n", "trailing\nspaces"),
        ("  indented\n\n  after a blank line", "  indented\n\n  after a blank line"),
        ("", None),
        (" \t\r\n", None),
        (None, None),
    ],
)
def test_description_rules(raw: str | None, expected: str | None) -> None:
    """\\r\\n and \\r are \\n; trailing spaces per line and final blank lines go; blank is None."""
    assert canonical("description", raw) == expected


def test_a_description_that_is_not_text_is_refused() -> None:
    """A number or a list as a description is an error that says a text was expected."""
    with pytest.raises(ValueError, match=r"^expected a description as text, got 12$"):
        canonical("description", 12)


@settings(database=None, max_examples=100)
@given(st.text(max_size=80))
def test_a_canonical_description_has_no_carriage_return_and_no_trailing_space(text: str) -> None:
    """Whatever text comes in, the canonical one has no \\r and no line ending in whitespace."""
    result = to_description(text)
    if result is None:
        assert text.strip() == ""
        return
    assert "\r" not in result
    assert all(line == line.rstrip() for line in result.split("\n"))
    assert result.split() == text.split()  # only whitespace ever changes


def test_canonical_keeps_names_exactly() -> None:
    """A name is identity: it is kept byte for byte, spaces and case included."""
    assert canonical("name", " Solar - East ") == " Solar - East "
    with pytest.raises(ValueError) as raised:
        canonical("name", 5)
    assert str(raised.value) == "expected a name (text), got 5"


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        (None, "null"),
        (True, "true"),
        (False, "false"),
        ("Solar", '"Solar"'),
        (Decimal("10.5"), "10.5"),
        (7, "7"),
    ],
)
def test_display_shows_values_as_a_reader_expects(value: FieldValue, shown: str) -> None:
    """display writes YAML-ish values: true, null, 10.5 and quoted names."""
    assert display(value) == shown


def test_display_shows_a_tiny_decimal_without_an_exponent() -> None:
    """A sortable_order of 0.0000001 is displayed as written, not as 1E-7."""
    assert display(to_decimal("0.0000001")) == "0.0000001"


def test_to_decimal_refuses_a_huge_exponent_with_a_value_error() -> None:
    """A number too large to handle is refused with ValueError, like any other bad number."""
    with pytest.raises(ValueError) as raised:
        to_decimal("1e999999999")
    assert str(raised.value) == "the decimal number '1e999999999' is out of range"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("12345678901234567890123456789", Decimal("12345678901234567890123456789")),
        ("0.12345678901234567890123456789", Decimal("0.12345678901234567890123456789")),
    ],
)
def test_to_decimal_keeps_every_digit(text: str, expected: Decimal) -> None:
    """A decimal with more digits than a float holds is kept exactly, never rounded."""
    result = to_decimal(text)
    assert (result, str(result)) == (expected, text)


def test_to_decimal_refuses_a_tiny_exponent_rather_than_round_it() -> None:
    """A number too small to keep exactly is refused, never rounded to zero."""
    with pytest.raises(ValueError) as raised:
        to_decimal("1E-999999999")
    assert str(raised.value) == "the decimal number '1E-999999999' is out of range"


def test_to_int_keeps_every_digit_of_a_long_numeric_string() -> None:
    """An id given as a long string of digits is read exactly (ids are identities)."""
    assert to_int("12345678901234567890123456789") == 12345678901234567890123456789


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        (Decimal("1E+2"), "100"),
        (Decimal("1E+40"), "1" + "0" * 40),
        (Decimal("1E+41"), "1E+41"),
        (Decimal("Infinity"), "Infinity"),
    ],
)
def test_an_error_shows_a_decimal_as_digits_up_to_40_places_then_in_exponent_form(
    value: Decimal, shown: str
) -> None:
    """A number a message quotes reads as written digits; an absurd one stays short."""
    with pytest.raises(ValueError) as caught:
        to_bool(value)
    assert str(caught.value) == f"expected a boolean (true/false, yes/no, on/off, 1/0), got {shown}"
