"""The value kinds of dataset scripts: a one-key mapping such as `{uniform: [0, 1]}`.

`uniform`, `normal` and `int` take two numbers, or two vectors of the same length for a vector
drawn component by component. Numbers drawn from `uniform` and `normal` are rounded to
6 decimals (micrometres for positions) so that the sampled script saved with each sample stays
readable; `int` gives whole numbers, both bounds included. `choice` and `step` are sampled by
`bridge.randomize`, which walks into their arguments.
"""
from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from string import Formatter
from typing import Any

import numpy as np
from ruamel.yaml.scalarbool import ScalarBoolean

from bridge.locate import shown
from bridge.schema import json_schema
from bridge.suggest import closest

# a format spec for a whole number: fill and align, sign, zero padding, width < 100, base
SPEC = re.compile(r"(?:.?[<>=^])?[+ -]?0?\d{0,2}[bdoxX]?")
INDEX_HELP = ("only {i} (copy index from 0) and {n} (from 1) may be filled in, with an "
              "optional format such as {n:02d}; write {{ and }} for literal braces")
DIST_KEYS = ("uniform", "normal", "int", "choice", "step")
REPEAT = "repeat"  # a block that generates bodies from a template
DECIMALS = 6
MAX_WHOLE = 2**53  # int bounds beyond this would overflow numpy's int64 arithmetic

Pairs = tuple[list, list, bool]  # lows, highs (or means, sigmas), and whether a vector


def has_randomness(doc: Any) -> bool:
    """Whether the document holds any distribution or repeat."""
    if isinstance(doc, Mapping):
        return (any(k in DIST_KEYS or k == REPEAT for k in doc)
                or any(has_randomness(v) for v in doc.values()))
    return isinstance(doc, list) and any(has_randomness(v) for v in doc)


def kind_of(node: Any) -> str | None:
    """The distribution key of a one-key mapping such as `{uniform: [0, 1]}`, else None."""
    if isinstance(node, Mapping) and len(node) == 1:
        key = next(iter(node))
        return key if key in DIST_KEYS else None
    return None


@cache
def _field_names() -> frozenset[str]:
    """Every key of the scene schema: such a key is never taken for a misspelled distribution."""
    schema = json_schema()
    models = [schema, *schema.get("$defs", {}).values()]
    return frozenset(k for model in models for k in model.get("properties", {}))


def misspelled(node: Mapping, path: tuple) -> tuple[tuple, str | None]:
    """(path, message) for a one-key mapping whose key looks like a misspelled kind or repeat."""
    key = next(iter(node)) if len(node) == 1 else None
    if not isinstance(key, str) or key in _field_names():
        return path, None
    guess = closest(key, DIST_KEYS if isinstance(node[key], list) else
                    ("repeat",) if isinstance(node[key], Mapping) else ())
    if guess is None:
        return path, None
    what = "distribution" if guess in DIST_KEYS else "key"
    return path + (key,), f"unknown {what} '{key}'; did you mean '{guess}'?"


def is_number(value: Any) -> bool:
    """A finite int or float (not a bool)."""
    return (isinstance(value, int | float) and not isinstance(value, bool)
            and math.isfinite(value))


def _is_whole(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and abs(value) <= MAX_WHOLE


def _pairs(args: Any, whole: bool) -> Pairs | None:
    """[a, b] as component lists, for two numbers or two vectors of the same length."""
    ok = _is_whole if whole else is_number
    if not (isinstance(args, list) and len(args) == 2):
        return None
    first, second = args
    if ok(first) and ok(second):
        return [first], [second], False
    if (isinstance(first, list) and isinstance(second, list) and 0 < len(first) == len(second)
            and all(ok(v) for v in [*first, *second])):
        return list(first), list(second), True
    return None


def show(value: Any, limit: int = 60) -> str:
    """A value as the user wrote it, lists and mappings included, cut at `limit` characters."""
    if isinstance(value, list):
        text = "[" + ", ".join(show(v, limit) for v in value) + "]"
    elif isinstance(value, Mapping):
        text = "{" + ", ".join(f"{k}: {show(v, limit)}" for k, v in value.items()) + "}"
    else:
        text = shown(value)
    return text if len(text) <= limit else text[:limit - 3] + "..."


def args_problem(kind: str, args: Any) -> str | None:
    """What is wrong with the arguments of a distribution, with the expected form; None if fine."""
    got = f", got {show(args)}"
    same = " (two numbers, or two vectors of the same length)"
    if kind in ("uniform", "int"):
        pairs = _pairs(args, whole=kind == "int")
        if pairs is None or any(a > b for a, b in zip(pairs[0], pairs[1])):
            if kind == "int":
                return f"int needs [low, high], whole numbers with low <= high (both included){got}"
            return f"uniform needs [low, high] with low <= high{same}{got}"
    elif kind == "normal":
        pairs = _pairs(args, whole=False)
        if pairs is None or any(s < 0 for s in pairs[1]):
            return f"normal needs [mean, sigma] with sigma >= 0{same}{got}"
    elif kind == "choice":
        if not (isinstance(args, list) and args):
            return f"choice needs a non-empty list of options, e.g. [wood, stone]{got}"
    elif not (isinstance(args, list) and len(args) == 2):
        return f"step needs [start, delta]: numbers, vectors or distributions{got}"
    return None


def draw(kind: str, args: Any, rng: np.random.Generator) -> Any:
    """One draw of a checked `uniform`, `normal` or `int`: a number, or a list for a vector."""
    first, second, vector = _pairs(args, whole=kind == "int")
    if kind == "int":
        values = [int(v) for v in rng.integers(np.array(first, np.int64),
                                               np.array(second, np.int64), endpoint=True)]
    else:
        sampler = rng.uniform if kind == "uniform" else rng.normal
        values = [round(float(v), DECIMALS) for v in sampler(np.array(first, float),
                                                             np.array(second, float))]
    return values if vector else values[0]


def fill_index(text: str, copy: int) -> str:
    """`text` with {i} and {n} filled in; the caller has checked it with `index_problem`."""
    out = []
    for literal, field, spec, _ in Formatter().parse(text):
        out.append(literal)
        if field is not None:
            out.append(format(copy if field == "i" else copy + 1, spec))
    return "".join(out)


def index_problem(text: str) -> str | None:
    """Why a template string cannot be filled in; it is user data, so nothing else is allowed."""
    try:
        for _, field, spec, conversion in Formatter().parse(text):
            if field is not None and (field not in ("i", "n") or conversion
                                      or not SPEC.fullmatch(spec or "")):
                return f"cannot fill in '{{{field}}}' in {show(text)}: {INDEX_HELP}"
        fill_index(text, 0)
    except ValueError as err:
        return f"cannot fill in {show(text)} ({err}): {INDEX_HELP}"
    return None


@dataclass(frozen=True)
class Step:
    """A step whose start and delta were drawn for one repeat: start + i * delta for copy i."""

    start: Any
    delta: Any

    @classmethod
    def drawn(cls, start: Any, delta: Any) -> Step | None:
        """A step of two numbers, or of two vectors of the same length; else None."""
        return None if _pairs([start, delta], whole=False) is None else cls(start, delta)

    def at(self, copy: int) -> Any:
        """The value for copy `copy` (from 0)."""
        if isinstance(self.start, list):
            return [_arith(s, d, copy) for s, d in zip(self.start, self.delta)]
        return _arith(self.start, self.delta, copy)


def _arith(start: float, delta: float, copy: int) -> int | float:
    value = start + copy * delta
    return value if isinstance(value, int) else round(value, DECIMALS)


def plain(value: Any) -> Any:
    """A YAML scalar as a plain Python value (ruamel's subclasses keep formatting we drop)."""
    if isinstance(value, bool | ScalarBoolean):
        return bool(value)
    for kind in (int, float, str):
        if isinstance(value, kind):
            return kind(value)
    return value
