"""The loader: spec files found, locations kept, errors collected, results deterministic."""

from __future__ import annotations

from pathlib import Path

import pytest

from reconciler.errors import SpecError
from reconciler.loader import load_specs, spec_files
from reconciler.location import Location
from tests.core._scenarios import SPEC_SCENARIOS

FULL_EXAMPLE = SPEC_SCENARIOS / "valid-full-example"
NESTED = SPEC_SCENARIOS / "valid-nested"
MANY_FILES = SPEC_SCENARIOS / "errors-in-many-files"


def test_each_spec_keeps_the_location_of_its_entry() -> None:
    """A spec's location is the line and column where its entry starts."""
    loaded = load_specs(FULL_EXAMPLE)
    file = str(FULL_EXAMPLE / "solar.yaml")
    assert [spec.location for spec in loaded.specs] == [
        Location(file, 5, 5),
        Location(file, 10, 5),
        Location(file, 13, 5),
    ]


def test_each_spec_keeps_the_location_of_every_key_it_gives() -> None:
    """Every key a spec gives has its own location, and no key it leaves out has one."""
    east, west, old = load_specs(FULL_EXAMPLE).specs
    file = str(FULL_EXAMPLE / "solar.yaml")
    assert dict(east.key_locations) == {
        "name": Location(file, 5, 5),
        "offer_id": Location(file, 6, 5),
        "paused": Location(file, 7, 5),
        "sortable_order": Location(file, 8, 5),
        "lead_duplicate_timeframe": Location(file, 9, 5),
    }
    assert dict(west.key_locations) == {
        "name": Location(file, 10, 5),
        "id": Location(file, 11, 5),
        "paused": Location(file, 12, 5),
    }
    assert set(old.key_locations) == {"name", "ensure"}


def test_spec_files_are_yaml_and_yml_files_found_recursively_in_sorted_order() -> None:
    """Only *.yaml and *.yml files are read, from every subdirectory, in sorted path order."""
    assert [p.relative_to(NESTED).as_posix() for p in spec_files(NESTED)] == [
        "a-top.yaml",
        "sub/b-middle.yml",
        "sub/deeper/c-bottom.yaml",
    ]


def test_the_spec_set_lists_the_files_it_read_and_specs_in_file_order() -> None:
    """``SpecSet.files`` names every file read; specs follow the files' sorted order."""
    loaded = load_specs(NESTED)
    assert loaded.files == tuple(str(p) for p in spec_files(NESTED))
    assert [spec.spec.name for spec in loaded.specs] == ["Top", "Middle", "Bottom"]


def test_a_directory_holding_no_file_at_all_is_valid(tmp_path: Path) -> None:
    """A truly empty specs directory loads as zero specs and zero files, not an error."""
    loaded = load_specs(tmp_path)
    assert loaded.specs == ()
    assert loaded.files == ()


def test_a_missing_directory_is_one_error_naming_it(tmp_path: Path) -> None:
    """A specs directory that does not exist is a SpecError naming the directory."""
    missing = tmp_path / "schedules.d"
    with pytest.raises(SpecError) as raised:
        load_specs(missing)
    assert [str(issue) for issue in raised.value.issues] == [
        f"specs directory '{missing}' does not exist"
    ]


def test_errors_from_every_file_are_reported_together() -> None:
    """One bad file does not hide the others: problems from every bad file come in one error."""
    with pytest.raises(SpecError) as raised:
        load_specs(MANY_FILES)
    files = {Path(issue.location.file).name for issue in raised.value.issues if issue.location}
    assert files == {"a-broken.yaml", "b-typo.yaml", "c-bytes.yaml", "e-wrong-type.yml"}


def test_the_spec_error_counts_its_problems_and_says_what_next() -> None:
    """The SpecError message counts the problems and its hint says how to check again."""
    with pytest.raises(SpecError) as raised:
        load_specs(MANY_FILES)
    assert raised.value.message == "4 problems in the specs"
    assert raised.value.hint == "fix the lines above and run `reconciler validate` again"


def test_issues_are_sorted_by_file_line_and_column() -> None:
    """Problems come sorted by location, whatever order they were found in."""
    with pytest.raises(SpecError) as raised:
        load_specs(SPEC_SCENARIOS / "duplicate-name-in-invalid-entry")
    locations = [issue.location for issue in raised.value.issues]
    assert locations == sorted(location for location in locations if location is not None)


def test_a_duplicate_name_points_at_the_second_and_names_the_first() -> None:
    """A name used twice across files is reported at its second use and names the first place."""
    directory = SPEC_SCENARIOS / "duplicate-name-across-files"
    with pytest.raises(SpecError) as raised:
        load_specs(directory)
    (issue,) = raised.value.issues
    assert issue.location == Location(str(directory / "sub" / "solar.yaml"), 3, 11)
    assert f"first at {directory / 'insurance.yaml'}:3:11" in issue.message


def test_loading_twice_gives_equal_results() -> None:
    """Loading is deterministic: the same directory gives equal spec sets."""
    assert load_specs(NESTED) == load_specs(NESTED)


def test_loading_the_shipped_examples_succeeds() -> None:
    """The example specs in schedules.d/ load without a problem."""
    examples = Path(__file__).resolve().parents[2] / "schedules.d"
    loaded = load_specs(examples)
    assert len(loaded.specs) >= 3
    assert len(loaded.files) >= 2
