"""YAML text → plain Python values, with the location of every key and value.

The C-backed composer (``ruamel.yaml.clib``) builds the node tree fast and keeps each node's
marks; walking the nodes here turns them into values without the slow round-trip loader.
Decimals come from the scalar's text, so no float ever stands between the file and the model.
Problems are collected as ``Issue``s (never raised one by one) so a user sees them all.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from ruamel.yaml.error import MarkedYAMLError, YAMLError
from ruamel.yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

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
    that names it stands (for mappings). ``()`` is the document itself.
    """

    value: Any
    values: dict[NodePath, Location] = field(default_factory=dict)
    keys: dict[NodePath, Location] = field(default_factory=dict)

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

    def at(self, node: Node) -> Location:
        mark = node.start_mark
        return Location(self.file, mark.line + 1, mark.column + 1)

    def walk(self, node: Node, path: NodePath) -> Any:
        self.located.values[path] = self.at(node)
        key = id(node)
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
        for key_node, value_node in node.value:
            key_at = self.at(key_node)
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
        return result

    def _scalar(self, node: ScalarNode) -> Any:
        text = str(node.value)
        # node.tag rebuilds its text on every access (a third of the walk); the raw suffix of a
        # resolved tag is the same string.
        ctag = getattr(node, "ctag", None)
        tag = str(ctag.suffix) if ctag is not None and ctag.handle is None else str(node.tag)
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
