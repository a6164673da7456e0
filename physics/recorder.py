"""Records every body at a fixed physics-step rate, cheaply inside the step loop.

The loop keeps Bullet's own tuples (two C calls per body per sample); the asset-origin poses
and the arrays are built once, after the run. The rate is fixed by the physics section alone,
so the recording never depends on the camera: the render stage samples it for its frames.
"""
from __future__ import annotations

import numpy as np
import pybullet as p

from bridge.trajectory import FIELDS, Trajectory
from physics.bodies import LiveBody
from physics.world import World

RECORD_BUDGET_BYTES = 256 << 20  # the recording held in memory and written to simulation.npz
FLOATS_PER_BODY = 13  # pos 3, quat 4, linvel 3, angvel 3


def record_every(requested: int | None, steps: int, bodies: int, particles: int) -> int:
    """Steps between samples: as asked, else every step unless the recording would pass
    the budget (a long scene with many bodies or particles), then the fewest that fit."""
    if requested is not None:
        return requested
    per_sample = 8 * (FLOATS_PER_BODY * bodies + 3 * particles)
    return max(1, -(-(steps + 1) * per_sample // RECORD_BUDGET_BYTES))


class StepRecorder:
    """Every live body's centre-of-mass state at each recorded step, as Bullet returns it."""

    def __init__(self, world: World, names: list[str]):
        self.client = world.client
        self.names = list(names)  # script bodies first, in script order; fragments as they come
        self.steps: list[int] = []
        self.samples: list[tuple[tuple[LiveBody, ...], list]] = []
        self.particles: dict[str, list[np.ndarray]] = {}

    def record(self, world: World, step: int) -> None:
        self.samples.append(self._read(world))
        self.steps.append(step)

    def record_particles(self, name: str, positions: np.ndarray) -> None:
        self.particles.setdefault(name, []).append(positions)

    def latest(self) -> tuple[tuple[LiveBody, ...], np.ndarray]:
        """The last sample: its bodies and their states [B, 13] (com, quat, lin, ang)."""
        return _rows(*self.samples[-1])

    def current(self, world: World) -> tuple[tuple[LiveBody, ...], np.ndarray]:
        """The bodies and their states now, as `latest` gives them, without recording."""
        return _rows(*self._read(world))

    def _read(self, world: World) -> tuple[tuple[LiveBody, ...], list]:
        bodies = tuple(world.bodies.values())
        pose, velocity, client = p.getBasePositionAndOrientation, p.getBaseVelocity, self.client
        # the client id passed by position: PyBullet parses keywords slowly, and this runs
        # for every body at every step
        return bodies, [(pose(b.uid, client), velocity(b.uid, client)) if b.link < 0
                        else world.read(b) for b in bodies]

    def trajectory(self, dt: float) -> Trajectory:
        """The recording: asset-origin poses, centre-of-mass velocities, NaN while absent."""
        rows: dict[str, tuple[list[int], list[tuple]]] = {name: ([], []) for name in self.names}
        multiply, client = p.multiplyTransforms, self.client
        for i, (bodies, states) in enumerate(self.samples):
            for live, ((com, quat), (lin, ang)) in zip(bodies, states):
                pos, q = multiply(com, quat, *live.to_origin, physicsClientId=client)
                index, values = rows.setdefault(live.name, ([], []))
                index.append(i)
                values.append((*pos, *q, *lin, *ang))
        count = len(self.steps)
        out = Trajectory(times=np.asarray(self.steps, float) * dt)
        for name, (index, values) in rows.items():
            table = np.full((count, FLOATS_PER_BODY), np.nan)
            if index:
                table[index] = values
            for key, (start, end) in zip(FIELDS, ((0, 3), (3, 7), (7, 10), (10, 13))):
                getattr(out, key)[name] = table[:, start:end].copy()
        out.particles.update({n: np.stack(v) for n, v in self.particles.items()})
        return out


def _rows(bodies: tuple[LiveBody, ...], states: list) -> tuple[tuple[LiveBody, ...], np.ndarray]:
    rows = np.array([(*c, *q, *lin, *ang) for (c, q), (lin, ang) in states], float)
    return bodies, rows.reshape(len(bodies), FLOATS_PER_BODY)
