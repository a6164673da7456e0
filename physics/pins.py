"""Joints held by Bullet constraints rather than tree edges: a point constraint (a ball), two
of them along the axis (a hinge) or a weld (fixed). Bullet holds them by impulses each step,
so they can be removed (a breakable joint) and hold free links together (a slack rope)."""
from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pybullet as p

from bridge.joint_schema import WORLD, Joint
from bridge.transforms import invert, quat_to_matrix

if TYPE_CHECKING:
    from physics.world import World

HINGE_SPAN = 0.05  # m either side of the anchor along the axis: a hinge's two pivots


def pin_joint(world: World, joint: Joint) -> list[int]:
    """The Bullet constraints that hold `joint` as it is at t = 0."""
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
