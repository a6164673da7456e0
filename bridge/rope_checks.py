"""Cross-field checks of the script's ropes: what they are tied to, their length and their
segments' names."""
from __future__ import annotations

from bridge.joint_schema import WORLD
from bridge.ropes import segment_names
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
        issues += _shape(rope, base, bodies)
        clash = [n for n in segment_names(rope) if n in taken]
        if clash:
            issues.append((base + ("name",), (f"its segments would be named '{clash[0]}', "
                           "which is taken; rename the rope")))
        taken |= set(segment_names(rope))
    return issues


def _shape(rope, base: Path, bodies: dict) -> list[Issue]:
    def fixed(tie) -> bool:
        return tie.body == WORLD or (tie.body in bodies and bodies[tie.body].static)

    if rope.end is not None and fixed(rope.start) and fixed(rope.end):
        return [(base + ("end",), ("a rope tied to fixed points at both ends is not "
                 "supported yet (its links would close a loop); tie one end to a body that "
                 "can move"))]
    return []
