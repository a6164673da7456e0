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

from bridge.joint_schema import Joint
from physics.pins import pin_joint
from physics.world import World


@dataclass
class _Held:
    joint: Joint
    constraints: list[int]


class BreakableJoints:
    """The script's breakable joints (springs aside), and the breaks so far."""

    def __init__(self, world: World, joints: list[Joint]):
        self.held = [_Held(j, pin_joint(world, j)) for j in joints
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
