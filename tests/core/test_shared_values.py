"""defaults: and merge keys mean exactly what writing each value on each schedule means."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reconciler.loader import load_specs

_VALUES: dict[str, st.SearchStrategy[str]] = {
    "offer_id": st.sampled_from(["1234", "null", "'77'"]),
    "paused": st.sampled_from(["true", "no", "'ON'", "0"]),
    "sortable_order": st.sampled_from(["10", "'10.50'", "-3.25", "null"]),
    "lead_duplicate_timeframe": st.sampled_from(["0", "3600", "null"]),
    "description": st.sampled_from(["Solar", "'two\\n lines'", "null", '"x\\r\\n"']),
}
_KEYS = st.lists(st.sampled_from(sorted(_VALUES)), unique=True)


@st.composite
def files(draw: st.DrawFn) -> tuple[str, str]:
    """One file written with defaults: and << (and ensure: absent), and the same spelt out."""
    shared = {key: draw(_VALUES[key]) for key in draw(_KEYS)}
    count = draw(st.integers(1, 4))
    short = ["defaults: &base", *(f"  {k}: {v}" for k, v in shared.items())]
    if not shared:
        short = ["defaults: &base {}"]
    short.append("schedules:")
    long = ["schedules:"]
    for index in range(count):
        own = {key: draw(_VALUES[key]) for key in draw(_KEYS)}
        absent = draw(st.integers(0, 4)) == 0
        merge = draw(st.booleans())
        short.append(f"  - name: S{index}")
        long.append(f"  - name: S{index}")
        if absent:
            short.append("    ensure: absent")
            long.append("    ensure: absent")
            continue
        if merge:
            short.append("    <<: *base")
        short.extend(f"    {k}: {v}" for k, v in own.items())
        long.extend(f"    {k}: {v}" for k, v in {**shared, **own}.items())
    return "\n".join(short) + "\n", "\n".join(long) + "\n"


def _specs(root: Path, text: str) -> list[dict[str, Any]]:
    root.mkdir(parents=True)
    (root / "s.yaml").write_text(text, encoding="utf-8")
    return [s.spec.model_dump(exclude_unset=True) for s in load_specs(root).specs]


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(pair=files())
def test_defaults_and_merge_keys_equal_values_written_out(
    tmp_path_factory: Any, pair: tuple[str, str]
) -> None:
    """Loading a file with defaults:/<< gives the specs of the file with every value inline."""
    short, long = pair
    base = tmp_path_factory.mktemp("shared")
    assert _specs(base / "short", short) == _specs(base / "long", long)
