"""Cross-field checks of the script's joints: their ends, their trees, and what events and
starting velocities may do to the bodies they hold."""
from __future__ import annotations

from bridge.assets.registry import ASSETS
from bridge.joint_schema import WORLD
from bridge.joint_tree import joint_trees
from bridge.schema import GROUND, Body, Scene, breakable_settings
from bridge.suggest import unknown_name

Path = tuple[str | int, ...]
Issue = tuple[Path, str]
HELD_EVENTS = ("set_velocity", "release", "remove", "break", "pour")  # not on a jointed body


def joint_issues(scene: Scene) -> list[Issue]:
    """Every problem with the script's joints, as (data path, message)."""
    if not scene.joints:
        return _drives(scene)
    issues = _ends(scene)
    if issues:
        return issues  # the trees need every end to exist
    static = {b.name for b in scene.bodies if b.static}
    trees, problems = joint_trees(scene.joints, static, [b.name for b in scene.bodies])
    issues += [(("joints", i, field), message) for i, field, message in problems]
    held = _held(scene)
    for tree in trees:
        for link in tree.links:
            body = next(b for b in scene.bodies if b.name == link.body)
            if any(body.velocity) or any(body.angular_velocity):
                where = f"'{tree.root}'" if tree.root else "nothing (it is held to a fixed point)"
                issues.append((("bodies", _index(scene, link.body), "velocity"),
                               (f"'{link.body}' moves with joint '{link.joint.name}', so it "
                               f"starts as its joint lets it; give the starting velocity to "
                               f"{where}, or push it with an event")))
    issues += _drives(scene)
    for j, event in enumerate(scene.events):
        if event.action in HELD_EVENTS and event.target in held:
            issues.append((("events", j, event.action),
                           (f"`{event.action}` cannot act on '{event.target}': joint "
                           f"'{held[event.target]}' holds it (push it or apply a force "
                           "instead)")))
    return issues


def wheel_radius(body: Body) -> float | None:
    """The radius a round body rolls on, if it has one."""
    if body.asset is None:
        return None
    return {**ASSETS[body.asset].params, **body.params}.get("radius")


def driven_wheels(scene: Scene, vehicle: str) -> list[int]:
    """Indexes of the joints that drive `vehicle`: motorised hinges from a round body to it."""
    bodies = {b.name: b for b in scene.bodies}
    return [i for i, j in enumerate(scene.joints)
            if j.type == "hinge" and j.motor is not None and j.b == vehicle
            and j.a in bodies and wheel_radius(bodies[j.a]) is not None]


def _drives(scene: Scene) -> list[Issue]:
    issues = []
    for j, event in enumerate(scene.events):
        if event.action in ("drive", "brake") and not driven_wheels(scene, event.target):
            where = ("events", j, "drive", "vehicle") if event.action == "drive" else \
                ("events", j, "brake")
            issues.append((where, (f"'{event.target}' has no wheels to drive: give it hinges "
                           f"with `b: {event.target}` and a `motor`, from round bodies (a "
                           "cylinder, a ball)")))
    return issues


def _ends(scene: Scene) -> list[Issue]:
    bodies = {b.name: b for b in scene.bodies}
    spawned = {e.spawn.name for e in scene.events if e.spawn is not None}
    issues, names = [], set()
    for i, joint in enumerate(scene.joints):
        if joint.name in names:
            issues.append((("joints", i, "name"), f"duplicate joint name '{joint.name}'"))
        names.add(joint.name)
        for end in ("a", "b"):
            name = getattr(joint, end)
            if name == WORLD and end == "b":
                continue
            if name in (WORLD, GROUND):
                fix = "`b`" if name == WORLD else "`b: world`"
                issues.append((("joints", i, end), (f"'{name}' is a fixed frame, not a body; "
                               f"put it in {fix} and a body in `a`")))
            elif name in spawned:
                issues.append((("joints", i, end), (f"'{name}' is spawned by an event; joints "
                               "hold bodies that exist at t = 0")))
            elif name not in bodies:
                issues.append((("joints", i, end),
                               unknown_name("body", name, sorted(bodies) + [WORLD]
                                            if end == "b" else sorted(bodies))))
            elif joint.type != "spring" and breakable_settings(bodies[name]) is not None:
                issues.append((("joints", i, end), (f"'{name}' is breakable; a joint cannot "
                               "hold a body that may shatter yet (use a spring, or make it "
                               "unbreakable)")))
    return issues


def _held(scene: Scene) -> dict[str, str]:
    """Every body a joint (not a spring) holds, static ends included, with its first joint."""
    held: dict[str, str] = {}
    for joint in scene.joints:
        if joint.type == "spring":
            continue
        for name in (joint.a, joint.b):
            if name != WORLD:
                held.setdefault(name, joint.name)
    return held


def _index(scene: Scene, name: str) -> int:
    return next(i for i, b in enumerate(scene.bodies) if b.name == name)
