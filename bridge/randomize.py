"""Dataset scripts: distributions and `repeat` bodies, sampled into a concrete scene script.

Any value may be a distribution (see `bridge.distributions`); a vector may also mix numbers and
distributions component by component. An item of `bodies` may be
`{repeat: {count: N or a distribution, template: {name: "domino_{n:02d}", ...}}}`: each copy
draws its own values, `{i}` (from 0) and `{n}` (from 1) in its strings become the copy index,
and `{step: [start, delta]}` becomes start + i * delta. Distributions inside a `step` are drawn
once per repeat, so a whole row shares one spacing. Sampling walks the document in order, so
one generator state gives one concrete script.
"""
from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np

from bridge import limits
from bridge.distributions import (
    DIST_KEYS,
    REPEAT,
    Step,
    args_problem,
    draw,
    fill_index,
    has_randomness,
    index_problem,
    kind_of,
    misspelled,
    plain,
    show,
)
from bridge.errors import Problem, SceneError, UserError
from bridge.loader import scene_from_document
from bridge.locate import located, sort_problems
from bridge.schema import Scene
from bridge.suggest import unknown_name
from bridge.yamlio import load_document

REPEAT_KEYS = ("count", "template")
STEP_HELP = "step is only allowed inside a repeat template, and not inside another step"

DataPath = tuple[str | int, ...]
Issue = tuple[DataPath, str]


def sample_rng(dataset_seed: int, index: int, attempt: int) -> np.random.Generator:
    """The generator of one draw; a rejected draw of a sample is re-drawn with the next attempt."""
    return np.random.default_rng([dataset_seed, index, attempt])


class _Checker:
    """Collects malformed distributions and repeats, with their data paths."""

    def __init__(self) -> None:
        self.issues: list[Issue] = []

    def node(self, node: Any, path: DataPath, template: bool) -> None:
        if isinstance(node, Mapping):
            self.mapping(node, path, template)
        elif isinstance(node, list):
            for j, item in enumerate(node):
                self.node(item, path + (j,), template)
        elif isinstance(node, str) and template:
            self.add(path, index_problem(node))

    def add(self, path: DataPath, message: str | None) -> None:
        if message:
            self.issues.append((path, message))

    def mapping(self, node: Mapping, path: DataPath, template: bool) -> None:
        kinds = [str(k) for k in node if k in DIST_KEYS]
        if REPEAT in node:
            self.repeat(node, path)
        elif kinds and len(node) > 1:
            self.add(path, "a distribution is a mapping with exactly one key of "
                     f"{', '.join(DIST_KEYS)}; found {', '.join(map(str, node))}")
        elif kinds:
            self.distribution(kinds[0], node[kinds[0]], path + (kinds[0],), template)
        else:
            self.add(*misspelled(node, path))
            for key, value in node.items():
                self.node(value, path + (key,), template)

    def distribution(self, kind: str, args: Any, path: DataPath, template: bool) -> None:
        if kind == "step" and not template:
            self.add(path, STEP_HELP)
            return
        problem = args_problem(kind, args)
        self.add(path, problem)
        if problem is None:
            for j, item in enumerate(args):  # a step's arguments are drawn outside the copies
                self.node(item, path + (j,), template and kind == "choice")

    def repeat(self, node: Mapping, path: DataPath) -> None:
        here = path + (REPEAT,)
        if not (len(path) == 2 and path[0] == "bodies"):
            self.add(here, "repeat is only allowed as an item of bodies")
            return
        if len(node) > 1:
            self.add(path, "a repeat item has the single key 'repeat'; move the other fields "
                     "into its template")
        spec = node[REPEAT]
        if not isinstance(spec, Mapping) or any(k not in spec for k in REPEAT_KEYS):
            self.add(here, "repeat needs {count: N or {int: [low, high]}, "
                     "template: {name: 'box_{n}', ...}}")
            return
        for key in spec:
            if key not in REPEAT_KEYS:
                self.add(here + (key,), unknown_name("repeat field", str(key), REPEAT_KEYS))
        self.count(spec["count"], here + ("count",))
        self.template(spec["template"], here + ("template",), spec["count"])

    def count(self, count: Any, path: DataPath) -> None:
        wrong = (f"count needs a whole number from 0 to {limits.MAX_BODIES}, "
                 f"{{int: [low, high]}} or a choice, got {show(count)}")
        kind = kind_of(count)
        if kind == "int" and args_problem(kind, count[kind]) is None:
            low, high = count[kind]
            self.add(path + (kind,), wrong if low < 0 or high > limits.MAX_BODIES else None)
        elif kind in ("int", "choice"):
            self.node(count, path, False)
        elif not (isinstance(count, int) and not isinstance(count, bool)
                  and 0 <= count <= limits.MAX_BODIES):
            self.add(path, wrong)

    def template(self, template: Any, path: DataPath, count: Any) -> None:
        if not isinstance(template, Mapping):
            self.add(path, f"template needs a body mapping {{name: ..., asset: ...}}, "
                     f"got {show(template)}")
            return
        name = template.get("name")
        if (isinstance(name, str) and count != 1 and index_problem(name) is None
                and fill_index(name, 0) == fill_index(name, 1)):
            self.add(path + ("name",), f"every copy would be named {show(name)}; "
                     "add {n} or {i}, e.g. 'box_{n:02d}'")
        self.node(template, path, True)


def check_distributions(doc: Any) -> list[Issue]:
    """Every malformed distribution or repeat as (data path, message), before any sampling."""
    checker = _Checker()
    checker.node(doc, (), False)
    return checker.issues


class _Sampler:
    """Draws one concrete document; every draw comes from `rng`, in document order."""

    def __init__(self, rng: np.random.Generator):
        self.rng = rng
        self.copy: int | None = None  # the copy index while a repeat template is drawn

    def document(self, doc: Mapping) -> dict:
        return {plain(k): self.bodies(v) if k == "bodies" and isinstance(v, list)
                else self.value(v) for k, v in doc.items()}

    def value(self, node: Any) -> Any:
        if isinstance(node, Step):
            return node.at(self.copy)
        kind = kind_of(node)
        if kind == "choice":
            options = node[kind]
            return self.value(options[int(self.rng.integers(len(options)))])
        if kind:
            return draw(kind, node[kind], self.rng)
        if isinstance(node, Mapping):
            return {plain(k): self.value(v) for k, v in node.items()}
        if isinstance(node, list):
            return [self.value(v) for v in node]
        if isinstance(node, str) and self.copy is not None:
            return fill_index(node, self.copy)
        return plain(node)

    def bodies(self, items: list) -> list:
        out = []
        for k, item in enumerate(items):
            if isinstance(item, Mapping) and REPEAT in item:
                out.extend(self.repeat(item[REPEAT], ("bodies", k, REPEAT)))
            else:
                out.append(self.value(item))
        return out

    def repeat(self, spec: Mapping, path: DataPath) -> list:
        count = self.value(spec["count"])
        if not (isinstance(count, int) and 0 <= count <= limits.MAX_BODIES):
            message = f"count needs a whole number from 0 to {limits.MAX_BODIES}"
            raise SceneError([(path + ("count",), f"{message}, drew {show(count)}")])
        template = self.freeze(spec["template"], path + ("template",))
        copies = []
        for copy in range(count):
            self.copy = copy
            copies.append(self.value(template))
        self.copy = None
        return copies

    def freeze(self, node: Any, path: DataPath) -> Any:
        """The template with each step's start and delta drawn, once for all copies."""
        if kind_of(node) == "step":
            values = [self.value(v) for v in node["step"]]
            step = Step.drawn(*values)
            if step is None:
                message = "step needs [start, delta] as two numbers or two vectors of one length"
                raise SceneError([(path + ("step",), f"{message}, drew {show(values)}")])
            return step
        if isinstance(node, Mapping):
            return {k: self.freeze(v, path + (k,)) for k, v in node.items()}
        if isinstance(node, list):
            return [self.freeze(v, path + (j,)) for j, v in enumerate(node)]
        return node


def sample(doc: Any, rng: np.random.Generator) -> dict:
    """A concrete plain-data document drawn from `doc` (left unchanged); SceneError if malformed."""
    issues = check_distributions(doc)
    if issues:
        raise SceneError(issues)
    if not isinstance(doc, Mapping):
        raise UserError("the top level must be a mapping (name: ..., bodies: ...)")
    return _Sampler(rng).document(doc)


def _located(doc: Any, name: str, items: list[Issue]) -> UserError:
    return UserError(sort_problems([located(doc, name, path, msg) for path, msg in items]))


def check_document(doc: Any, name: str) -> None:
    """Raise one UserError at file:line:col for every malformed distribution or repeat."""
    issues = check_distributions(doc)
    if issues:
        raise _located(doc, name, issues)


def check_scene_file(path: Path) -> None:
    """Fail fast at file:line:col: malformed distributions, or any error of a fixed script."""
    doc = load_document(path)
    check_document(doc, str(path))
    if not has_randomness(doc):
        scene_from_document(doc, str(path))


def _in_draw(err: UserError, index: int, attempt: int) -> UserError:
    prefix = f"sample {index} (attempt {attempt}): "
    return UserError([Problem(p.location, p.field, prefix + p.message) for p in err.problems])


def sample_scene(doc: Any, name: str, dataset_seed: int, index: int, attempt: int) -> Scene:
    """Draw sample `index` (try `attempt`) of the document read from `name` and validate it."""
    check_document(doc, name)
    try:
        concrete = sample(doc, sample_rng(dataset_seed, index, attempt))
    except SceneError as err:
        raise _in_draw(_located(doc, name, err.items), index, attempt) from None
    try:
        return scene_from_document(concrete, name)
    except UserError as err:
        # no line:col here: the field paths are those of the concrete script saved with the sample
        raise _in_draw(err, index, attempt) from None
