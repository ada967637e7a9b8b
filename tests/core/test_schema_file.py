"""The JSON Schema of a spec file: generated from the models, shipped as a file, used by editors."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from ruamel.yaml import YAML

from reconciler.cli import main
from reconciler.schema import SCHEMA_DIALECT, spec_file_schema, spec_file_schema_json
from tests.core._scenarios import SPEC_SCENARIOS

REPO = Path(__file__).resolve().parents[2]
SCHEMA_FILE = REPO / "schemas" / "schedules.schema.json"
EXAMPLES = sorted((REPO / "schedules.d").glob("*.y*ml"))
MODELINE = "# yaml-language-server: $schema=../schemas/schedules.schema.json"


def _validator() -> jsonschema.protocols.Validator:
    schema = json.loads(SCHEMA_FILE.read_text(encoding="utf-8"))
    validator_class = jsonschema.validators.validator_for(schema)
    validator_class.check_schema(schema)
    validator: jsonschema.protocols.Validator = validator_class(schema)
    return validator


def _load_yaml(path: Path) -> Any:
    return YAML(typ="safe", pure=False).load(path.read_text(encoding="utf-8"))


def _errors(instance: Any) -> list[str]:
    return [error.message for error in _validator().iter_errors(instance)]


def _located_errors(instance: Any) -> list[tuple[list[str | int], str]]:
    """Each schema error as (where in the document, message)."""
    return [(list(e.absolute_path), e.message) for e in _validator().iter_errors(instance)]


def test_schema_command_prints_the_shipped_file_byte_for_byte(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """``reconciler schema`` prints exactly schemas/schedules.schema.json and exits 0."""
    code = main(["schema"])
    out, err = capsys.readouterr()
    assert code == 0
    assert err == ""
    assert out.encode("utf-8") == SCHEMA_FILE.read_bytes()


def test_the_shipped_schema_is_generated_from_the_models() -> None:
    """The shipped file is the models' schema, so regenerating it changes nothing."""
    assert spec_file_schema_json() == SCHEMA_FILE.read_text(encoding="utf-8")
    assert json.loads(SCHEMA_FILE.read_text(encoding="utf-8")) == spec_file_schema()


def test_the_schema_declares_its_dialect_and_is_a_valid_schema() -> None:
    """The schema names draft 2020-12 and compiles as one."""
    schema = spec_file_schema()
    assert schema["$schema"] == SCHEMA_DIALECT
    validator_class = jsonschema.validators.validator_for(schema)
    validator_class.check_schema(schema)
    assert validator_class is jsonschema.Draft202012Validator


def test_there_are_example_files() -> None:
    """schedules.d/ ships at least two example files (a guard for the tests below)."""
    assert len(EXAMPLES) >= 2


@pytest.mark.parametrize("example", EXAMPLES, ids=[p.name for p in EXAMPLES])
def test_every_example_file_validates_against_the_schema(example: Path) -> None:
    """Each example in schedules.d/ is valid by the shipped schema."""
    assert _errors(_load_yaml(example)) == []


@pytest.mark.parametrize("example", EXAMPLES, ids=[p.name for p in EXAMPLES])
def test_every_example_file_starts_with_the_schema_modeline(example: Path) -> None:
    """Each example's first line points yaml-language-server at the shipped schema."""
    first = example.read_text(encoding="utf-8").splitlines()[0]
    assert first == MODELINE
    target = first.split("$schema=", 1)[1]
    assert (example.parent / target).resolve() == SCHEMA_FILE


@pytest.mark.parametrize(
    "fixture",
    [
        "valid-paused-words",
        "valid-sortable-order",
        "valid-full-example",
        "valid-ensure",
        "valid-minimal",
        "valid-nested",
        "valid-yml",
        "valid-bom-crlf",
    ],
)
def test_valid_spec_fixtures_validate_against_the_schema(fixture: str) -> None:
    """Editors accept what the loader accepts: every paused word, ensure, pins, nulls."""
    files = sorted((SPEC_SCENARIOS / fixture).rglob("*.y*ml"))
    assert files
    for file in files:
        assert _errors(_load_yaml(file)) == [], file


@pytest.mark.parametrize(
    ("instance", "expected"),
    [
        (
            {"schedules": [{"name": "A", "pasued": True}]},
            (["schedules", 0], "Additional properties are not allowed ('pasued' was unexpected)"),
        ),
        (
            {"schedule": []},
            ([], "Additional properties are not allowed ('schedule' was unexpected)"),
        ),
        ({"schedules": [{"paused": True}]}, (["schedules", 0], "'name' is a required property")),
        (
            {"schedules": [{"name": "A", "paused": "maybe"}]},
            (["schedules", 0, "paused"], "'maybe' is not valid under any of the given schemas"),
        ),
        (
            {"schedules": [{"name": "A", "ensure": "gone"}]},
            (["schedules", 0, "ensure"], "'gone' is not one of ['present', 'absent']"),
        ),
        ({"schedules": {"name": "A"}}, (["schedules"], "{'name': 'A'} is not of type 'array'")),
    ],
    ids=["typo-key", "top-level-typo", "no-name", "paused-word", "ensure-word", "not-a-list"],
)
def test_the_schema_refuses_what_the_loader_refuses(
    instance: object, expected: tuple[list[str | int], str]
) -> None:
    """Editors flag unknown keys, a missing name, bad words and a non-list, as the loader does."""
    assert _located_errors(instance) == [expected]


@pytest.mark.parametrize(
    ("field", "value"),
    [("offer_id", "2002"), ("id", "42"), ("lead_duplicate_timeframe", "30")],
)
def test_the_schema_accepts_quoted_numbers_the_loader_accepts(field: str, value: str) -> None:
    """A quoted whole number the loader reads is also valid for editors."""
    assert _errors({"schedules": [{"name": "A", field: value}]}) == []


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("name", "", "'' does not match '\\\\S'"),
        ("id", 0, "0 is not valid under any of the given schemas"),
        ("offer_id", 0, "0 is not valid under any of the given schemas"),
        ("lead_duplicate_timeframe", -1, "-1 is not valid under any of the given schemas"),
    ],
)
def test_the_schema_refuses_out_of_range_values_the_loader_refuses(
    field: str, value: object, message: str
) -> None:
    """An empty name, a zero id or offer id, or negative seconds are flagged by editors too."""
    entry: dict[str, object] = {"name": "A", field: value}
    assert _located_errors({"schedules": [entry]}) == [(["schedules", 0, field], message)]
