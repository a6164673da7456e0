"""Map data paths to file positions, and pydantic errors to located, readable Problems."""
from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from pydantic import ValidationError

from bridge.errors import Location, PathEntry, Problem, field_text
from bridge.schema import CHECKS, NAME_PATTERN, SUBJECT_PATTERN
from bridge.suggest import closest

# pydantic error types that only say "wrong kind of value"; in a union, a more specific
# error from another branch explains the problem better
TYPE_MISMATCH = {
    "float_type", "float_parsing", "int_type", "int_parsing", "bool_type", "bool_parsing",
    "string_type", "list_type", "tuple_type", "dict_type", "model_type", "model_attributes_type",
}
EXPECTED_KIND = {
    "float_type": "a number", "float_parsing": "a number",
    "int_type": "a whole number", "int_parsing": "a whole number",
    "int_from_float": "a whole number", "bool_type": "true or false",
    "bool_parsing": "true or false", "string_type": "text", "list_type": "a list",
    "dict_type": "a mapping (key: value)", "model_type": "a mapping (key: value)",
    "model_attributes_type": "a mapping (key: value)",
}
COMPARISONS = {"greater_than": ("gt", ">"), "greater_than_equal": ("ge", ">="),
               "less_than": ("lt", "<"), "less_than_equal": ("le", "<=")}
TUPLE_SHAPES = {"resolution": "a list of 2 whole numbers [width, height]",
                "on_contact": "a list of 2 body names [a, b]",
                "color": "a list of 3 numbers [r, g, b]"}
VEC3_SHAPE = "a list of 3 numbers [x, y, z]"
SUBJECT_SHAPE = "a body name, a glob such as 'domino_*', or a list of names"
PATTERNS = {
    NAME_PATTERN: "a name of letters, digits, '_', '.' or '-' that starts with a letter "
                  "or '_' (at most 64 characters)",
    SUBJECT_PATTERN: SUBJECT_SHAPE,
}
SLUG = "a lowercase slug of a-z, 0-9, '_' and '-' (at most 64 characters)"
CHECK_FIELDS = {f.alias or n for m in CHECKS.values() for n, f in m.model_fields.items()}


def _has(node: Any, entry: PathEntry) -> bool:
    if isinstance(node, Mapping):
        return isinstance(entry, str | int) and entry in node
    if isinstance(node, Sequence) and not isinstance(node, str):
        return isinstance(entry, int) and 0 <= entry < len(node)
    return False


def _position(node: Any, entry: PathEntry, key: bool) -> tuple[int, int] | None:
    lc = getattr(node, "lc", None)
    try:
        if isinstance(node, Mapping):
            line, col = lc.key(entry) if key else lc.value(entry)
        else:
            line, col = lc.item(entry)
    except (AttributeError, KeyError, IndexError, TypeError):
        return None  # a plain dict, or a key that came from a merge
    return line + 1, col + 1


def _start(doc: Any) -> tuple[int, int]:
    lc = getattr(doc, "lc", None)
    return (lc.line + 1, lc.col + 1) if lc is not None and lc.line is not None else (0, 0)


def _walk(doc: Any, path: Sequence[PathEntry], key: bool
          ) -> tuple[tuple[PathEntry, ...], tuple[int, int], tuple[PathEntry, ...] | None]:
    """Like `resolve`, plus the path at which the first entry was skipped (or None)."""
    node, found, where, skipped_at = doc, [], _start(doc), None
    for i, entry in enumerate(path):
        if not _has(node, entry):
            skipped_at = tuple(found) if skipped_at is None else skipped_at
            continue
        where = _position(node, entry, key and i == len(path) - 1) or where
        found.append(entry)
        node = node[entry]
    return tuple(found), where, skipped_at


def resolve(doc: Any, path: Sequence[PathEntry], key: bool = False
            ) -> tuple[tuple[PathEntry, ...], tuple[int, int]]:
    """The entries of `path` that exist in `doc`, and the 1-based (line, col) of the last one.

    Entries that are not keys or indices (pydantic's union tags) are skipped. With `key`,
    point at the last key rather than at its value.
    """
    found, where, _ = _walk(doc, path, key)
    return found, where


def locate(doc: Any, path: Sequence[PathEntry], key: bool = False) -> tuple[int, int]:
    """1-based (line, col) of the value at `path` (of its key with `key`); (0, 0) if unknown."""
    return resolve(doc, path, key)[1]


def located(doc: Any, name: str, path: Sequence[PathEntry], message: str,
            key: bool = False) -> Problem:
    """A Problem at `path` in `doc`, which was read from the file `name`."""
    found, (line, col) = resolve(doc, path, key)
    return Problem(Location(name, line, col), field_text(found), message)


def shown(value: Any) -> str:
    """A short rendering of a value the way the user wrote it in YAML."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        if math.isnan(value):
            return ".nan"
        return (".inf" if value > 0 else "-.inf") if math.isinf(value) else f"{value:g}"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, str):
        return repr(value if len(value) <= 40 else value[:37] + "...")
    if isinstance(value, Mapping):
        return "a mapping"
    if isinstance(value, Sequence):
        return f"a list of {len(value)} item{'s' * (len(value) != 1)}"
    return type(value).__name__


def _tuple_shape(path: Sequence[PathEntry]) -> str:
    names = [e for e in path if isinstance(e, str)]
    return TUPLE_SHAPES.get(names[-1], VEC3_SHAPE) if names else VEC3_SHAPE


def _expected(err: dict, path: tuple[PathEntry, ...]) -> str | None:
    """What the field expects, for errors that are about the kind or range of a value."""
    kind, ctx = err["type"], err.get("ctx") or {}
    if kind in ("tuple_type", "too_long", "too_short") and ctx.get("field_type") != "List":
        return _tuple_shape(path)
    if kind in EXPECTED_KIND:
        if len(path) > 2 and path[0] == "expect" and path[2] in CHECKS:
            return "a body name" if isinstance(path[-1], int) else SUBJECT_SHAPE
        return EXPECTED_KIND[kind]
    if kind in COMPARISONS:
        bound, sign = COMPARISONS[kind]
        return f"a number {sign} {shown(ctx.get(bound))}"
    if kind == "finite_number":
        return "a finite number (NaN and infinity are not allowed)"
    if kind == "string_pattern_mismatch":
        return PATTERNS.get(ctx.get("pattern"), SLUG if path == ("name",) else
                            f"text matching {ctx.get('pattern')}")
    if kind == "literal_error":
        return f"one of {ctx.get('expected')}"
    if kind == "too_short":
        return f"at least {ctx.get('min_length')} item(s)"
    if kind == "too_long":
        return f"at most {ctx.get('max_length')} items"
    if kind == "string_too_long":
        return f"at most {ctx.get('max_length')} characters"
    return None


def _unknown_check(value: Any) -> tuple[str | None, str]:
    """The offending key (if any) and a message for an expectation without one check key."""
    valid = ", ".join(CHECKS)
    if not isinstance(value, Mapping):
        return None, f"expected a mapping with one check key of: {valid}, found {shown(value)}"
    given = [k for k in CHECKS if k in value]
    if len(given) > 1:
        return None, f"give exactly one check per expectation, found {', '.join(given)}"
    strays = [k for k in value if str(k) not in CHECK_FIELDS]
    if strays:
        guess = closest(str(strays[0]), CHECKS)
        hint = f"; did you mean '{guess}'?" if guess else ""
        return strays[0], f"unknown check '{strays[0]}'{hint} (checks: {valid})"
    return None, f"an expectation needs one check key of: {valid}"


def _describe(err: dict) -> tuple[tuple[PathEntry, ...], bool, str, str | None]:
    """(path, point at key, message, expected) for one pydantic error.

    For a missing field the path leads to the mapping that lacks it.
    """
    loc, kind, value = tuple(err["loc"]), err["type"], err.get("input")
    ctx = err.get("ctx") or {}
    if kind == "missing" and loc and isinstance(loc[-1], int):
        shape = _tuple_shape(loc[:-1])
        return loc[:-1], False, f"expected {shape}, found {shown(value)}", shape
    if kind == "missing" and loc:
        return loc[:-1], False, f"required field '{loc[-1]}' is missing", None
    if "key" in ctx:  # unknown_field, or any error naming the offending key: point at it
        return loc + (ctx["key"],), True, err["msg"], None
    if kind == "unknown_check":
        stray, message = _unknown_check(value)
        return (loc + (stray,) if stray is not None else loc), stray is not None, message, None
    expected = _expected(err, loc)
    if expected is not None:
        return loc, False, f"expected {expected}, found {shown(value)}", expected
    return loc, False, err["msg"].removeprefix("Value error, "), None


@dataclass
class _Item:
    problem: Problem
    kind: str
    expected: str | None
    path: tuple[PathEntry, ...]
    branch: tuple[PathEntry, ...] | None  # the union field whose branch failed, if any


def _merge_union_branches(items: list[_Item]) -> list[Problem]:
    """Keep the most telling errors of a union: a branch that matched the kind of value and
    failed inside wins over the branches that only say 'wrong kind'; if every branch says
    'wrong kind', say once what kinds are accepted."""
    problems = [i.problem for i in items if i.branch is None]
    groups: dict[tuple[PathEntry, ...], list[_Item]] = {}
    for item in items:
        if item.branch is not None:
            groups.setdefault(item.branch, []).append(item)
    for branch, group in groups.items():
        shallow = [i for i in group if i.kind in TYPE_MISMATCH and i.path == branch]
        telling = [i.problem for i in group if i not in shallow]
        if telling or not shallow:
            problems.extend(telling)
            continue
        expected = " or ".join(dict.fromkeys(i.expected for i in shallow if i.expected))
        first = shallow[0].problem
        found = first.message.rsplit(", found ", 1)[-1]
        problems.append(Problem(first.location, first.field, f"expected {expected}, found {found}"))
    return problems


def sort_problems(problems: list[Problem]) -> list[Problem]:
    """De-duplicated and in file order; problems without a line come last."""
    unique = dict.fromkeys(problems)
    return sorted(unique, key=lambda p: (p.location.line == 0, p.location.line, p.location.col,
                                         p.field, p.message))


def _strip_check_tag(loc: tuple) -> tuple:
    """Drop the tag pydantic puts after `expect[i]`: it names the check, which is also a key."""
    if len(loc) > 2 and loc[0] == "expect" and isinstance(loc[1], int) and loc[2] in CHECKS:
        return loc[:2] + loc[3:]
    return loc


def validation_problems(err: ValidationError, doc: Any, name: str) -> list[Problem]:
    """Every error of a pydantic ValidationError as a located, readable Problem."""
    items = []
    for error in err.errors(include_url=False):
        loc = _strip_check_tag(tuple(error["loc"]))
        path, key, message, expected = _describe({**error, "loc": loc})
        found, (line, col), branch = _walk(doc, path, key)
        if error["type"] == "missing" and loc and not isinstance(loc[-1], int):
            found += (loc[-1],)
        problem = Problem(Location(name, line, col), field_text(found), message)
        items.append(_Item(problem, error["type"], expected, found, branch))
    return sort_problems(_merge_union_branches(items))
