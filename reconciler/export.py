"""Live schedules → canonical, commented spec files (``reconciler import``).

Pure: live records in, ``{file name: YAML text}`` out. The CLI fetches the records, passes the
header line (where and when they were imported: this module reads no clock) and writes files.

What the files promise: loading them and planning against the same records gives no change.

- Every managed field a record shows is written in canonical form (``sortable_order`` as a plain
  decimal that reads back exactly); a field the token cannot see is left out, so it stays
  unmanaged, never ``null``. A field shown as empty *is* written as ``null``.
- Entries are sorted by name, then id. A name shared by two records (among the exported ones or
  the whole ``account``) gets ``id:`` pinned on each of them, since a name no longer tells them
  apart.
- Names are plain only when plainly safe (``Solar - East``); anything else is double-quoted with
  every character YAML cannot hold raw escaped, so ``yes``, ``123``, ``a: b``, ``#x``, leading
  spaces or control characters all read back as the same text.
- A record that no spec could describe (its name hidden or blank, an id too odd to pin) is not
  written as an entry but listed in a comment at the end of its file, with the reason.
- With ``split="offer"``, a value every schedule of a file shows alike (its ``offer_id``, and
  any other) is written once, as that file's ``defaults:``, and left out of the entries
  (only in files of two schedules or more: one schedule has nothing to share).

The YAML writing helpers here are shared with :mod:`reconciler.adopt`.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from decimal import Decimal
from typing import Final, Literal

from reconciler.live import LiveSchedule
from reconciler.normalize import MANAGED_FIELDS, FieldValue, ManagedField

__all__ = [
    "SCHEMA_MODELINE",
    "Split",
    "entry_lines",
    "export_specs",
    "file_header",
    "flow_entry",
    "format_value",
    "not_exportable",
    "render_file",
    "shared_values",
    "yaml_string",
]

Split = Literal["none", "offer"]

SCHEMA_MODELINE: Final = "# yaml-language-server: $schema=../schemas/schedules.schema.json"
_EXPLANATION: Final = (
    "Each entry is one TrackDrive schedule, matched by its exact name (or by `id:` where pinned).",
    "A key left out is not managed: the reconciler never reads or changes it.",
)

# Plain (unquoted) only for names that no YAML reader, 1.1 or 1.2, takes for anything but text.
_PLAIN_NAME: Final = re.compile(
    r"[A-Za-z](?:[A-Za-z0-9 _.\-()/&+',!?@%]*[A-Za-z0-9_.\-()/&+',!?@%])?"
)
_FLOW_INDICATORS: Final = frozenset(",[]{}?")  # libyaml ends a flow plain scalar at ?
_RESERVED_WORDS: Final = frozenset(
    {"y", "n", "yes", "no", "on", "off", "true", "false", "null", "nan", "inf"}
)
_LINE_BREAKS: Final = frozenset("\x85\u2028\u2029")
_ESCAPES: Final = {
    "\\": "\\\\",
    '"': '\\"',
    "\0": "\\0",
    "\a": "\\a",
    "\b": "\\b",
    "\t": "\\t",
    "\n": "\\n",
    "\v": "\\v",
    "\f": "\\f",
    "\r": "\\r",
    "\x1b": "\\e",
    "\x85": "\\N",
    "\u2028": "\\L",
    "\u2029": "\\P",
}


def export_specs(
    live: Sequence[LiveSchedule],
    *,
    split: Split,
    header: str,
    account: Iterable[LiveSchedule] | None = None,
) -> dict[str, str]:
    """The spec files that describe ``live`` exactly, by file name.

    ``split="none"`` gives ``schedules.yaml`` (even with no schedules); ``split="offer"`` gives
    ``offer-<id>.yaml`` per offer and ``no-offer.yaml`` for records without a (visible) offer.
    ``header`` is written as comment lines under the schema modeline. ``account`` is every live
    schedule when ``live`` is a subset (``--only``): names shared with any of them are pinned.
    """
    records = sorted(live, key=lambda r: (r.name, r.id))
    everyone = {r.id: r for r in account or ()} | {r.id: r for r in records}
    names = Counter(r.name for r in everyone.values())
    groups: dict[str, list[LiveSchedule]] = defaultdict(list)
    for record in records:
        groups[_file_for(record, split)].append(record)
    if split == "none":
        groups.setdefault("schedules.yaml", [])

    def pin_note(record: LiveSchedule) -> str | None:
        count = names[record.name]
        return f"pinned: {count} live schedules have this name" if count > 1 else None

    return {
        file: render_file(
            group,
            header=header,
            title=_group_title(file),
            pin_note=pin_note,
            defaults=shared_values(group, pin_note) if split == "offer" else None,
        )
        for file, group in sorted(groups.items(), key=lambda item: _file_order(item[0]))
    }


def shared_values(
    records: Sequence[LiveSchedule], pin_note: Callable[[LiveSchedule], str | None]
) -> dict[ManagedField, FieldValue]:
    """The values every exportable record shows alike, name aside (``{}`` for fewer than 2)."""
    exported = [r for r in records if not_exportable(r, pin=pin_note(r) is not None) is None]
    if len(exported) < 2:
        return {}
    shared: dict[ManagedField, FieldValue] = {}
    for field in MANAGED_FIELDS:
        if field == "name" or any(field not in r.fields for r in exported):
            continue
        values = {repr(r.fields[field]) for r in exported}
        value = exported[0].fields[field]
        if len(values) == 1 and not isinstance(_spec_value(field, value), _Skipped):
            shared[field] = value
    return shared


def file_header(header: str, *extra: str) -> list[str]:
    """The comment lines opening a spec file: modeline, ``header``, ``extra``, explanation."""
    lines = [SCHEMA_MODELINE, "#"]
    for line in [*header.splitlines(), *extra]:
        lines.append(line if line.startswith("#") else f"# {line}".rstrip())
    lines.extend(f"# {line}" for line in _EXPLANATION)
    return lines


def not_exportable(record: LiveSchedule, *, pin: bool) -> str | None:
    """Why no spec entry can describe ``record``, or ``None`` when one can."""
    name = record.fields.get("name")
    if not isinstance(name, str):
        return "its name is hidden from this token"
    if not name.strip():
        return "its name is blank, which a spec cannot match"
    if not _is_unicode_text(name):
        return "its name is not valid Unicode text"
    if pin and record.id <= 0:
        return "its name is shared and its id cannot be pinned"
    return None


def entry_lines(
    record: LiveSchedule,
    *,
    pin: bool,
    dash: str = "  - ",
    note: str | None = None,
    leave_out: Collection[str] = (),
) -> list[str]:
    """One block-style spec entry for ``record``: ``dash`` opens it, keys align after it.

    Keys in ``leave_out`` (set by the file's ``defaults:``) are not written.
    """
    indent = " " * len(dash)
    lines: list[str] = []
    for key, value in _entry_items(record, pin=pin):
        if key in leave_out:
            continue
        lead = indent if lines else dash
        if isinstance(value, _Skipped):
            lines.append(f"{indent}# {key} {value.reason}; left unmanaged")
            continue
        text = f"{lead}{key}: {format_value(key, value)}"
        comment = _comment_for(key, value, note if key == "id" else None)
        lines.append(f"{text}  # {comment}" if comment else text)
    return lines


def flow_entry(record: LiveSchedule, *, pin: bool) -> str:
    """One flow-style spec entry for ``record``: ``{name: ..., paused: false}``."""
    items = [
        f"{key}: {format_value(key, value, flow=True)}"
        for key, value in _entry_items(record, pin=pin)
        if not isinstance(value, _Skipped)
    ]
    return "{" + ", ".join(items) + "}"


def format_value(key: str, value: FieldValue, *, flow: bool = False) -> str:
    """A canonical value as YAML text that the loader reads back as the same value."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return yaml_string(value, flow=flow)
    if isinstance(value, Decimal):
        # 'f' keeps exponents out: str(Decimal("0.0000001")) is "1E-7", which YAML reads as text.
        return format(value, "f")
    assert isinstance(value, int), key
    return str(value)


def yaml_string(
    text: str, *, flow: bool = False, style: Literal["plain", "'", '"'] = "plain"
) -> str:
    """``text`` as a YAML scalar, in ``style`` when that writes it safely, else double-quoted."""
    if style == "plain" and _plain_ok(text, flow=flow):
        return text
    if style == "'" and all(_printable(c) and c not in _LINE_BREAKS for c in text):
        return "'" + text.replace("'", "''") + "'"
    return '"' + "".join(_escape(c) for c in text) + '"'


def _plain_ok(text: str, *, flow: bool) -> bool:
    if _PLAIN_NAME.fullmatch(text) is None or text.lower() in _RESERVED_WORDS:
        return False
    return not (flow and any(c in _FLOW_INDICATORS for c in text))


def _printable(char: str) -> bool:
    point = ord(char)
    return (
        0x20 <= point <= 0x7E
        or 0xA0 <= point <= 0xD7FF
        or (0xE000 <= point <= 0xFFFD and point != 0xFEFF)
        or 0x10000 <= point <= 0x10FFFF
    )


def _escape(char: str) -> str:
    if char in _ESCAPES:
        return _ESCAPES[char]
    if _printable(char):
        return char
    point = ord(char)
    if point <= 0xFF:
        return f"\\x{point:02X}"
    if point <= 0xFFFF:
        return f"\\u{point:04X}"
    return f"\\U{point:08X}"  # pragma: no cover - every astral character is printable


def _is_unicode_text(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


class _Skipped:
    """A shown value no spec accepts (the spec refuses what the API let through)."""

    __slots__ = ("reason",)

    def __init__(self, reason: str) -> None:
        self.reason = reason


def _entry_items(record: LiveSchedule, *, pin: bool) -> list[tuple[str, FieldValue | _Skipped]]:
    items: list[tuple[str, FieldValue | _Skipped]] = []
    for field in MANAGED_FIELDS:
        if field not in record.fields:
            continue  # hidden from this token: unknown, so left unmanaged
        items.append((field, _spec_value(field, record.fields[field])))
        if field == "name" and pin:
            items.append(("id", record.id))
    return items


def _spec_value(field: ManagedField, value: FieldValue) -> FieldValue | _Skipped:
    if field == "lead_duplicate_timeframe" and isinstance(value, int) and value < 0:
        return _Skipped(f"is {value} on the account, but a spec accepts only seconds ≥ 0")
    return value


def _comment_for(key: str, value: FieldValue, note: str | None) -> str | None:
    if note is not None:
        return note
    if key == "lead_duplicate_timeframe" and isinstance(value, int):
        return _duration(value)
    return None


def _duration(seconds: int) -> str | None:
    for unit, size in (("day", 86400), ("hour", 3600), ("minute", 60)):
        if seconds >= size and seconds % size == 0:
            count = seconds // size
            return f"{count} {unit}{'s' if count != 1 else ''}"
    return None


def _file_for(record: LiveSchedule, split: Split) -> str:
    match split:
        case "none":
            return "schedules.yaml"
        case "offer":
            offer = record.fields.get("offer_id")
            return f"offer-{offer}.yaml" if isinstance(offer, int) else "no-offer.yaml"


def _file_order(file: str) -> tuple[int, int, str]:
    match = re.fullmatch(r"offer-(\d+)\.yaml", file)
    return (0, int(match.group(1)), file) if match else (1, 0, file)


def _group_title(file: str) -> str | None:
    match = re.fullmatch(r"offer-(\d+)\.yaml", file)
    if match:
        return f"Schedules of offer {match.group(1)}."
    if file == "no-offer.yaml":
        return "Schedules without an offer (or whose offer this token cannot see)."
    return None


def render_file(
    records: Sequence[LiveSchedule],
    *,
    header: str,
    title: str | None = None,
    pin_note: Callable[[LiveSchedule], str | None],
    defaults: Mapping[ManagedField, FieldValue] | None = None,
) -> str:
    """A whole spec file for ``records``; ``pin_note`` says why a record's id is pinned.

    ``defaults`` are written as the file's ``defaults:`` and left out of every entry.
    """
    lines = file_header(header, *([title] if title else []))
    if defaults:
        lines.append("defaults:  # every schedule below has these, unless it sets its own")
        for key, value in defaults.items():
            text = f"  {key}: {format_value(key, value)}"
            comment = _comment_for(key, value, None)
            lines.append(f"{text}  # {comment}" if comment else text)
    entries: list[list[str]] = []
    left_out: list[str] = []
    for record in records:
        note = pin_note(record)
        reason = not_exportable(record, pin=note is not None)
        if reason is not None:
            left_out.append(f"#   schedule {record.id}: {reason}")
            continue
        entries.append(
            entry_lines(record, pin=note is not None, note=note, leave_out=defaults or ())
        )
    if entries:
        lines.append("schedules:")
        for index, entry in enumerate(entries):
            if index:
                lines.append("")
            lines.extend(entry)
    else:
        lines.append("schedules: []")
    if left_out:
        lines.extend(["", "# Not imported (write them by hand to manage them):", *left_out])
    return "\n".join(lines) + "\n"
