"""Cross-field checks of the script's ropes: what they are tied to, their length and their
segments' names."""
from __future__ import annotations

import math

import numpy as np
from scipy.optimize import brentq

from bridge.joint_schema import WORLD
from bridge.rope_schema import Rope
from bridge.ropes import MIN_RUN, SLACK, catenary, is_slack, segment_names
from bridge.schema import GROUND, Scene, breakable_settings
from bridge.suggest import unknown_name

Path = tuple[str | int, ...]
Issue = tuple[Path, str]


def rope_issues(scene: Scene) -> list[Issue]:
    """Every problem with the script's ropes, as (data path, message)."""
    bodies = {b.name: b for b in scene.bodies}
    spawned = {e.spawn.name for e in scene.events if e.spawn is not None}
    taken = set(bodies) | spawned | {liquid.name for liquid in scene.liquids}
    issues: list[Issue] = []
    for r, rope in enumerate(scene.ropes):
        base: Path = ("ropes", r)
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
        issues += _shape(rope, base, bodies, None if scene.world.ground is None else 0.0)
        clash = [n for n in segment_names(rope) if n in taken]
        if clash:
            issues.append((base + ("name",), (f"its segments would be named '{clash[0]}', "
                           "which is taken; rename the rope")))
        taken |= set(segment_names(rope))
    return issues


def _shape(rope: Rope, base: Path, bodies: dict, floor: float | None) -> list[Issue]:
    def fixed(tie) -> bool:
        return tie.body == WORLD or (tie.body in bodies and bodies[tie.body].static)

    if rope.end is None:
        return []
    span = math.dist(rope.start.at, rope.end.at)
    both = fixed(rope.start) and fixed(rope.end)
    if not is_slack(rope):
        return [] if not both else [(base + ("end",), (
            f"a taut rope between two fixed points cannot move: give it a `length` over the "
            f"{span:.3g} m between them to hang slack, or tie one end to a body that can move"))]
    if not both:
        # a body on a slack rope falls until the rope snaps taut, and the chain's joints
        # cannot follow that jerk (the simulation blows up)
        return [(base + ("length",), ("a slack rope must be tied to fixed points (the world "
                 "or static bodies) at both ends; a body on a slack rope is not supported "
                 "yet: leave `length` out for a taut rope"))]
    if math.hypot(*np.subtract(rope.end.at, rope.start.at)[:2]) < MIN_RUN:
        return [(base + ("end", "at"), ("a slack rope hangs between ends apart across; these "
                 "are one above the other: move one sideways"))]
    if floor is None or _lowest(rope, rope.length) >= floor:
        return []
    least = span * (1 + 2 * SLACK)
    fix = "raise its ends"
    if _lowest(rope, least) > floor:
        most = brentq(lambda n: _lowest(rope, n) - floor, least, rope.length)
        fix = f"at most {math.floor(most * 1000) / 1000:g} m hangs clear of it, or {fix}"
    return [(base + ("length",), f"a {rope.length:g} m rope would sag into the ground: {fix}")]


def _lowest(rope: Rope, length: float) -> float:
    """The lowest point of the rope's surface were it `length` long."""
    path = catenary(np.asarray(rope.start.at, float), np.asarray(rope.end.at, float), length,
                    rope.segments)
    return float(path[:, 2].min()) - rope.radius
