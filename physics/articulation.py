"""A tree of joints as one Bullet multibody: Featherstone's reduced coordinates keep a joint
exact (a pendulum keeps its period, a hinge never stretches).

Each held body is a link whose frame sits on its joint's anchor, turned as the body's
principal axes stand at t = 0, with its centre of mass as the link's inertial offset. The base
is the tree's free root body in its centre-of-mass frame, or a massless fixed point.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np
import pybullet as p

from bridge.assets.build import geometry_for, mass_properties
from bridge.assets.geometry import Geometry
from bridge.joint_checks import steering, wheel_rates
from bridge.joint_tree import Link, Tree
from bridge.schema import Body, Scene
from bridge.transforms import compose, invert, quat_from_euler_deg, quat_to_matrix
from physics.bodies import LiveBody, Solid
from physics.shapes import collision_shape

# A weld is a hinge locked at zero: Bullet's own fixed joint leaves the link after it
# without contact response (a ball welded under a hinged rod passed through its neighbour).
JOINT_TYPES = {"hinge": p.JOINT_REVOLUTE, "ball": p.JOINT_SPHERICAL,
               "slider": p.JOINT_PRISMATIC, "fixed": p.JOINT_REVOLUTE}
IDENTITY = (0.0, 0.0, 0.0, 1.0)
Stop = tuple[int, int, float, float]  # multibody uid, joint index, low, high (rad or m)
Wheel = tuple[int, int, float, float]  # uid, joint index, rad/s per m/s driven, most torque
Knuckle = tuple[int, int, float, float]  # uid, joint index, sign of a left turn, most torque


@dataclass
class _LinkArgs:
    """createMultiBody's per-link lists, filled link by link."""

    masses: list
    shapes: list
    positions: list
    orientations: list
    inertial: list
    parents: list
    types: list
    axes: list


def articulate(client: int, tree: Tree, scene: Scene, scene_dir: Path | None,
               shapes: dict[str, Geometry] | None = None) -> tuple[int, list[LiveBody]]:
    """Create `tree` at the script's poses: the multibody's uid and its bodies (the root
    first, if it has one), for the world to adopt. `shapes` gives bodies another collision
    shape than their asset's (a dented one); their mass properties stay their asset's."""
    shapes = shapes or {}
    bodies = {body.name: body for body in scene.placed_bodies()}
    frames: dict[str | None, tuple[np.ndarray, np.ndarray]] = {}
    parts: list[LiveBody] = []
    if tree.root is None:
        frames[None] = (np.zeros(3), np.array(IDENTITY))
        base_mass, base_shape = 0.0, -1
    else:
        body = bodies[tree.root]
        base = _solid(client, body, scene_dir, None, shapes.get(tree.root))
        frames[tree.root] = compose(*_origin(body), *base.offset)
        base_mass, base_shape = base.props.mass, base.shape
        parts.append(LiveBody(tree.root, -1, body, base, False, articulated=True))
    args = _LinkArgs(*([] for _ in range(8)))
    for index, link in enumerate(tree.links):
        solid = _add_link(client, bodies[link.body], scene_dir, link, frames, tree, args,
                          shapes.get(link.body))
        parts.append(LiveBody(link.body, -1, bodies[link.body], solid, False, index,
                              articulated=True))
    uid = p.createMultiBody(
        base_mass, base_shape, basePosition=frames[tree.root][0].tolist(),
        baseOrientation=frames[tree.root][1].tolist(),
        linkMasses=args.masses, linkCollisionShapeIndices=args.shapes,
        linkVisualShapeIndices=[-1] * len(args.masses), linkPositions=args.positions,
        linkOrientations=args.orientations, linkInertialFramePositions=args.inertial,
        linkInertialFrameOrientations=[list(IDENTITY)] * len(args.masses),
        linkParentIndices=args.parents, linkJointTypes=args.types, linkJointAxis=args.axes,
        useMaximalCoordinates=False, physicsClientId=client)
    return uid, [replace(live, uid=uid) for live in parts]


def configure_joints(client: int, uid: int, tree: Tree) -> list[Stop]:
    """No hidden motor or damping; the script's limits and motors, in the joints' units.
    Returns the joints' stops (their limits) for `hold_stops`."""
    stops = [stop for index, link in enumerate(tree.links)
             if (stop := _free_joint(client, uid, index, link)) is not None]
    # Bullet damps every multibody a little; nothing here is damped unless scripted
    p.changeDynamics(uid, -1, linearDamping=0.0, angularDamping=0.0, physicsClientId=client)
    return stops


def wheels(uid: int, tree: Tree, scene: Scene) -> dict[str, list[Wheel]]:
    """Per vehicle, the hinges of this tree that roll it forward (its own +x) when driven.
    A joint's position is `a` against `b` whichever is the link, so the rate needs no sign."""
    return _motorised(uid, tree, wheel_rates(scene))


def knuckles(uid: int, tree: Tree, scene: Scene) -> dict[str, list[Knuckle]]:
    """Per vehicle, the hinges of this tree that steer it."""
    return _motorised(uid, tree, steering(scene))


def _motorised(uid: int, tree: Tree, table: dict[str, dict[int, float]]
               ) -> dict[str, list[tuple[int, int, float, float]]]:
    """Per vehicle, (uid, link index, the table's figure, the motor's most torque) for each
    of this tree's links whose joint the table lists (by vehicle and joint index)."""
    found: dict[str, list[tuple[int, int, float, float]]] = {}
    for index, link in enumerate(tree.links):
        figure = table.get(link.joint.b, {}).get(link.index)
        if figure is not None:
            found.setdefault(link.joint.b, []).append((uid, index, figure,
                                                       link.joint.motor.max_force))
    return found


def joint_states(client: int, uid: int, tree: Tree) -> list[tuple]:
    """Each joint's position and velocity, as `set_joint_states` takes them back."""
    return [p.getJointStateMultiDof(uid, index, physicsClientId=client)[:2]
            if link.joint.type == "ball" else
            p.getJointState(uid, index, physicsClientId=client)[:2]
            for index, link in enumerate(tree.links)]


def set_joint_states(client: int, uid: int, tree: Tree, states: list[tuple]) -> None:
    for index, (link, (position, velocity)) in enumerate(zip(tree.links, states, strict=True)):
        if link.joint.type == "ball":
            p.resetJointStateMultiDof(uid, index, list(position), list(velocity),
                                      physicsClientId=client)
        else:
            p.resetJointState(uid, index, position, velocity, physicsClientId=client)


def hold_stops(client: int, stops: list[Stop]) -> None:
    """Put a joint that ran past its limit back on it, after a step.

    Bullet stops a joint at its limit by impulse, but with split-impulse contacts it never
    corrects the position a step's travel carried past the limit (a slider reaching its
    stop at 2 m/s ends 8 mm beyond it, for good)."""
    for uid, index, low, high in stops:
        position, speed = p.getJointState(uid, index, physicsClientId=client)[:2]
        if low <= position <= high:
            continue
        edge = low if position < low else high
        leaving = speed > 0 if position < low else speed < 0
        p.resetJointState(uid, index, edge, speed if leaving else 0.0,
                          physicsClientId=client)


def _solid(client: int, body: Body, scene_dir: Path | None,
           anchor: np.ndarray | None, shape: Geometry | None = None) -> Solid:
    """The body's solid with its collision shape (`shape`'s, or its asset's) in its
    centre-of-mass frame, or, for a link, in the frame at `anchor` (world, t = 0) turned as
    its principal axes."""
    props = mass_properties(geometry_for(body, scene_dir), body)
    geometry = shape or geometry_for(body, scene_dir)
    position = np.asarray(props.com, float)
    if anchor is not None:
        to_body = invert(*_origin(body))
        position = quat_to_matrix(to_body[1]) @ anchor + to_body[0]
    frame = (position, np.asarray(props.inertia_quat, float))
    return Solid(geometry, props, collision_shape(client, geometry, frame))


def _origin(body: Body) -> tuple[np.ndarray, np.ndarray]:
    return np.asarray(body.position, float), quat_from_euler_deg(body.rotation)


def _add_link(client: int, body: Body, scene_dir: Path | None, link: Link, frames: dict,
              tree: Tree, args: _LinkArgs, shape: Geometry | None) -> Solid:
    """Append one link to `args`; its frame goes into `frames` for its children."""
    anchor = np.asarray(link.joint.anchor, float)
    solid = _solid(client, body, scene_dir, anchor, shape)
    com, turn_quat = compose(*_origin(body), *solid.offset)
    frame = (anchor, turn_quat)
    frames[link.body] = frame
    turn = quat_to_matrix(turn_quat).T
    position, orientation = compose(*invert(*frames[link.parent]), *frame)
    axis = np.asarray(link.joint.axis, float)
    args.masses.append(solid.props.mass)
    args.shapes.append(solid.shape)
    args.positions.append(position.tolist())
    args.orientations.append(orientation.tolist())
    args.inertial.append((turn @ (com - anchor)).tolist())
    order = [lk.body for lk in tree.links]
    args.parents.append(order.index(link.parent) + 1 if link.parent in order else 0)
    args.types.append(JOINT_TYPES[link.joint.type])
    args.axes.append((link.sign * turn @ axis / np.linalg.norm(axis)).tolist())
    return solid


def _free_joint(client: int, uid: int, index: int, link: Link) -> Stop | None:
    joint = link.joint
    stop = None
    if joint.type == "ball":
        p.setJointMotorControlMultiDof(uid, index, p.POSITION_CONTROL, targetPosition=[0, 0, 0, 1],
                                       positionGain=0, velocityGain=0, force=[0, 0, 0],
                                       physicsClientId=client)
    elif joint.type == "fixed":
        p.setJointMotorControl2(uid, index, p.VELOCITY_CONTROL, force=0.0,
                                physicsClientId=client)
        p.changeDynamics(uid, index, jointLowerLimit=0.0, jointUpperLimit=0.0,
                         physicsClientId=client)
        stop = (uid, index, 0.0, 0.0)
    elif joint.type in ("hinge", "slider"):
        scale = math.radians(1.0) if joint.type == "hinge" else 1.0
        motor = joint.motor
        p.setJointMotorControl2(uid, index, p.VELOCITY_CONTROL,
                                targetVelocity=motor.speed * scale if motor else 0.0,
                                force=motor.max_force if motor else 0.0,
                                physicsClientId=client)
        if joint.limits is not None:
            low, high = (v * scale for v in joint.limits)
            p.changeDynamics(uid, index, jointLowerLimit=low, jointUpperLimit=high,
                             physicsClientId=client)
            stop = (uid, index, low, high)
    p.changeDynamics(uid, index, jointDamping=0.0, physicsClientId=client)
    return stop
