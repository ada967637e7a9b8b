"""``schedules.d/`` and ``reconciler.yaml`` → validated specs, or every problem at once.

The loader's only I/O is reading the specs directory (and the config file). Every spec keeps
the location of its entry and of each of its keys, so later stages can point back at the YAML.

A file may open with ``defaults:``, a mapping of schedule keys (not ``name``, ``id`` or
``ensure``) that every schedule in that file gets unless it sets the key itself; entries
with ``ensure: absent`` get none. Defaults are checked once, where they are written, with the
same messages and "did you mean" as schedule keys. A value taken from defaults, a merge key
or an alias keeps the location it was written at, and ``LoadedSpec.origins`` says which.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from reconciler.errors import Issue, SpecError
from reconciler.inputlimits import InputLimits
from reconciler.location import Location
from reconciler.spec import (
    DEFAULTABLE_KEYS,
    SCHEDULE_KEYS,
    LoadedSpec,
    Origin,
    ReconcilerConfig,
    ScheduleDefaults,
    ScheduleSpec,
)
from reconciler.specguard import check_depth, read_guarded
from reconciler.yamlnodes import Located, NodePath, parse_document

__all__ = [
    "LoadedSpec",
    "SpecSet",
    "find_config",
    "load_config",
    "load_specs",
    "read_spec_text",
    "spec_files",
    "unknown_key_message",
    "validate_entry",
]

M = TypeVar("M", bound=BaseModel)

SPEC_SUFFIXES = (".yaml", ".yml")
TOP_LEVEL_KEYS = ("defaults", "schedules")
_NOT_DEFAULTABLE = {
    "name": "a name identifies one schedule",
    "id": "an id pins one schedule",
    "ensure": "a deletion is written on each schedule it deletes",
}


@dataclass(frozen=True, slots=True)
class SpecSet:
    """Every spec in the directory, in file order, and the files read."""

    specs: tuple[LoadedSpec, ...]
    files: tuple[str, ...]


def spec_files(directory: Path) -> list[Path]:
    """The spec files under ``directory``, recursively, sorted for deterministic results."""
    return sorted(p for p in directory.rglob("*") if p.suffix in SPEC_SUFFIXES and p.is_file())


def load_specs(directory: Path, limits: InputLimits | None = None) -> SpecSet:
    """Load and validate every spec file; raise ``SpecError`` listing all problems found.

    Each file is bounded first (``specguard``): inside ``directory``, within ``limits``.
    """
    limits = limits or InputLimits()
    if not directory.is_dir():
        raise SpecError([Issue(f"specs directory {str(directory)!r} does not exist")])
    issues: list[Issue] = []
    specs: list[LoadedSpec] = []
    identities: list[_Identity] = []
    files = spec_files(directory)
    for path in files:
        text = read_spec_text(path, issues, directory, limits)
        if text is not None:
            specs.extend(_specs_in(text, str(path), issues, identities))
    issues.extend(_duplicates(identities))
    if issues:
        raise SpecError(issues)
    return SpecSet(specs=tuple(specs), files=tuple(str(p) for p in files))


def find_config(directory: Path) -> Path | None:
    """``reconciler.yaml`` beside the specs directory, when there is one."""
    for name in ("reconciler.yaml", "reconciler.yml"):
        candidate = directory.parent / name
        if candidate.is_file():
            return candidate
    return None


def load_config(path: Path | None) -> ReconcilerConfig:
    """Read ``reconciler.yaml``; no file means the defaults."""
    if path is None:
        return ReconcilerConfig()
    if not path.is_file():
        raise SpecError([Issue(f"config file {str(path)!r} does not exist")])
    issues: list[Issue] = []
    text = read_spec_text(path, issues)
    if text is None:
        raise SpecError(issues)
    located, parse_issues = parse_document(text, str(path))
    issues.extend(parse_issues)
    if located is None or issues:
        raise SpecError(issues)
    if located.value is None:
        return ReconcilerConfig()
    if not isinstance(located.value, dict):
        raise SpecError([Issue("reconciler.yaml must be a mapping", located.where(()))])
    config = validate_entry(ReconcilerConfig, located.value, located, (), "reconciler.yaml", issues)
    if config is None:
        raise SpecError(issues)
    return config


def read_spec_text(
    path: Path, issues: list[Issue], root: Path | None = None, limits: InputLimits | None = None
) -> str | None:
    """The file as text, once it is bounded (``specguard``) and decoded; else an issue."""
    limits = limits or InputLimits()
    data = read_guarded(path, root, limits, issues)
    if data is None:
        return None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        before = data[: exc.start]
        line = before.count(b"\n") + 1
        line_start = before.rfind(b"\n") + 1
        # Columns count characters, as editors do, not bytes.
        column = len(before[line_start:].decode("utf-8", errors="replace")) + 1
        issues.append(
            Issue(
                f"the file is not UTF-8 text (byte 0x{data[exc.start]:02x}); save it as UTF-8",
                Location(str(path), line, column),
            )
        )
        return None
    return text if check_depth(text, str(path), limits, issues) else None


@dataclass(frozen=True, slots=True)
class _Identity:
    """What identifies one entry, read before validation so duplicates show even in bad entries."""

    value: str | int
    kind: str
    location: Location
    entry: Location


def _specs_in(
    text: str, file: str, issues: list[Issue], identities: list[_Identity]
) -> Iterable[LoadedSpec]:
    located, parse_issues = parse_document(text, file)
    issues.extend(parse_issues)
    if located is None or located.value is None:
        return []
    root = located.value
    if not isinstance(root, dict):
        issues.append(Issue("expected a mapping with the key 'schedules'", located.where(())))
        return []
    for key in root:
        if key not in TOP_LEVEL_KEYS:
            issues.append(
                Issue(
                    unknown_key_message(key, TOP_LEVEL_KEYS, "at the top level"),
                    located.keys[(key,)],
                )
            )
    defaults = _defaults(root.get("defaults"), located, issues)
    entries = root.get("schedules")
    if entries is None:
        return []
    if not isinstance(entries, list):
        issues.append(
            Issue("'schedules' must be a list of schedules", located.where(("schedules",)))
        )
        return []
    loaded = []
    for index, written in enumerate(entries):
        path: NodePath = ("schedules", index)
        where = located.where(path) or Location(file, 1, 1)
        if not isinstance(written, dict):
            issues.append(Issue("each schedule must be a mapping of keys to values", where))
            continue
        entry = written
        label = f"'{entry['name']}'" if isinstance(entry.get("name"), str) else f"entry {index + 1}"
        if entry.get("ensure") != "absent":
            entry = _with_defaults(entry, defaults, located, path)
        for kind in ("name", "id"):
            value = entry.get(kind)
            if isinstance(value, str | int) and not isinstance(value, bool):
                at = located.where((*path, kind)) or where
                identities.append(_Identity(value, kind, at, where))
        spec = validate_entry(ScheduleSpec, entry, located, path, label, issues)
        if spec is not None:
            key_locations = {
                key: located.keys[(*path, key)] for key in entry if (*path, key) in located.keys
            }
            origins = {
                key: _origin(located.via[(*path, key)])
                for key in entry
                if (*path, key) in located.via
            }
            value_locations = {
                key: located.values[(*path, key)] for key in entry if (*path, key) in located.values
            }
            loaded.append(
                LoadedSpec(
                    spec=spec,
                    location=where,
                    key_locations=key_locations,
                    origins=origins,
                    value_locations=value_locations,
                )
            )
    return loaded


def _origin(via: str) -> Origin:
    match via:
        case "defaults":
            return "defaults"
        case "merge key":
            return "merge key"
        case _:
            return "alias"


def _defaults(raw: object, located: Located, issues: list[Issue]) -> dict[str, Any]:
    """A file's ``defaults:`` once checked; ``{}`` when absent or when any of it is wrong.

    Wrong defaults are reported once, where they are written, and then applied to no schedule:
    applying part of them would report each schedule's share of the same mistake again.
    """
    if raw is None:
        return {}
    if not isinstance(raw, dict):
        issues.append(
            Issue(
                "'defaults' must be a mapping of schedule keys to values",
                located.where(("defaults",)),
            )
        )
        return {}
    found: list[Issue] = []
    for key in raw:
        at = located.where(("defaults", key), key=True)
        if key in _NOT_DEFAULTABLE:
            found.append(Issue(f"'{key}' cannot be a default: {_NOT_DEFAULTABLE[key]}", at))
        elif key not in DEFAULTABLE_KEYS:
            found.append(Issue(unknown_key_message(key, DEFAULTABLE_KEYS, "in defaults"), at))
    valid = {k: v for k, v in raw.items() if k in DEFAULTABLE_KEYS}
    validate_entry(ScheduleDefaults, valid, located, ("defaults",), "defaults", found)
    issues.extend(found)
    return {} if found else raw


def _with_defaults(
    entry: dict[str, Any], defaults: dict[str, Any], located: Located, path: NodePath
) -> dict[str, Any]:
    """``entry`` with each default it does not set, located where the default is written."""
    missing = [key for key in defaults if key not in entry]
    if not missing:
        return entry
    for key in missing:
        located.keys[(*path, key)] = located.keys[("defaults", key)]
        located.values[(*path, key)] = located.values[("defaults", key)]
        located.via[(*path, key)] = "defaults"
    # A new dict: the parsed one may be shared with other entries through an alias.
    return {**entry, **{key: defaults[key] for key in missing}}


def validate_entry(
    model: type[M],
    data: dict[str, Any],
    located: Located,
    path: NodePath,
    label: str,
    issues: list[Issue],
) -> M | None:
    """``data`` as ``model``; each failure an issue at the line of the key it names."""
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        for error in exc.errors(include_url=False):
            loc: NodePath = tuple(error["loc"])
            full = (*path, *loc)
            if error["type"] == "extra_forbidden":
                known = _known_keys(model, loc[:-1])
                message = unknown_key_message(str(loc[-1]), known, f"in {label}")
                issues.append(Issue(message, located.where(full, key=True)))
            elif error["type"] == "missing":
                issues.append(
                    Issue(f"{label} is missing the required key '{loc[-1]}'", located.where(path))
                )
            else:
                field = ".".join(str(part) for part in loc)
                message = str(error["msg"]).removeprefix("Value error, ")
                issues.append(Issue(f"{field} in {label}: {message}", located.where(full)))
        return None


def _known_keys(model: type[BaseModel], loc: NodePath) -> tuple[str, ...]:
    """The keys allowed in the mapping at ``loc`` inside ``model`` (for "did you mean")."""
    current: type[BaseModel] = model
    for part in loc:
        info = current.model_fields.get(str(part))
        annotation = info.annotation if info is not None else None
        if not (isinstance(annotation, type) and issubclass(annotation, BaseModel)):
            break
        current = annotation
    return SCHEDULE_KEYS if current is ScheduleSpec else tuple(current.model_fields)


def unknown_key_message(key: str, known: Iterable[str], where: str) -> str:
    """``unknown key 'ofer_id' in …; did you mean 'offer_id'?`` (else the keys it may be)."""
    message = f"unknown key '{key}' {where}"
    close = difflib.get_close_matches(key, list(known), n=1, cutoff=0.6)
    if close:
        message += f"; did you mean '{close[0]}'?"
    else:
        message += f"; expected one of: {', '.join(known)}"
    return message


def _duplicates(identities: list[_Identity]) -> list[Issue]:
    """Names and ids used twice. Entries that share a name but each pin an id are fine:
    the pins tell the schedules apart (an import of a live account with repeated names)."""
    issues = []
    pinned_entries = {i.entry for i in identities if i.kind == "id"}
    first_seen: dict[tuple[str, str | int], _Identity] = {}
    for identity in identities:
        first = first_seen.setdefault((identity.kind, identity.value), identity)
        if first is identity:
            continue
        if identity.kind == "name":
            if identity.entry in pinned_entries and first.entry in pinned_entries:
                continue
            message = (
                f"the name '{identity.value}' is used twice (first at {first.location}); "
                "names identify schedules, so each must be unique (or pin each with `id:`)"
            )
        else:
            message = f"the id {identity.value} is pinned twice (first at {first.location})"
        issues.append(Issue(message, identity.location))
    return issues
