"""Samples every body at the physics steps around each video frame, then blends them to the
frame times (which slow motion places between steps)."""
from __future__ import annotations

from dataclasses import dataclass

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


@dataclass(frozen=True)
class SamplePlan:
    """Physics steps to record, and how each video frame blends the two around its time."""

    steps: np.ndarray  # [S] sorted unique step indices
    lower: np.ndarray  # [F] sample index at or before the frame's time
    upper: np.ndarray  # [F] sample index at or after it
    weight: np.ndarray  # [F] 0 at the lower sample, 1 at the upper

    @classmethod
    def for_times(cls, times: np.ndarray, dt: float) -> SamplePlan:
        exact = np.asarray(times, float) / dt
        snapped = np.rint(exact)
        on_step = np.abs(exact - snapped) < 1e-6  # float noise in k / fps, not a real offset
        low = np.where(on_step, snapped, np.floor(exact)).astype(int)
        high = np.where(on_step, snapped, np.ceil(exact)).astype(int)
        steps = np.unique(np.concatenate([low, high]))
        weight = np.where(on_step, 0.0, exact - low)
        return cls(steps, np.searchsorted(steps, low), np.searchsorted(steps, high), weight)


def resample(samples: Trajectory, plan: SamplePlan, times: np.ndarray) -> Trajectory:
    """The trajectory at each frame's time: positions and velocities blended linearly,
    rotations by slerp. An instance that exists at only one of the two samples takes the
    earlier one, so a frame shows what existed at the last physics step before its time."""
    if np.all(plan.weight == 0):
        pick = plan.lower
        out = Trajectory(times=np.asarray(times, float))
        for key in ("pos", "quat", "linvel", "angvel", "particles"):
            getattr(out, key).update({n: v[pick] for n, v in getattr(samples, key).items()})
        return out
    out = Trajectory(times=np.asarray(times, float))
    for key in ("pos", "linvel", "angvel", "particles"):
        getattr(out, key).update({n: _blend(v, plan, _lerp)
                                  for n, v in getattr(samples, key).items()})
    out.quat.update({n: _blend(v, plan, _slerp) for n, v in samples.quat.items()})
    return out


def _blend(values: np.ndarray, plan: SamplePlan, mix) -> np.ndarray:
    low, high = values[plan.lower], values[plan.upper]
    weight = plan.weight.reshape((-1,) + (1,) * (values.ndim - 1))
    mixed = mix(low, high, weight)
    # Where the later sample lacks the instance (removed, broken), hold the earlier state.
    return np.where(np.isnan(high) | (weight == 0), low, mixed)


def _lerp(a: np.ndarray, b: np.ndarray, w: np.ndarray) -> np.ndarray:
    return a + (b - a) * w


def _slerp(a: np.ndarray, b: np.ndarray, w: np.ndarray) -> np.ndarray:
    """Shortest-arc spherical blend of [F,4] unit quaternions."""
    dot = np.sum(a * b, axis=-1, keepdims=True)
    b = np.where(dot < 0, -b, b)
    dot = np.clip(np.abs(dot), -1.0, 1.0)
    angle = np.arccos(dot)
    small = angle < 1e-6
    sin = np.where(small, 1.0, np.sin(angle))
    wa = np.where(small, 1 - w, np.sin((1 - w) * angle) / sin)
    wb = np.where(small, w, np.sin(w * angle) / sin)
    out = wa * a + wb * b
    return out / np.linalg.norm(out, axis=-1, keepdims=True)
