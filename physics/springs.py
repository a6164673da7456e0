"""Spring joints: a linear spring and dashpot from a body's centre of mass to an anchor,
applied as forces before each step (a spring bends no tree, so the body stays free)."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from bridge.joint_schema import WORLD, Joint
from bridge.transforms import invert, quat_to_matrix
from physics.breakable import joint_break
from physics.world import World


@dataclass
class _Spring:
    joint: Joint
    holder: str | None  # the body the anchor rides on; None: the world
    anchor: np.ndarray  # in the holder's asset frame, or world
    rest: float


class Springs:
    """The script's spring joints, each pulling its `a` toward its anchor on `b`."""

    def __init__(self, world: World, joints: list[Joint]):
        self.breaks: list[dict] = []
        self.springs = []
        for joint in joints:
            if joint.type != "spring":
                continue
            anchor = np.asarray(joint.anchor, float)
            # a static holder is still tracked: a `release` can set it moving
            holder = None if joint.b == WORLD else joint.b
            if holder is not None:
                position, quat = invert(*world.pose(holder))
                anchor = quat_to_matrix(quat) @ anchor + position
            rest = joint.rest_length
            if rest is None:
                rest = float(np.linalg.norm(world.state(joint.a)[0] - joint.anchor))
            self.springs.append(_Spring(joint, holder, anchor, rest))

    def before_step(self, world: World, step: int) -> None:
        for spring in list(self.springs):
            if spring.joint.a not in world.bodies or (
                    spring.holder is not None and spring.holder not in world.bodies):
                continue
            com, _, velocity, _ = world.state(spring.joint.a)
            anchor, anchor_velocity = self._anchor(world, spring)
            span = com - anchor
            length = float(np.linalg.norm(span))
            if length < 1e-9:
                continue
            along = span / length
            rate = float((velocity - anchor_velocity) @ along)
            force = -(spring.joint.stiffness * (length - spring.rest)
                      + spring.joint.damping * rate) * along
            pull = float(np.linalg.norm(force))
            if spring.joint.breaks_at is not None and pull > spring.joint.breaks_at:
                self.springs.remove(spring)
                self.breaks.append(joint_break(spring.joint, step * world.dt, pull))
                continue
            world.apply_force(spring.joint.a, force)
            if spring.holder is not None and not world.bodies[spring.holder].static:
                world.apply_force(spring.holder, -force, at=anchor)

    @staticmethod
    def _anchor(world: World, spring: _Spring) -> tuple[np.ndarray, np.ndarray]:
        """The anchor's world position and velocity now."""
        if spring.holder is None:
            return spring.anchor, np.zeros(3)
        origin, quat = world.pose(spring.holder)
        com, _, linear, angular = world.state(spring.holder)
        point = origin + quat_to_matrix(quat) @ spring.anchor
        return point, linear + np.cross(angular, point - com)
