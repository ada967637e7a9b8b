"""YAML text → plain Python values, with the location of every key and value.

The C-backed composer (``ruamel.yaml.clib``) builds the node tree fast and keeps each node's
marks; walking the nodes here turns them into values without the slow round-trip loader.
Decimals come from the scalar's text, so no float ever stands between the file and the model.
Problems are collected as ``Issue``s (never raised one by one) so a user sees them all.

Anchors, aliases and merge keys (``<<: *base``, ``<<: [*a, *b]``) work as YAML 1.1 says: keys
written in the mapping win over merged ones, and an earlier merged mapping wins over a later
one. A value keeps the location it was *written* at (the anchor's line, not the alias's), and
``Located.via`` says how it got to a path it was not written under.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from ruamel.yaml.error import MarkedYAMLError, YAMLError
from ruamel.yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode
from ruamel.yaml.reader import ReaderError

from reconciler.errors import Issue
from reconciler.location import Location

try:  # the C parser; the pure-Python one is a slower fallback with the same nodes
    from ruamel.yaml.cyaml import CSafeLoader as _Loader
except ImportError:  # pragma: no cover - only without ruamel.yaml.clib
    from ruamel.yaml.loader import SafeLoader as _Loader  # type: ignore[assignment]

__all__ = ["Located", "NodePath", "parse_document"]

NodePath = tuple[str | int, ...]


@dataclass(slots=True)
class Located:
    """A parsed document: its value and where each part of it stands.

    ``values[path]`` is where the value at ``path`` starts; ``keys[path]`` is where the key
    that names it stands (for mappings). ``()`` is the document itself. ``via[path]`` says how
    a value reached a path other than where it was written: ``"merge key"`` (``<<``) or
    ``"alias"`` (``*name``); a value written in place has no entry.
    """

    value: Any
    values: dict[NodePath, Location] = field(default_factory=dict)
    keys: dict[NodePath, Location] = field(default_factory=dict)
    via: dict[NodePath, str] = field(default_factory=dict)

    def where(self, path: NodePath, *, key: bool = False) -> Location | None:
        """The location of ``path``, or of its nearest ancestor that has one."""
        table = self.keys if key else self.values
        for end in range(len(path), -1, -1):
            found = table.get(path[:end]) or self.values.get(path[:end])
            if found is not None:
                return found
        return None


def parse_document(text: str, file: str) -> tuple[Located | None, list[Issue]]:
    """Parse one YAML document; ``None`` and the issues when it cannot be read at all."""
    tab_issues = _tab_indentation(text, file)
    if tab_issues:
        return None, tab_issues
    try:
        node = _Loader(io.StringIO(text)).get_single_node()
    except MarkedYAMLError as exc:
        return None, [_yaml_issue(exc, file)]
    except ReaderError as exc:
        return None, [_reader_issue(exc, text, file)]
    except YAMLError as exc:
        return None, [Issue(f"invalid YAML: {exc}", Location(file, 1, 1))]
    located = Located(value=None)
    issues: list[Issue] = []
    if node is not None:
        try:
            located.value = _Walker(file, located, issues.append).walk(node, ())
        except _UnreadableDocumentError as exc:
            return None, [exc.issue]
    return located, issues


def _is_merge_key(node: Node) -> bool:
    """``<<`` written plain: YAML's merge key (a quoted '<<' is an ordinary key)."""
    return isinstance(node, ScalarNode) and node.value == "<<" and _tag(node).endswith(":merge")


def _tag(node: Node) -> str:
    # node.tag rebuilds its text on every access (a third of the walk); the raw suffix of a
    # resolved tag is the same string.
    ctag = getattr(node, "ctag", None)
    return str(ctag.suffix) if ctag is not None and ctag.handle is None else str(node.tag)


def _tab_indentation(text: str, file: str) -> list[Issue]:
    issues = []
    for number, line in enumerate(text.splitlines(), start=1):
        indent = line[: len(line) - len(line.lstrip(" \t"))]
        if "\t" in indent:
            issues.append(
                Issue(
                    "a tab is used for indentation; YAML allows only spaces",
                    Location(file, number, indent.index("\t") + 1),
                )
            )
    return issues


def _yaml_issue(exc: MarkedYAMLError, file: str) -> Issue:
    mark = exc.problem_mark or exc.context_mark
    problem = exc.problem or "invalid YAML"
    if exc.context:
        problem = f"{problem} ({exc.context})"
    location = Location(file, mark.line + 1, mark.column + 1) if mark else Location(file, 1, 1)
    return Issue(f"invalid YAML: {problem}", location)


def _reader_issue(exc: ReaderError, text: str, file: str) -> Issue:
    """A character YAML refuses, located at its first use.

    The reader gives only an offset, in bytes (libyaml) or characters (the pure-Python
    loader); the first use of that character is where reading stopped, whichever it was.
    The text is already decoded, so ``character`` is a code point, never undecodable bytes.
    """
    found = text.find(chr(exc.character))
    before = text[: max(found, 0)].removeprefix("\ufeff")  # columns do not count a BOM
    line = before.count("\n") + 1
    column = len(before) - (before.rfind("\n") + 1) + 1
    return Issue(
        f"invalid YAML: unacceptable character #x{exc.character:04x}: {exc.reason}",
        Location(file, line, column),
    )


class _UnreadableDocumentError(Exception):
    """A document whose shape makes every further message noise (a cycle, absurd depth)."""

    def __init__(self, issue: Issue) -> None:
        super().__init__(issue.message)
        self.issue = issue


# Specs are a few levels deep; far deeper input is an attack or an accident, not a spec.
MAX_DEPTH = 64


@dataclass(slots=True)
class _Walker:
    file: str
    located: Located
    report: Callable[[Issue], None]
    # An alias is the same node object as its anchor: walk it once, reuse the value, so a
    # file of nested aliases ("billion laughs") costs its size, not its expansion.
    done: dict[int, Any] = field(default_factory=dict)
    active: set[int] = field(default_factory=set)
    # Nodes walked once already: meeting one again means it was reached through an alias.
    seen: set[int] = field(default_factory=set)

    def at(self, node: Node) -> Location:
        mark = node.start_mark
        return Location(self.file, mark.line + 1, mark.column + 1)

    def walk(self, node: Node, path: NodePath) -> Any:
        self.located.values[path] = self.at(node)
        key = id(node)
        if key in self.seen:
            self.located.via.setdefault(path, "alias")
        self.seen.add(key)
        if key in self.done:
            return self.done[key]
        if key in self.active:
            raise _UnreadableDocumentError(
                Issue("invalid YAML: an alias refers to the anchor that contains it", self.at(node))
            )
        if len(path) > MAX_DEPTH:
            raise _UnreadableDocumentError(
                Issue(f"invalid YAML: nested more than {MAX_DEPTH} levels deep", self.at(node))
            )
        self.active.add(key)
        try:
            if isinstance(node, MappingNode):
                value: Any = self._mapping(node, path)
            elif isinstance(node, SequenceNode):
                value = [self.walk(item, (*path, i)) for i, item in enumerate(node.value)]
            elif isinstance(node, ScalarNode):
                value = self._scalar(node)
            else:  # pragma: no cover - the composer makes no other kind
                self.report(Issue("unsupported YAML node", self.at(node)))
                value = None
        finally:
            self.active.discard(key)
        if not isinstance(node, ScalarNode):
            self.done[key] = value
        return value

    def _mapping(self, node: MappingNode, path: NodePath) -> dict[str, Any]:
        result: dict[str, Any] = {}
        merged: list[tuple[Node, Node]] = []
        for key_node, value_node in node.value:
            key_at = self.at(key_node)
            if _is_merge_key(key_node):
                merged.extend(self._merged_pairs(value_node))
                continue
            if not isinstance(key_node, ScalarNode):
                self.report(Issue("a mapping key must be plain text", key_at))
                continue
            key = str(key_node.value)
            if key in result:
                first = self.located.keys[(*path, key)]
                self.report(Issue(f"key '{key}' is repeated (first at line {first.line})", key_at))
                continue
            self.located.keys[(*path, key)] = key_at
            result[key] = self.walk(value_node, (*path, key))
        for key_node, value_node in merged:
            key = str(key_node.value)
            if key in result:  # written in the mapping, or merged from an earlier source
                continue
            self.located.keys[(*path, key)] = self.at(key_node)
            result[key] = self.walk(value_node, (*path, key))
            self.located.via[(*path, key)] = "merge key"
        return result

    def _merged_pairs(self, value: Node, depth: int = 0) -> list[tuple[Node, Node]]:
        """The key/value pairs a ``<<`` brings in, in precedence order (nested ``<<`` too)."""
        sources = value.value if isinstance(value, SequenceNode) else [value]
        pairs: list[tuple[Node, Node]] = []
        for source in sources:
            if not isinstance(source, MappingNode):
                self.report(
                    Issue("a merge key (<<) takes a mapping or a list of mappings", self.at(source))
                )
                continue
            if id(source) in self.active or depth > MAX_DEPTH:
                raise _UnreadableDocumentError(
                    Issue(
                        "invalid YAML: an alias refers to the anchor that contains it",
                        self.at(source),
                    )
                )
            self.active.add(id(source))
            try:
                own: list[tuple[Node, Node]] = []
                nested: list[tuple[Node, Node]] = []
                for key_node, value_node in source.value:
                    if _is_merge_key(key_node):
                        nested.extend(self._merged_pairs(value_node, depth + 1))
                    elif isinstance(key_node, ScalarNode):
                        own.append((key_node, value_node))
                pairs.extend([*own, *nested])
            finally:
                self.active.discard(id(source))
        return pairs

    def _scalar(self, node: ScalarNode) -> Any:
        text = str(node.value)
        tag = _tag(node)
        if node.style in ("'", '"') or tag.endswith(":str"):
            return text
        if tag.endswith(":null"):
            return None
        if tag.endswith(":bool"):
            return text.lower() == "true"
        if tag.endswith(":int"):
            cleaned = text.replace("_", "")
            try:
                return int(cleaned, 10)
            except ValueError:
                try:
                    return int(cleaned, 0)
                except ValueError:
                    return text
        if tag.endswith(":float"):
            try:
                return Decimal(text.replace("_", ""))
            except InvalidOperation:
                return text  # .inf / .nan: the field's validator says why it is refused
        return text
