"""Records every body at a fixed physics-step rate, cheaply inside the step loop.

The loop keeps Bullet's own tuples (two C calls per body per sample); the asset-origin poses
and the arrays are built once, after the run, with numpy. The rate is fixed by the physics section alone,
so the recording never depends on the camera: the render stage samples it for its frames.
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from itertools import chain

import numpy as np
import pybullet as p

from bridge.trajectory import FIELDS, Trajectory
from bridge.transforms import compose
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
    """Every live body's centre-of-mass state at each recorded step, as Bullet returns it.

    Samples are kept in blocks over which the set of live bodies stays the same (it changes
    when a body breaks, is spawned or removed), so each block becomes one array at the end."""

    def __init__(self, world: World, names: list[str]):
        self.client = world.client
        self.names = list(names)  # script bodies first, in script order; fragments as they come
        self.steps: list[int] = []
        self.blocks: list[_Block] = []
        self.particles: dict[str, list[np.ndarray]] = {}
        # a static base's state, read once: it never moves (by its LiveBody, not its Bullet
        # id, which Bullet hands on once the body is removed)
        self.fixed: dict[LiveBody, tuple] = {}

    def record(self, world: World, step: int) -> None:
        bodies, states = self._read(world)
        # tuples compare item by item, each first by identity: cheap when nothing changed
        if not self.blocks or self.blocks[-1].bodies != bodies:
            self.blocks.append(_Block(bodies, len(self.steps)))
        self.blocks[-1].states.append(states)
        self.steps.append(step)

    def record_particles(self, name: str, positions: np.ndarray) -> None:
        self.particles.setdefault(name, []).append(positions)

    def latest(self) -> tuple[tuple[LiveBody, ...], np.ndarray]:
        """The last sample: its bodies and their states [B, 13] (com, quat, lin, ang)."""
        block = self.blocks[-1]
        return block.bodies, _flat(block.states[-1], len(block.bodies))

    def current(self, world: World) -> tuple[tuple[LiveBody, ...], np.ndarray]:
        """The bodies and their states now, as `latest` gives them, without recording."""
        bodies, states = self._read(world)
        return bodies, _flat(states, len(bodies))

    def _read(self, world: World) -> tuple[tuple[LiveBody, ...], list]:
        bodies = tuple(world.bodies.values())
        pose, velocity, client = p.getBasePositionAndOrientation, p.getBaseVelocity, self.client
        fixed = self.fixed
        # the client id passed by position: PyBullet parses keywords slowly, and this runs
        # for every body at every step
        return bodies, [fixed.get(b) or self._fix(b) if b.static and b.link < 0
                        else (pose(b.uid, client), velocity(b.uid, client)) if b.link < 0
                        else world.read(b) for b in bodies]

    def _fix(self, live: LiveBody) -> tuple:
        state = self.fixed[live] = (p.getBasePositionAndOrientation(live.uid, self.client),
                                    p.getBaseVelocity(live.uid, self.client))
        return state

    def trajectory(self, dt: float) -> Trajectory:
        """The recording: asset-origin poses, centre-of-mass velocities, NaN while absent."""
        count = len(self.steps)
        tables: dict[str, np.ndarray] = {}
        for block in self.blocks:
            if not block.bodies:
                continue
            rows = _flat(chain.from_iterable(block.states), len(block.states) * len(block.bodies)
                         ).reshape(len(block.states), len(block.bodies), FLOATS_PER_BODY)
            rows[..., :7] = _to_origins(rows[..., :7], block.bodies)
            span = slice(block.first, block.first + len(block.states))
            for k, live in enumerate(block.bodies):
                if live.name not in tables:
                    tables[live.name] = np.full((count, FLOATS_PER_BODY), np.nan)
                tables[live.name][span] = rows[:, k]
        out = Trajectory(times=np.asarray(self.steps, float) * dt)
        known = set(self.names)
        absent = np.full((count, FLOATS_PER_BODY), np.nan)  # a body never sampled
        for name in self.names + [n for n in tables if n not in known]:
            table = tables.get(name, absent)
            for key, (start, end) in zip(FIELDS, ((0, 3), (3, 7), (7, 10), (10, 13))):
                getattr(out, key)[name] = table[:, start:end].copy()
        out.particles.update({n: np.stack(v) for n, v in self.particles.items()})
        return out


@dataclass
class _Block:
    """Consecutive samples of the same live bodies, from sample index `first`."""

    bodies: tuple[LiveBody, ...]
    first: int
    states: list[list] = field(default_factory=list)


def _flat(states: Iterable, count: int) -> np.ndarray:
    """[count, 13] from Bullet's nested tuples ((com, quat), (lin, ang)) of `count` body
    states (one sample's, or several samples' chained), unpacked in C."""
    values = chain.from_iterable(chain.from_iterable(chain.from_iterable(states)))
    return np.fromiter(values, float, count * FLOATS_PER_BODY).reshape(count, FLOATS_PER_BODY)


def _to_origins(poses: np.ndarray, bodies: tuple[LiveBody, ...]) -> np.ndarray:
    """[S, B, 7] centre-of-mass poses (position, xyzw) to the bodies' asset-origin poses."""
    samples = poses.shape[0]
    offset = np.tile(np.array([live.to_origin[0] for live in bodies], float), (samples, 1))
    turn = np.tile(np.array([live.to_origin[1] for live in bodies], float), (samples, 1))
    position, quat = compose(poses[..., :3].reshape(-1, 3), poses[..., 3:].reshape(-1, 4),
                             offset, turn)
    return np.concatenate([position, quat], axis=-1).reshape(poses.shape)
