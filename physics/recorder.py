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
        self.frames = len(times)
        self.trajectory = Trajectory(times=np.asarray(times, dtype=np.float64))
        for name in names:
            self._add(name)
        # per frame: total kinetic energy and potential energy, for the stability monitor
        self.kinetic = np.zeros(self.frames)
        self.potential = np.zeros(self.frames)

    def _add(self, name: str) -> None:
        """NaN arrays for an instance: script bodies up front, fragments when they appear."""
        for key, width in (("pos", 3), ("quat", 4), ("linvel", 3), ("angvel", 3)):
            getattr(self.trajectory, key)[name] = np.full((self.frames, width), np.nan)

    def record_particles(self, name: str, frame: int, positions: np.ndarray) -> None:
        particles = self.trajectory.particles
        if name not in particles:
            particles[name] = np.full((self.frames, len(positions), 3), np.nan)
        particles[name][frame] = positions

    def record(self, world: World, frame: int) -> None:
        t = self.trajectory
        kinetic = potential = 0.0
        for name, live in world.bodies.items():
            if name not in t.pos:
                self._add(name)
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
