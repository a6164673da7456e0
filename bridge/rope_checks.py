"""Cross-field checks of the script's ropes: what they are tied to, their length and their
segments' names."""
from __future__ import annotations

import math

import numpy as np
from scipy.optimize import brentq

from bridge.catenary import lowest
from bridge.joint_schema import WORLD
from bridge.rope_schema import Rope
from bridge.ropes import SLACK, is_slack, least_run, rope_parts, run_across, segment_names
from bridge.schema import GROUND, Scene, breakable_settings
from bridge.suggest import unknown_name

Path = tuple[str | int, ...]
Issue = tuple[Path, str]


def rope_issues(scene: Scene) -> list[Issue]:
    """Every problem with the script's ropes, as (data path, message)."""
    bodies = {b.name: b for b in scene.bodies}
    spawned = {e.spawn.name for e in scene.events if e.spawn is not None}
    taken = set(bodies) | spawned | {liquid.name for liquid in scene.liquids}
    joints = {joint.name for joint in scene.joints}
    issues: list[Issue] = []
    for r, rope in enumerate(scene.ropes):
        base: Path = ("ropes", r)
        tied = len(issues)
        for end in ("start", "end"):
            tie = getattr(rope, end)
            if tie is None or tie.body == WORLD:
                continue
            if tie.body == GROUND or tie.body not in bodies:
                why = (f"'{tie.body}' is spawned later; tie ropes to bodies there at t = 0"
                       if tie.body in spawned else
                       unknown_name("body", tie.body, sorted(bodies) + [WORLD]))
                issues.append((base + (end, "body"), why))
            elif breakable_settings(bodies[tie.body]) is not None:
                issues.append((base + (end, "body"), (f"'{tie.body}' is breakable; a rope "
                               "cannot be tied to a body that may shatter yet")))
        if len(issues) == tied:  # its shape is judged once its ends are known
            issues += _shape(rope, base, bodies, None if scene.world.ground is None else 0.0)
        clash = [n for n in segment_names(rope) if n in taken]
        if clash:
            issues.append((base + ("name",), (f"its segments would be named '{clash[0]}', "
                           "which is taken; rename the rope")))
        taken |= set(segment_names(rope))
        clash = sorted(joints & {joint.name for joint in rope_parts(rope)[1]})
        if clash:
            issues.append((base + ("name",), (f"its joints would be named '{clash[0]}', "
                           "which a joint in `joints` has; rename the rope or that joint")))
    return issues + _cut_issues(scene)


def _cut_issues(scene: Scene) -> list[Issue]:
    """A `cut` names a rope of the script."""
    ropes = sorted(rope.name for rope in scene.ropes)
    return [(("events", e, "cut", "rope"), unknown_name("rope", event.cut.rope, ropes) if ropes
             else f"there is no rope to cut: add '{event.cut.rope}' to `ropes`")
            for e, event in enumerate(scene.events)
            if event.cut is not None and event.cut.rope not in ropes]


def _shape(rope: Rope, base: Path, bodies: dict, floor: float | None) -> list[Issue]:
    def fixed(tie) -> bool:
        return tie.body == WORLD or (tie.body in bodies and bodies[tie.body].static)

    if rope.end is None:
        return []
    span = math.dist(rope.start.at, rope.end.at)
    if rope.length is not None and rope.length < span * (1 - 1e-6):
        return [(base + ("length",), (f"`length` {rope.length:g} m is shorter than the "
                 f"{span:.6g} m between its ends: lengthen it, or leave it out for a taut rope"))]
    if not is_slack(rope):
        return [] if not (fixed(rope.start) and fixed(rope.end)) else [(base + ("end",), (
            f"a taut rope between two fixed points cannot move: give it a `length` over the "
            f"{span:.6g} m between them to hang slack, or tie one end to a body that can "
            "move"))]
    if run_across(rope) < least_run(rope):
        return [(base + ("end", "at"), (
            f"a slack rope's ends must be at least {least_run(rope):.3g} m apart across (a "
            f"little more than one of its links); these are {run_across(rope):.3g} m: move "
            "them apart, or give it more `segments`"))]
    if floor is None or _lowest(rope, rope.length) >= floor:
        return []
    fix = "raise its ends"
    least = span * (1 + 2 * SLACK)
    if _lowest(rope, least) > floor:
        most = brentq(lambda n: _lowest(rope, n) - floor, least, rope.length, xtol=1e-6)
        fix = f"at most {math.floor(most * 1000) / 1000:.3f} m hangs clear of it, or {fix}"
    return [(base + ("length",), f"a {rope.length:g} m rope would sag into the ground: {fix}")]


def _lowest(rope: Rope, length: float) -> float:
    """The lowest point of the rope's surface were it `length` long."""
    return lowest(np.asarray(rope.start.at, float), np.asarray(rope.end.at, float), length,
                  rope.segments) - rope.radius
