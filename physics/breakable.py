"""Breakable joints: stiff Bullet constraints between multibodies that are removed, for good,
once the force they carry passes the joint's `breaks_at`.

A tree cannot lose an edge without being rebuilt, so a breakable joint is no tree edge: it
is a point constraint (a ball), two of them along the axis (a hinge) or a weld (fixed), which
Bullet holds by impulses each step and reports the force of.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pybullet as p

from bridge.joint_schema import WORLD, Joint
from bridge.transforms import invert, quat_to_matrix
from physics.world import World

HINGE_SPAN = 0.05  # m either side of the anchor along the axis: a hinge's two pivots


@dataclass
class _Held:
    joint: Joint
    constraints: list[int]


class BreakableJoints:
    """The script's breakable joints (springs aside), and the breaks so far."""

    def __init__(self, world: World, joints: list[Joint]):
        self.held = [_Held(j, _constrain(world, j)) for j in joints
                     if j.breaks_at is not None and j.type != "spring"]
        self.breaks: list[dict] = []

    def after_step(self, world: World, step: int) -> None:
        for held in list(self.held):
            forces = [p.getConstraintState(c, physicsClientId=world.client)[:3]
                      for c in held.constraints]
            force = float(np.linalg.norm(np.sum(forces, axis=0)))
            if force > held.joint.breaks_at:
                for c in held.constraints:
                    p.removeConstraint(c, physicsClientId=world.client)
                self.held.remove(held)
                self.breaks.append(joint_break(held.joint, step * world.dt, force))


def joint_break(joint: Joint, time: float, force: float) -> dict:
    """The events.json entry of a joint that broke."""
    return {"joint": joint.name, "bodies": [joint.a, joint.b], "time": time, "force": force}


def _constrain(world: World, joint: Joint) -> list[int]:
    anchor = np.asarray(joint.anchor, float)
    if joint.type == "fixed":
        return [_pin(world, joint, anchor, p.JOINT_FIXED)]
    if joint.type == "ball":
        return [_pin(world, joint, anchor, p.JOINT_POINT2POINT)]
    axis = np.asarray(joint.axis, float) / np.linalg.norm(joint.axis)
    return [_pin(world, joint, anchor + side * HINGE_SPAN * axis, p.JOINT_POINT2POINT)
            for side in (-1, 1)]


def _pin(world: World, joint: Joint, point: np.ndarray, kind: int) -> int:
    """A constraint holding `point` (world, t = 0) of one end to the same point of the
    other; a fixed end (the world, a static body) is always Bullet's child, the world."""
    moving, other = (joint.b, joint.a) if _fixed(world, joint.a) else (joint.a, joint.b)
    held = world.bodies[moving]
    in_held, turn_held = _local(world, moving, point)
    if _fixed(world, other):
        uid, link, in_other, turn_other = -1, -1, point, np.array([0.0, 0, 0, 1])
    else:
        uid, link = world.bodies[other].uid, world.bodies[other].link
        in_other, turn_other = _local(world, other, point)
    return p.createConstraint(held.uid, held.link, uid, link, kind, [0, 0, 0],
                              in_held.tolist(), list(in_other), turn_held.tolist(),
                              turn_other.tolist(), physicsClientId=world.client)


def _fixed(world: World, name: str) -> bool:
    return name == WORLD or world.bodies[name].static


def _local(world: World, name: str, point: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """`point` in the body's centre-of-mass frame, and the world's turn in that frame."""
    com, quat, _, _ = world.state(name)
    position, inverse = invert(com, quat)
    return quat_to_matrix(inverse) @ point + position, inverse
