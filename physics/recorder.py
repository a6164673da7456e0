"""Samples every body at the render frame rate into the trajectory arrays."""
from __future__ import annotations

import numpy as np
import pybullet as p

from bridge.trajectory import Trajectory
from physics.world import World


class FrameRecorder:
    """Per frame: each body's asset-origin pose, its centre-of-mass velocity and its spin.

    NaN while the body does not exist. The velocity is the centre of mass's, as a physicist
    expects: a rolling ball's lowest point is nearly still, its centre is not.
    """

    def __init__(self, names: list[str], times: np.ndarray):
        frames = len(times)
        self.trajectory = Trajectory(times=np.asarray(times, dtype=np.float64))
        for key, width in (("pos", 3), ("quat", 4), ("linvel", 3), ("angvel", 3)):
            group = getattr(self.trajectory, key)
            for name in names:
                group[name] = np.full((frames, width), np.nan)
        # per frame: total kinetic energy and potential energy, for the stability monitor
        self.kinetic = np.zeros(frames)
        self.potential = np.zeros(frames)

    def record(self, world: World, frame: int) -> None:
        t = self.trajectory
        kinetic = potential = 0.0
        for name, live in world.bodies.items():
            com, quat, lin, ang = world.state(name)
            t.pos[name][frame], t.quat[name][frame] = world.origin(name, com, quat)
            t.linvel[name][frame] = lin
            t.angvel[name][frame] = ang
            if not live.static:
                kinetic += 0.5 * live.mass * lin @ lin + _rotational(live.inertia, quat, ang)
                potential -= live.mass * world.gravity @ com
        self.kinetic[frame], self.potential[frame] = kinetic, potential


def _rotational(inertia: np.ndarray, quat: np.ndarray, ang: np.ndarray) -> float:
    rotation = np.reshape(p.getMatrixFromQuaternion(quat), (3, 3))
    local = rotation.T @ ang  # angular velocity in the principal frame
    return 0.5 * float(local @ (inertia * local))
