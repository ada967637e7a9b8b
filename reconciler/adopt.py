"""Accept drift into git (``reconciler import --adopt``): live values written into the YAML.

Pure: the spec files' texts in, the changed texts out; the CLI reads and writes the files.

How: surgical edits, not a ruamel.yaml round-trip dump. Each file is composed again with
ruamel's pure-Python composer, whose marks carry character offsets; the entry a spec came from
is found by its location (``LoadedSpec.location``), and only the characters of each drifted
value are replaced. Every other byte stays as it was: comments, blank lines, key order, the
quoting of untouched values, aligned trailing comments, ``key:   value`` spacing, flow mappings,
line endings. (A round-trip dump re-spaces values, re-indents and re-wraps lines, so it would
move bytes outside the changed values.)

A changed value keeps the look of the one it replaces where it can: its quotes, and for
``paused`` the user's words (``no`` becomes ``yes``, ``off`` becomes ``on``, ``0`` becomes ``1``).

What is adopted: every update the diff would make (the live value replaces the spec's), renames
of pinned ids included. A value the entry took from the file's ``defaults:`` or a merge key
(``<<``) is not changed where it is written (other schedules share it): the live value is
added to the entry itself as its own key, which wins over the shared one.

What is not: a spec whose schedule is not live (apply would create it)
and a live schedule whose spec says ``ensure: absent``; both are listed in ``skipped``. Live
schedules no spec names are appended to ``unmanaged_file`` only with ``include_unmanaged``.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Final, Literal

from pydantic import ValidationError
from ruamel.yaml import YAML
from ruamel.yaml.error import YAMLError
from ruamel.yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from reconciler.diff import Change, diff_specs
from reconciler.errors import PlanError
from reconciler.export import (
    entry_lines,
    flow_entry,
    format_value,
    not_exportable,
    render_file,
    yaml_string,
)
from reconciler.live import LiveSchedule
from reconciler.location import Location
from reconciler.normalize import FieldValue, ManagedField, display
from reconciler.spec import LoadedSpec, ReconcilerConfig, ScheduleSpec
from reconciler.yamlnodes import parse_document

__all__ = ["DEFAULT_UNMANAGED_FILE", "AdoptResult", "adopt_drift"]

DEFAULT_UNMANAGED_FILE: Final = "schedules.d/imported.yaml"
_UNMANAGED_TITLE: Final = "Schedules that were live but named by no spec, adopted as they were."
_BOOL_WORDS: Final = (("true", "false"), ("yes", "no"), ("on", "off"), ("1", "0"))
_NULL_WORDS: Final = frozenset({"", "~", "null", "Null", "NULL"})
_COMMENT_GAP: Final = re.compile(r"( +)#")
_AT_END: Final = 1 << 62  # sorts lines about appended schedules after the edits


@dataclass(frozen=True, slots=True)
class AdoptResult:
    """What adopting changed.

    ``files``: the new text of each file that changed (a created ``unmanaged_file`` included).
    ``changes``: one line per adopted value or appended schedule, grouped by file, e.g.
    ``schedules.d/solar.yaml: 'Solar - East' paused true → false``.
    ``skipped``: drift that was not adopted, and why.
    """

    files: dict[str, str]
    changes: list[str]
    skipped: list[str] = field(default_factory=list)


def adopt_drift(
    files: Mapping[str, str],
    specs: Sequence[LoadedSpec],
    live: Sequence[LiveSchedule],
    config: ReconcilerConfig,
    *,
    include_unmanaged: bool = False,
    unmanaged_file: str = DEFAULT_UNMANAGED_FILE,
    header: str = "",
) -> AdoptResult:
    """Write the live value of every drifted field into ``files`` in place.

    ``files`` maps each spec file, named as in ``LoadedSpec.location.file``, to its text.
    With ``include_unmanaged``, live schedules no spec names are appended to
    ``unmanaged_file`` (a key of ``files``, or a new file opened by ``header``).
    Raises ``PlanError`` when a spec cannot be matched to the account, as ``plan`` would.
    """
    diff = diff_specs(specs, live, config.model_copy(update={"prune": False}))
    if diff.issues:
        raise PlanError(diff.issues)
    by_location = {s.location: s for s in specs}
    edits: dict[str, list[_Edit]] = defaultdict(list)
    changes: list[tuple[str, int, str]] = []
    skipped: list[str] = []
    documents: dict[str, _Document | None] = {}
    final_names = {s.location: s.spec.name for s in specs}

    for change in diff.changes:
        loaded = by_location.get(change.source) if change.source is not None else None
        if change.action != "update" or loaded is None:
            skipped.append(_not_adopted(change))
            continue
        file = loaded.location.file
        if file not in documents:
            documents[file] = _Document.parse(file, files.get(file), skipped)
        document = documents[file]
        if document is None:
            continue
        for field_change in change.fields:
            refused = _refused(field_change.field, field_change.before)
            edit = refused or document.value_edit(loaded, field_change.field, field_change.before)
            if isinstance(edit, str):
                skipped.append(f"{loaded.location}: '{change.name}' {field_change.field}: {edit}")
                continue
            edits[file].append(edit)
            before, after = display(field_change.after), display(field_change.before)
            line = f"{file}: '{change.name}' {field_change.field} {before} → {after}"
            changes.append((file, edit.start, line))
            if field_change.field == "name" and isinstance(field_change.before, str):
                final_names[loaded.location] = field_change.before

    new_files: dict[str, str] = {}
    for file, file_edits in edits.items():
        new_files[file] = _apply(files[file], file_edits)

    if include_unmanaged and diff.unmanaged:
        text = new_files.get(unmanaged_file, files.get(unmanaged_file))
        names = Counter(r.name for r in diff.considered)
        names.update(set(final_names.values()))
        appended = _append(text, unmanaged_file, diff.unmanaged, names, header, skipped)
        if appended is not None:
            new_text, added = appended
            new_files[unmanaged_file] = new_text
            changes.extend((unmanaged_file, _AT_END, line) for line in added)

    skipped.extend(_name_clashes(final_names))
    for file, text in list(new_files.items()):
        _, issues = parse_document(text, file)
        if issues:  # pragma: no cover - a bug here must never reach the user's files
            del new_files[file]
            skipped.append(f"{file}: not changed: adopting would break it ({issues[0]})")
    changes.sort(key=lambda item: (item[0], item[1]))
    return AdoptResult(
        files=new_files,
        changes=[line for file, _, line in changes if file in new_files],
        skipped=skipped,
    )


def _refused(key: ManagedField, value: FieldValue) -> str | None:
    """Why a spec cannot hold the live ``value`` (the API let through what a spec refuses)."""
    try:
        ScheduleSpec.model_validate({"name": "-", key: value})
    except ValidationError as exc:
        reason = str(exc.errors(include_url=False)[0]["msg"]).removeprefix("Value error, ")
        return f"the live value {display(value)} is not valid in a spec ({reason}); not adopted"
    return None


def _not_adopted(change: Change) -> str:
    where = f"{change.source}: " if change.source is not None else ""
    match change.action:
        case "create":
            return f"{where}'{change.name}' is not live; kept (apply would create it)"
        case "delete":
            return f"{where}'{change.name}' is live but its spec says ensure: absent; kept"
        case "update":
            return f"{where}'{change.name}': its spec was not found among the loaded specs"


def _name_clashes(final_names: Mapping[Location, str]) -> list[str]:
    by_name: dict[str, list[Location]] = defaultdict(list)
    for location, name in final_names.items():
        by_name[name].append(location)
    return [
        f"{sorted(places)[1]}: after adopting, '{name}' names {len(places)} specs "
        f"(first at {sorted(places)[0]}); names must be unique, so rename or remove one"
        for name, places in sorted(by_name.items())
        if len(places) > 1
    ]


@dataclass(frozen=True, slots=True)
class _Edit:
    """Replace ``text[start:end]`` with ``replacement``."""

    start: int
    end: int
    replacement: str


def _apply(text: str, edits: Sequence[_Edit]) -> str:
    # From the end backwards; of two insertions at one offset the earlier-listed ends up first.
    ordered = [
        e for _, e in sorted(enumerate(edits), key=lambda p: (p[1].start, p[0]), reverse=True)
    ]
    limit = len(text)
    for edit in ordered:
        if edit.end > limit:  # pragma: no cover - two edits of one value would be a bug
            raise AssertionError(f"overlapping edits at offset {edit.start}")
        text = text[: edit.start] + edit.replacement + text[edit.end :]
        limit = edit.start
    return text


@dataclass(slots=True)
class _Document:
    """One spec file's text and node tree, with each schedule entry by its 1-based position."""

    text: str
    root: Node | None
    entries: dict[tuple[int, int], MappingNode]

    @classmethod
    def parse(cls, file: str, text: str | None, skipped: list[str]) -> _Document | None:
        if text is None:
            skipped.append(f"{file}: not among the files given; its drift is not adopted")
            return None
        try:
            root = YAML(typ="safe", pure=True).compose(text)
        except YAMLError as exc:
            skipped.append(f"{file}: cannot be read as YAML ({exc}); not changed")
            return None
        entries: dict[tuple[int, int], MappingNode] = {}
        items = _schedules(root)
        if isinstance(items, SequenceNode):
            for item in items.value:
                if isinstance(item, MappingNode):
                    mark = item.start_mark
                    entries[(mark.line + 1, mark.column + 1)] = item
        return cls(text, root, entries)

    def value_edit(self, loaded: LoadedSpec, key: ManagedField, value: FieldValue) -> _Edit | str:
        """The edit that writes ``value`` as ``key`` of ``loaded``'s entry, or why there is none."""
        entry = self.entries.get((loaded.location.line, loaded.location.column))
        if entry is None:
            return "its entry was not found in the file (was it edited since it was loaded?)"
        value_node = next(
            (v for k, v in entry.value if isinstance(k, ScalarNode) and k.value == key), None
        )
        if value_node is None and loaded.origins.get(key) in ("defaults", "merge key"):
            return self._override(entry, key, value)
        if value_node is None:
            return f"the key '{key}' was not found in its entry"
        if not isinstance(value_node, ScalarNode):
            return "the value is not a single value"
        if value_node.anchor is not None:
            return "the value is a YAML anchor or alias shared with other keys; edit it by hand"
        start, end = value_node.start_mark.index, value_node.end_mark.index
        old = self.text[start:end]
        new = _render(key, value, value_node, flow=bool(entry.flow_style))
        if value_node.style in ("|", ">"):
            content = len(old.rstrip(" \t\r\n"))
            breaks = [i for i in (old.find("\n", content), old.find("\r", content)) if i >= 0]
            new += old[min(breaks) :] if breaks else ""
        elif (gap := _COMMENT_GAP.match(self.text, end)) is not None and "\n" not in old:
            # keep a trailing comment in its column: the spaces before it absorb the new width
            spaces = len(gap.group(1))
            new += " " * max(spaces - (len(new) - len(old)), 1)
            end += spaces
        return _Edit(start, end, new)

    def _override(self, entry: MappingNode, key: ManagedField, value: FieldValue) -> _Edit:
        """An edit adding ``key: value`` as the entry's own last key."""
        end = 0
        for key_node, value_node in entry.value:
            end = max(end, key_node.end_mark.index)
            if value_node.start_mark.index >= key_node.end_mark.index:  # not an earlier anchor
                end = max(end, _content_end(self.text, value_node))
        if entry.flow_style:
            return _Edit(end, end, f", {key}: {format_value(key, value, flow=True)}")
        newline = "\r\n" if "\r\n" in self.text else "\n"
        indent = " " * entry.value[0][0].start_mark.column
        line = f"{indent}{key}: {format_value(key, value)}"
        line_end = self.text.find("\n", end)
        if line_end < 0:
            lead = "" if self.text.endswith(("\n", "\r")) else newline
            return _Edit(len(self.text), len(self.text), f"{lead}{line}{newline}")
        return _Edit(line_end + 1, line_end + 1, f"{line}{newline}")


def _schedules(root: Node | None) -> Node | None:
    if not isinstance(root, MappingNode):
        return None
    for key_node, value_node in root.value:
        if isinstance(key_node, ScalarNode) and key_node.value == "schedules":
            return value_node  # type: ignore[no-any-return]
    return None


def _render(key: ManagedField, value: FieldValue, old: ScalarNode, *, flow: bool) -> str:
    """``value`` as YAML text that looks like the ``old`` value it replaces."""
    if value is None:
        return "null"
    quote: Literal["'", '"'] | None = "'" if old.style == "'" else '"' if old.style else None
    if isinstance(value, str):
        # a block scalar (| or >) gives way to a double-quoted one
        return yaml_string(value, flow=flow, style=quote or "plain")
    word = _bool_word(value, str(old.value)) if isinstance(value, bool) else None
    word = word or format_value(key, value, flow=flow)
    return f"{quote}{word}{quote}" if quote else word


def _bool_word(value: bool, old: str) -> str:
    """``value`` in the words and case the user wrote ``old`` in (``no`` → ``yes``)."""
    family = next((f for f in _BOOL_WORDS if old.strip().lower() in f), _BOOL_WORDS[0])
    word = family[0] if value else family[1]
    if old.isupper() and old.isalpha():
        return word.upper()
    if old[:1].isupper():
        return word.capitalize()
    return word


def _append(
    text: str | None,
    file: str,
    records: Sequence[LiveSchedule],
    names: Mapping[str, int],
    header: str,
    skipped: list[str],
) -> tuple[str, list[str]] | None:
    """``text`` with ``records`` appended to its schedules, and a line per appended record."""

    def pin_note(record: LiveSchedule) -> str | None:
        return "pinned: another schedule has this name" if names[record.name] > 1 else None

    wanted: list[LiveSchedule] = []
    for record in records:
        reason = not_exportable(record, pin=pin_note(record) is not None)
        if reason is None:
            wanted.append(record)
        else:
            skipped.append(f"unmanaged schedule {record.id} not adopted: {reason}")
    if not wanted:
        return None
    added = [f"{file}: '{r.name}' added (live id {r.id}, was unmanaged)" for r in wanted]
    if text is None:
        created = render_file(wanted, header=header, title=_UNMANAGED_TITLE, pin_note=pin_note)
        return created, [f"{file}: created", *added]
    try:
        root = YAML(typ="safe", pure=True).compose(text)
    except YAMLError as exc:
        skipped.append(f"{file}: cannot be read as YAML ({exc}); unmanaged schedules not added")
        return None
    newline = "\r\n" if "\r\n" in text else "\n"
    new_text = _insert(text, root, wanted, pin_note, newline)
    if new_text is None:
        skipped.append(
            f"{file}: its layout is not a block mapping with a 'schedules' list; "
            "unmanaged schedules not added (pick another --unmanaged-file)"
        )
        return None
    return new_text, added


def _insert(
    text: str,
    root: Node | None,
    records: Sequence[LiveSchedule],
    pin_note: Callable[[LiveSchedule], str | None],
    newline: str,
) -> str | None:
    """``text`` with block (or flow) entries for ``records`` added at the end of its list."""

    def block(dash: str, *, first: bool) -> list[str]:
        lines: list[str] = []
        for index, record in enumerate(records):
            if index or not first:
                lines.append("")
            note = pin_note(record)
            lines.extend(entry_lines(record, pin=note is not None, dash=dash, note=note))
        return lines

    if root is None:
        return _after_line(text, len(text), ["schedules:", *block("  - ", first=True)], newline)
    if not isinstance(root, MappingNode) or root.flow_style:
        return None
    items = _schedules(root)
    if items is None:
        column = root.start_mark.column
        lines = [" " * column + "schedules:", *block(" " * column + "  - ", first=True)]
        return _after_line(text, len(text), lines, newline)
    key_end = next(k.end_mark.index for k, v in root.value if v is items)
    dash = " " * (root.start_mark.column + 2) + "- "
    if isinstance(items, ScalarNode) and items.value in _NULL_WORDS and items.style is None:
        cleared = _clear(text, items.start_mark.index, items.end_mark.index)
        return _after_line(cleared, key_end, block(dash, first=True), newline)
    if not isinstance(items, SequenceNode):
        return None
    if items.flow_style and not items.value:
        cleared = _clear(text, items.start_mark.index, items.end_mark.index)
        return _after_line(cleared, key_end, block(dash, first=True), newline)
    if items.flow_style:
        last = items.value[-1].end_mark.index
        flow = "".join(
            f", {flow_entry(r, pin=pin_note(r) is not None)}" for r in records
        )  # a flow list stays a flow list
        return text[:last] + flow + text[last:]
    if not items.value:  # pragma: no cover - a block sequence always has an item
        return None
    return _after_line(
        text, _content_end(text, items), block(_dash_of(items), first=False), newline
    )


def _clear(text: str, start: int, end: int) -> str:
    """``text`` without the empty list or null (``[]``, ``null``, ``~``) at ``start:end``."""
    head, rest = text[:start], text[end:]
    if not rest or rest.startswith(("\n", "\r")):
        head = head.rstrip(" \t")  # no trailing space left behind the key's colon
    return head + rest


def _after_line(text: str, offset: int, lines: Sequence[str], newline: str) -> str:
    """``text`` with ``lines`` inserted after the line that holds ``offset``."""
    line_end = text.find("\n", offset)
    if line_end < 0:
        lead = newline if text and not text.endswith(("\n", "\r")) else ""
        return text + lead + newline.join(lines) + newline
    cut = line_end + 1
    return text[:cut] + newline.join(lines) + newline + text[cut:]


def _content_end(text: str, node: Node) -> int:
    """Where the last value inside ``node`` ends (before any trailing comment or blank line)."""
    while isinstance(node, MappingNode | SequenceNode) and node.value and not node.flow_style:
        last = node.value[-1]
        node = last[1] if isinstance(node, MappingNode) else last
    start: int = node.start_mark.index
    end: int = node.end_mark.index
    if isinstance(node, ScalarNode) and node.style in ("|", ">"):
        end = start + len(text[start:end].rstrip(" \t\r\n"))  # a block scalar's span
    return end  # ends with the line breaks after it


def _dash_of(items: SequenceNode) -> str:
    """The ``- `` that opens an item of ``items``, indented like the items already there."""
    dash_column: int = items.start_mark.column
    first = items.value[0]
    same_line = first.start_mark.line == items.start_mark.line
    gap: int = first.start_mark.column - dash_column - 1 if same_line else 1
    return " " * dash_column + "-" + " " * max(gap, 1)
