"""Drift's audit stamps: to the second, the zone's offset stated, each time once."""

from __future__ import annotations

import pytest

from reconciler.render.drift import audit_text, readable_moment


@pytest.mark.parametrize(
    ("stamp", "shown"),
    [
        ("2026-08-11T17:17:12.378-04:00", "2026-08-11 17:17:12 UTC-04:00"),
        ("2026-01-02T03:04:05+05:30", "2026-01-02 03:04:05 UTC+05:30"),
        ("2026-01-02T03:04:05.999Z", "2026-01-02 03:04:05 UTC"),
        ("2026-01-02T03:04:05", "2026-01-02 03:04:05 (no zone given)"),
        ("yesterday", "yesterday"),
    ],
)
def test_a_stamp_reads_to_the_second_with_its_offset(stamp: str, shown: str) -> None:
    """An API time shows to the second in the zone it came in, the offset written out."""
    assert readable_moment(stamp) == shown


def test_updated_is_left_out_when_it_is_the_edit_time() -> None:
    """The same moment is not printed twice as 'edited' and 'updated'."""
    audit = {
        "user_updated_at": "2026-08-11T17:17:12.378-04:00",
        "updated_at": "2026-08-11T17:17:12.901-04:00",
        "paused_at": "2026-08-11T17:17:10.000-04:00",
        "paused_by_user_id": "42",
    }
    assert audit_text(audit) == (
        "edited 2026-08-11 17:17:12 UTC-04:00; paused at 2026-08-11 17:17:10 UTC-04:00; "
        "paused by user 42"
    )


def test_a_later_update_is_kept_beside_the_edit() -> None:
    """An update at another second than the edit (an API write) is still shown."""
    audit = {
        "user_updated_at": "2026-08-11T17:17:12-04:00",
        "updated_at": "2026-08-12T09:00:00-04:00",
    }
    assert audit_text(audit) == (
        "edited 2026-08-11 17:17:12 UTC-04:00; updated 2026-08-12 09:00:00 UTC-04:00"
    )


def test_no_audit_is_no_text() -> None:
    """A record without stamps adds nothing to its line."""
    assert audit_text(None) == ""
    assert audit_text({}) == ""
