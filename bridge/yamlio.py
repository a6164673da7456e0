"""Safe round-trip YAML I/O for scene scripts: every failure becomes a located UserError.

Scripts come from people and from LLMs, so the loader guards against hostile input: size is
checked before reading, nesting, aliases and tags are checked on the event stream while it is
consumed (before the node they open is composed), and the alias-expanded size of the composed
graph is measured without expanding it. Nothing is ever constructed from a tag.
"""
from __future__ import annotations

import io
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import MarkedYAMLError, YAMLError
from ruamel.yaml.events import AliasEvent, CollectionEndEvent, CollectionStartEvent, NodeEvent
from ruamel.yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode
from ruamel.yaml.parser import RoundTripParser
from ruamel.yaml.reader import ReaderError

from bridge import limits
from bridge.errors import Location, Problem, UserError
from bridge.files import atomic_write

CORE_TAG_PREFIX = "tag:yaml.org,2002:"
MERGE_KEY = "<<"


class _Refused(Exception):
    """A limit or rule broken while reading; carries a 0-based mark."""

    def __init__(self, mark: Any, message: str, field: str = ""):
        super().__init__(message)
        self.mark = mark
        self.message = message
        self.field = field


class _GuardedParser(RoundTripParser):
    """A round-trip parser that refuses deep nesting, too many aliases and any tag."""

    def reset_parser(self) -> None:
        super().reset_parser()
        self.depth = 0
        self.aliases = 0

    def get_event(self) -> Any:
        event = super().get_event()
        if isinstance(event, AliasEvent):
            self.aliases += 1
            if self.aliases > limits.MAX_YAML_ALIASES:
                raise _Refused(event.start_mark,
                               f"more than {limits.MAX_YAML_ALIASES} aliases (*name)")
        elif isinstance(event, NodeEvent) and event.tag is not None:
            raise _Refused(event.start_mark, f"YAML tags such as '{_short_tag(event.tag)}' "
                           "are not allowed; write plain values")
        if isinstance(event, CollectionStartEvent):
            self.depth += 1
            if self.depth > limits.MAX_YAML_DEPTH:
                raise _Refused(event.start_mark,
                               f"nesting deeper than {limits.MAX_YAML_DEPTH} levels")
        elif isinstance(event, CollectionEndEvent):
            self.depth -= 1
        return event


def _short_tag(tag: Any) -> str:
    text = str(tag)
    return "!!" + text[len(CORE_TAG_PREFIX):] if text.startswith(CORE_TAG_PREFIX) else text


def _yaml() -> YAML:
    """A fresh round-trip YAML instance in the house style (2-space maps, '  - ' lists)."""
    yaml = YAML(typ="rt")
    yaml.Parser = _GuardedParser
    yaml.preserve_quotes = True
    yaml.allow_duplicate_keys = False
    yaml.indent(mapping=2, sequence=4, offset=2)
    yaml.width = 4096  # never re-wrap a user's long flow mappings
    return yaml


def _problem(name: str, mark: Any, message: str, field: str = "") -> UserError:
    if mark is None:
        return UserError([Problem(Location(name), field, message)])
    return UserError([Problem(Location(name, mark.line + 1, mark.column + 1), field, message)])


def _line_col(text: str, offset: int) -> tuple[int, int]:
    """1-based line and column of a character offset."""
    line = text.count("\n", 0, offset) + 1
    return line, offset - (text.rfind("\n", 0, offset) + 1) + 1


def _syntax_message(err: MarkedYAMLError) -> str:
    problem, context = err.problem, err.context
    if problem and context and context.startswith("while") and err.context_mark is not None:
        return f"invalid YAML: {problem} ({context} started at line {err.context_mark.line + 1})"
    return "invalid YAML: " + ", ".join(p for p in (context, problem) if p)


def _children(node: Node) -> list[Node]:
    if isinstance(node, SequenceNode):
        return list(node.value)
    if isinstance(node, MappingNode):
        return [n for pair in node.value for n in pair]
    return []


def _check_duplicate_keys(node: MappingNode) -> None:
    seen: dict[tuple[str, str], Any] = {}
    for key, _ in node.value:
        if not isinstance(key, ScalarNode):
            # `? [a, b]` or `? {a: 1}`: YAML allows it, a script never needs it, and the
            # loader cannot hash it
            raise _Refused(key.start_mark, f"a key must be a plain name, found {_kind(key)} "
                           "(a `?` before a list or mapping makes it a key; remove the `?`)")
        if key.value == MERGE_KEY:
            continue
        ident = (str(key.tag), key.value)
        if ident in seen:
            first = seen[ident].line + 1
            raise _Refused(key.start_mark, f"duplicate key '{key.value}' (first at line {first})",
                           field=str(key.value))
        seen[ident] = key.start_mark


def _measure(root: Node) -> None:
    """Refuse the graph when its alias-expanded size or depth is too large, or it has a cycle.

    Iterative post-order walk with sizes memoised per node, so a billion laughs costs as many
    steps as it has distinct nodes.
    """
    size: dict[int, int] = {}
    depth: dict[int, int] = {}
    on_path: set[int] = set()
    stack: list[tuple[Node, bool]] = [(root, False)]
    while stack:
        node, finished = stack.pop()
        ident = id(node)
        if finished:
            on_path.discard(ident)
            kids = [id(k) for k in _children(node)]
            size[ident] = 1 + sum(size[k] for k in kids)
            depth[ident] = 1 + max((depth[k] for k in kids), default=0)
            if size[ident] > limits.MAX_YAML_NODES:
                raise _Refused(node.start_mark, f"more than {limits.MAX_YAML_NODES} values once "
                               "aliases are expanded")
            if depth[ident] > limits.MAX_YAML_DEPTH + 1:
                raise _Refused(node.start_mark, f"nesting deeper than {limits.MAX_YAML_DEPTH} "
                               "levels once aliases are expanded")
        elif ident not in size:
            if ident in on_path:
                raise _Refused(node.start_mark, "an alias refers to a value that contains it")
            if isinstance(node, MappingNode):
                _check_duplicate_keys(node)
            on_path.add(ident)
            stack.append((node, True))
            stack.extend((kid, False) for kid in _children(node))


def _kind(node: Node) -> str:
    if isinstance(node, MappingNode):
        return "a mapping"
    return "a list" if isinstance(node, SequenceNode) else "a single value"


def check_size(text: str, name: str) -> None:
    """UserError when `text` is longer than a script may be."""
    size = len(text.encode("utf-8", errors="replace"))
    if size > limits.MAX_SCRIPT_BYTES:
        raise _problem(name, None, f"the script is {size} bytes; the limit is "
                       f"{limits.MAX_SCRIPT_BYTES} bytes")


def load_string(text: str, name: str = "<string>") -> CommentedMap:
    """Parse a scene script held in memory; the top level must be a mapping."""
    check_size(text, name)
    yaml = _yaml()
    try:
        root = yaml.compose(text)
        if root is None:
            raise _Refused(None, "the script is empty; expected a mapping with name, duration "
                           "and bodies")
        if not isinstance(root, MappingNode):
            raise _Refused(root.start_mark, "the top level must be a mapping (name: ..., "
                           f"bodies: ...), found {_kind(root)}")
        _measure(root)
        return yaml.constructor.construct_document(root)
    except _Refused as err:
        raise _problem(name, err.mark, err.message, err.field) from None
    except MarkedYAMLError as err:
        raise _problem(name, err.problem_mark or err.context_mark, _syntax_message(err)) from None
    except ReaderError as err:
        line, col = _line_col(text, err.position)
        raise UserError([Problem(Location(name, line, col), "",
                                 f"character #x{err.character:04x} is not allowed in YAML")]) \
            from None
    except YAMLError as err:
        raise _problem(name, None, f"invalid YAML: {err}") from None


def load_document(path: Path) -> CommentedMap:
    """Read a scene script from disk, refusing oversized, non-UTF-8 or hostile files."""
    name = str(path)
    try:
        size = path.stat().st_size
        if size > limits.MAX_SCRIPT_BYTES:
            raise _problem(name, None, f"the script is {size} bytes; the limit is "
                           f"{limits.MAX_SCRIPT_BYTES} bytes")
        data = path.read_bytes()
    except OSError as err:
        raise _problem(name, None, f"cannot read the script: {err.strerror or err}") from None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        before = data[:err.start].decode("utf-8", errors="replace")
        line, col = _line_col(before, len(before))
        raise UserError([Problem(Location(name, line, col), "",
                                 "the script is not valid UTF-8 text")]) from None
    return load_string(text, name)


def dump_document(doc: Any) -> str:
    """The YAML text of a document, comments and key order kept."""
    out = io.StringIO()
    _yaml().dump(doc, out)
    return out.getvalue()


def with_flow_vectors(data: Any) -> Any:
    """Plain data as ruamel containers in which lists of numbers print inline, [x, y, z]."""
    if isinstance(data, dict):
        return CommentedMap((k, with_flow_vectors(v)) for k, v in data.items())
    if isinstance(data, list):
        seq = CommentedSeq(with_flow_vectors(v) for v in data)
        if data and all(isinstance(v, int | float) and not isinstance(v, bool) for v in data):
            seq.fa.set_flow_style()
        return seq
    return data


def save_document(doc: Any, path: Path) -> None:
    """Write a document atomically: a temporary file in the same folder, then a rename."""
    atomic_write(path, dump_document(doc))