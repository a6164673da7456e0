"""Cross-field checks of the script's joints: their ends, their trees, and what events and
starting velocities may do to the bodies they hold."""
from __future__ import annotations

import math

import numpy as np

from bridge.assets.build import asset_params
from bridge.assets.registry import ASSETS
from bridge.joint_schema import WORLD
from bridge.joint_tree import joint_trees
from bridge.rope_checks import rope_issues
from bridge.ropes import constrained_joints, rope_parts
from bridge.schema import GROUND, Body, Scene, breakable_settings
from bridge.suggest import unknown_name
from bridge.transforms import quat_from_euler_deg, quat_to_matrix

Path = tuple[str | int, ...]
Issue = tuple[Path, str]
HELD_EVENTS = ("set_velocity", "release", "remove", "break", "pour")  # not on a jointed body


def joint_issues(scene: Scene) -> list[Issue]:
    """Every problem with the script's joints, as (data path, message)."""
    if not scene.joints and not scene.ropes:
        return _drives(scene)
    issues = _ends(scene) + rope_issues(scene)
    if issues:
        return issues  # the trees need every end to exist
    placed = {b.name: b for b in scene.placed_bodies()}
    static = {name for name, b in placed.items() if b.static}
    trees, problems = joint_trees(scene.all_joints(), static, list(placed),
                                  constrained_joints(scene.ropes, scene.cuts()))
    paths = _joint_paths(scene)
    issues += [(paths[i] + ((field,) if i < len(scene.joints) else ("name",)), message)
               for i, field, message in problems]
    held = _held(scene)
    for tree in trees:
        for link in tree.links:
            body = placed[link.body]
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
    """The radius a round solid body rolls on, if it has one (a cylinder, a ball)."""
    if body.asset is None or ASSETS[body.asset].hollow:
        return None
    return asset_params(body).get("radius")


def wheel_rates(scene: Scene) -> dict[str, dict[int, float]]:
    """Per vehicle, its driven wheels: joint index -> the joint's rad/s per m/s that rolls the
    vehicle along its own +x. A driven wheel is a motorised hinge from a round solid body to
    a dynamic body, its axis along that body's side (y) axis."""
    bodies = {b.name: b for b in scene.bodies}
    rates: dict[str, dict[int, float]] = {}
    for i, joint in enumerate(scene.joints):
        vehicle, wheel = bodies.get(joint.b), bodies.get(joint.a)
        if joint.type != "hinge" or joint.motor is None or vehicle is None or \
                vehicle.static or wheel is None or wheel_radius(wheel) is None:
            continue
        side = quat_to_matrix(quat_from_euler_deg(vehicle.rotation))[:, 1]
        along = float(np.asarray(joint.axis) @ side / np.linalg.norm(joint.axis))
        if abs(along) > 0.9:  # rolling along +x turns a wheel about the side axis
            rates.setdefault(joint.b, {})[i] = math.copysign(1.0, along) / wheel_radius(wheel)
    return rates


def steering(scene: Scene) -> dict[str, dict[int, float]]:
    """Per vehicle, its steering hinges: joint index -> the sign that turns the hinge left
    (+z) for a positive angle. A steering hinge is a motorised hinge to a dynamic body, its
    axis along that body's up (z) axis (a knuckle that holds a wheel)."""
    bodies = {b.name: b for b in scene.bodies}
    found: dict[str, dict[int, float]] = {}
    for i, joint in enumerate(scene.joints):
        vehicle = bodies.get(joint.b)
        if joint.type != "hinge" or joint.motor is None or vehicle is None or \
                vehicle.static or joint.a not in bodies:
            continue
        up = quat_to_matrix(quat_from_euler_deg(vehicle.rotation))[:, 2]
        along = float(np.asarray(joint.axis) @ up / np.linalg.norm(joint.axis))
        if abs(along) > 0.9:
            found.setdefault(joint.b, {})[i] = math.copysign(1.0, along)
    return found


def _drives(scene: Scene) -> list[Issue]:
    issues = []
    names = [b.name for b in scene.bodies]
    driven, steered = wheel_rates(scene), steering(scene)
    for j, event in enumerate(scene.events):
        if event.action not in ("drive", "brake", "steer"):
            continue
        where = ("events", j, "brake") if event.action == "brake" else \
            ("events", j, event.action, "vehicle")
        if event.target not in names:
            issues.append((where, unknown_name("body", event.target, names)))
        elif event.action == "steer" and event.target not in steered:
            issues.append((where, (f"'{event.target}' has no steering: give it hinges with "
                           f"`b: {event.target}`, an `axis` along its up (z) axis and a "
                           "`motor` (its max_force is the steering torque), each holding a "
                           "wheel on a hinge of its own")))
        elif event.action != "steer" and event.target not in driven:
            issues.append((where, (f"'{event.target}' has no wheels to drive: give it hinges "
                           f"with `b: {event.target}`, an `axis` along its side (its y axis) "
                           "and a `motor`, from round solid bodies (a cylinder, a ball)")))
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


def _joint_paths(scene: Scene) -> list[tuple]:
    """The script path of each joint in `all_joints` order: a rope's joints point at it."""
    return [("joints", i) for i in range(len(scene.joints))] + [
        ("ropes", r) for r, rope in enumerate(scene.ropes) for _ in rope_parts(rope)[1]]


def _held(scene: Scene) -> dict[str, str]:
    """Every body a joint (not a spring) holds, static ends included, with its first joint."""
    held: dict[str, str] = {}
    for joint in scene.all_joints():
        if joint.type == "spring":
            continue
        for name in (joint.a, joint.b):
            if name != WORLD:
                held.setdefault(name, joint.name)
    return held


def _index(scene: Scene, name: str) -> int:
    return next(i for i, b in enumerate(scene.bodies) if b.name == name)
