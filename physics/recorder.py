"""Records every body at a fixed physics-step rate, cheaply inside the step loop.

The loop reads each moving body with two C calls and appends Bullet's floats to a flat list,
made one array every FLUSH_FLOATS values (a list takes four times an array's memory); a
static body is read once. The asset-origin poses are worked out once, after the run, with
numpy. The rate is fixed by the physics section alone, so the recording never depends on the
camera: the render stage samples it for its frames.
"""
from __future__ import annotations

import struct
from collections.abc import Iterable
from itertools import chain
from typing import TYPE_CHECKING

import numpy as np
import pybullet as p

from bridge.trajectory import FIELDS, Trajectory
from bridge.transforms import quat_multiply, quat_rotate
from physics.bodies import LiveBody
from physics.world import World

if TYPE_CHECKING:
    from physics.sleep import Sleep

RECORD_BUDGET_BYTES = 256 << 20  # the recording held in memory and written to simulation.npz
FLOATS_PER_BODY = 13  # pos 3, quat 4, linvel 3, angvel 3
# a list's floats are made an array past this many: about 128 kB as a list (32 kB as an
# array), small enough for the floats to be freed and reused while still in the cache
FLUSH_FLOATS = 1 << 12


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
    when a body breaks, is spawned or removed), so each block becomes one array at the end.
    A static base is read once: it never moves (it is released as a new body)."""

    def __init__(self, world: World, names: list[str]):
        self.client = world.client
        self.names = list(names)  # script bodies first, in script order; fragments as they come
        self.steps: list[int] = []
        self.blocks: list[_Block] = []
        self.particles: dict[str, list[np.ndarray]] = {}
        # by its LiveBody, not its Bullet id, which Bullet hands on once the body is removed
        self.fixed: dict[LiveBody, tuple] = {}

    def record(self, world: World, step: int, sleep: Sleep | None = None) -> None:
        block = self._block(world)
        if not self.blocks or block is not self.blocks[-1]:
            self.blocks.append(block)
        block.sample(world, sleep)
        self.steps.append(step)

    def record_particles(self, name: str, positions: np.ndarray) -> None:
        self.particles.setdefault(name, []).append(positions)

    def latest(self) -> tuple[tuple[LiveBody, ...], np.ndarray]:
        """The moving bodies of the last sample and their states [B, 13] (com, quat, lin,
        ang)."""
        block = self.blocks[-1]
        return block.moving, block.last()

    def current(self, world: World, sleep: Sleep | None = None
                ) -> tuple[tuple[LiveBody, ...], np.ndarray]:
        """The moving bodies and their states now, as `latest` gives them, unrecorded."""
        block = self._block(world)
        return block.moving, block.read(world, sleep)

    def _block(self, world: World) -> _Block:
        """The last block if the live bodies are still its own, else a new one (unkept)."""
        bodies = tuple(world.bodies.values())
        # tuples compare item by item, each first by identity: cheap when nothing changed
        if self.blocks and self.blocks[-1].bodies == bodies:
            return self.blocks[-1]
        fixed = [b for b in bodies if b.static and b.link < 0]
        for live in fixed:
            if live not in self.fixed:
                self.fixed[live] = (
                    p.getBasePositionAndOrientation(live.uid, self.client),
                    p.getBaseVelocity(live.uid, self.client))
        return _Block(bodies, len(self.steps), self.client,
                      {live: self.fixed[live] for live in fixed})

    def trajectory(self, dt: float) -> Trajectory:
        """The recording: asset-origin poses, centre-of-mass velocities, NaN while absent."""
        # script bodies first, then fragments in the world's order, which blocks keep
        names = list(dict.fromkeys(self.names + [live.name for block in self.blocks
                                                 for live in block.bodies]))
        column = {name: k for k, name in enumerate(names)}
        # body by body: each body's field is a view of its own rows, no copy
        table = np.full((len(names), len(self.steps), FLOATS_PER_BODY), np.nan)
        for block in self.blocks:
            span = slice(block.first, block.first + block.count)
            for bodies, rows in block.tables():
                table[[column[live.name] for live in bodies], span] = rows.transpose(1, 0, 2)
        out = Trajectory(times=np.asarray(self.steps, float) * dt)
        for key, (start, end) in zip(FIELDS, ((0, 3), (3, 7), (7, 10), (10, 13))):
            getattr(out, key).update(zip(names, table[:, :, start:end]))
        out.particles.update({n: np.stack(v) for n, v in self.particles.items()})
        return out


class _Block:
    """Consecutive samples of the same live bodies, from sample index `first`: the moving
    ones' states at each sample (free bodies and bases first, then links), the static bases'
    once."""

    def __init__(self, bodies: tuple[LiveBody, ...], first: int, client: int,
                 fixed: dict[LiveBody, tuple]):
        self.bodies, self.first, self.client, self.fixed = bodies, first, client, fixed
        free = [b for b in bodies if b not in fixed and b.link < 0]
        self.links = [b for b in bodies if b not in fixed and b.link >= 0]
        self.bases, self.moving = [b.uid for b in free], tuple(free + self.links)
        self.count = 0  # samples taken
        self.chunks: list[np.ndarray] = []  # [S, B, 13] the samples made arrays
        self.values: list[float] = []  # the samples since, their 13 floats a body
        # the sleepers' part of a sample, for the sleep's version it was made at
        self.asleep: tuple[int, list[int], np.ndarray, np.ndarray, np.ndarray] | None = None

    def sample(self, world: World, sleep: Sleep | None = None) -> None:
        """Take the moving bodies' states now as the next sample."""
        if sleep is None or not sleep.held:
            self._extend(world, self.bases, self.values)
        else:
            self.values += self.read(world, sleep).ravel().tolist()
        self.count += 1
        if len(self.values) >= FLUSH_FLOATS:
            self._flush()

    def last(self) -> np.ndarray:
        """The last sample's states, [B, 13]."""
        if not self.values:  # just made an array, or no body moves
            return self.chunks[-1][-1] if self.chunks else np.empty((0, FLOATS_PER_BODY))
        size = len(self.moving) * FLOATS_PER_BODY
        return np.array(self.values[len(self.values) - size:]).reshape(-1, FLOATS_PER_BODY)

    def read(self, world: World, sleep: Sleep | None = None) -> np.ndarray:
        """The moving bodies' states now, [B, 13]: a sleeper's as it was held."""
        if sleep is None or not sleep.held:
            return self._read(world, self.bases)
        if self.asleep is None or self.asleep[0] != sleep.version:
            self.asleep = (sleep.version, *sleep.rows(self.moving))
        _, bases, awake, asleep, held = self.asleep
        states = np.empty((len(self.moving), FLOATS_PER_BODY))
        states[asleep] = held
        states[awake] = self._read(world, bases)
        return states

    def _read(self, world: World, bases: list[int]) -> np.ndarray:
        """The states of the free bodies `bases`, then of every link, [B, 13]."""
        values: list[float] = []
        self._extend(world, bases, values)
        return np.array(values).reshape(-1, FLOATS_PER_BODY)

    def _extend(self, world: World, bases: list[int], values: list[float]) -> None:
        """Append the 13 floats of each free body in `bases`, then of every link."""
        # the client id passed by position: PyBullet parses keywords slowly, and this runs
        # for every body at every step; a list's extend by each of Bullet's tuples is the
        # cheapest way from them to floats (np.fromiter of them chained costs 25 ns a float,
        # and joining the four tuples first costs more than four extends)
        pose, velocity, client, extend = (p.getBasePositionAndOrientation, p.getBaseVelocity,
                                          self.client, values.extend)
        for uid in bases:
            (com, quat), (linear, angular) = pose(uid, client), velocity(uid, client)
            extend(com)
            extend(quat)
            extend(linear)
            extend(angular)
        for live in self.links:
            (com, quat), (linear, angular) = world.read(live)
            extend(com + quat + linear + angular)

    def _flush(self) -> None:
        """Make the listed samples one array."""
        if self.values:  # packed as C doubles: 46 µs a flush in the loop, 65 by np.fromiter
            chunk = np.empty(len(self.values))
            struct.pack_into(f"{len(self.values)}d", chunk, 0, *self.values)
            self.chunks.append(chunk.reshape(-1, len(self.moving), FLOATS_PER_BODY))
            self.values = []

    def tables(self) -> Iterable[tuple[tuple[LiveBody, ...], np.ndarray]]:
        """The moving bodies and their [S, B, 13] rows, then the static bases and their
        [1, B, 13]: asset-origin poses, velocities."""
        if self.moving:
            self._flush()
            yield self.moving, _to_origins(np.concatenate(self.chunks), self.moving)
        if self.fixed:
            fixed = tuple(self.fixed)
            yield fixed, _to_origins(_flat(self.fixed.values(), len(fixed))[None], fixed)


def _flat(states: Iterable, count: int) -> np.ndarray:
    """[count, 13] from Bullet's nested tuples ((com, quat), (lin, ang)) of `count` body
    states, unpacked in C."""
    values = chain.from_iterable(chain.from_iterable(chain.from_iterable(states)))
    return np.fromiter(values, float, count * FLOATS_PER_BODY).reshape(count, FLOATS_PER_BODY)


def _to_origins(rows: np.ndarray, bodies: tuple[LiveBody, ...]) -> np.ndarray:
    """[S, B, 13] centre-of-mass states, their poses (position, xyzw) turned to the bodies'
    asset-origin poses in place."""
    offset = np.array([live.to_origin[0] for live in bodies], float)
    turn = np.array([live.to_origin[1] for live in bodies], float)
    com, quat = rows[..., :3], rows[..., 3:7]
    rows[..., :3] = com + quat_rotate(quat, offset)
    # most assets' principal axes are their own: a turn by none leaves the quaternions be
    if np.any(turn[:, :3]) or np.any(turn[:, 3] != 1.0):
        rows[..., 3:7] = quat_multiply(quat, turn)
    return rows
