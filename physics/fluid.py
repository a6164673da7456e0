"""The scene's liquids as one position-based fluid, stepped with the rigid bodies.

Liquids that share a particle radius share a solver, so poured milk meets the coffee; each
particle keeps its own liquid's mass, rest density, viscosity and cohesion. A step of the
physics is split into substeps so that no particle moves more than a particle spacing
relative to the liquid's mean motion, nor a wall it touches more than a particle radius (a
glass of juice carried or falling whole needs two, the splash after it breaks up to 16).
Walls are every body's collision parts and the ground (see physics/pbf_walls.py); the
bodies feel the fluid back through `Walls.apply`.

Viscosity and cohesion are set from the liquid's physical figures by a visual calibration,
not by a physical model: XSPH smoothing grows with the log of the viscosity (water 0.02,
honey 0.42), the cohesion with the surface tension.
"""
from __future__ import annotations

import math

import numba
import numpy as np

from bridge.liquids import LIQUID_KINDS
from bridge.schema import Liquid
from bridge.threads import ThreadChoice
from physics.pbf import (
    MAX_NEIGHBOURS,
    lattice_sums,
    solve_density,
    viscosity_and_cohesion,
    wall_density,
)
from physics.pbf_search import NeighbourList
from physics.pbf_walls import Walls, collide, nearest_walls
from physics.sources import Stream

# density iterations a step, shared by its substeps (at least one each): a settled column's
# worst is 2-8 % dense at two substeps of 4. Many small substeps of few iterations hold the
# density better than few of many (Macklin et al. 2019, "Small steps in physics simulation")
ITERATIONS = 8
MIN_SUBSTEPS = 2
MAX_SUBSTEPS = 16  # a wall struck at 8 m/s moves 2 mm a substep
SPREAD_PERCENTILE = 99.0  # of the particles' speeds against the mean (see substeps)
# neighbours within h a particle of the liquid's body has at least (inside about 30, on a
# free surface about 15): fewer, it is spray, a drop of four or fewer (see substeps)
BODY_NEIGHBOURS = 4
KERNEL = 2.0  # kernel radius in particle spacings
SKIN = 0.2  # neighbour candidates are searched this share of the kernel radius farther
RELAX = 0.01  # constraint softening, a share of sum |grad C|^2 at rest
WALL_FRICTION = 0.1  # share of a touching particle's slip along a wall lost each substep
# Akinci gamma per N/m of surface tension (calibrated: water flung in zero g stays 1-2 blobs)
COHESION = 3.0


def xsph(viscosity: float) -> float:
    """The XSPH smoothing factor for a dynamic viscosity in Pa s (visual calibration)."""
    return float(np.clip(0.02 + 0.1 * math.log10(max(viscosity, 1e-3) / 1e-3), 0.0, 0.5))


class Fluid:
    """Particles of the liquids of one particle radius: positions, velocities, and the
    per-particle figures of their liquids. A particle that has not left its source yet
    (NaN in `starts`) is absent: NaN, and left out of the solve."""

    def __init__(self, liquids: list[Liquid], starts: list[np.ndarray]):
        self.liquids = liquids
        self.radius = liquids[0].particle_radius
        self.spacing = 2 * self.radius
        self.h = KERNEL * self.spacing
        self.slices: dict[str, slice] = {}
        at = 0
        for liquid, start in zip(liquids, starts):
            self.slices[liquid.name] = slice(at, at + len(start))
            at += len(start)
        self.x = np.concatenate(starts).reshape(-1, 3).astype(float)
        self.v = np.zeros_like(self.x)
        self.mass, self.rest, self.xsph, self.cohesion = (np.zeros(len(self.x)) for _ in range(4))
        lattice, stiffness = lattice_sums(self.spacing, self.h)
        for liquid, start in zip(liquids, starts):
            part = self.slices[liquid.name]
            kind = LIQUID_KINDS[liquid.liquid]
            self.mass[part] = liquid.density * liquid.volume_ml * 1e-6 / max(1, len(start))
            self.rest[part] = liquid.density * self.spacing ** 3 * lattice
            self.xsph[part] = xsph(kind.viscosity)
            self.cohesion[part] = COHESION * kind.surface_tension
        self.live = np.isfinite(self.x).all(axis=1)
        self.streams = [Stream(liquid, self.slices[liquid.name], self.spacing)
                        for liquid in liquids if liquid.source is not None]
        self.time = 0.0
        self.relax = RELAX * stiffness
        self.wall, self.wall_step = wall_density(self.spacing, self.h)
        # the largest and the mean at the last substep's last iteration (see solve_density)
        self.density_error = self.mean_density_error = 0.0
        self.touching: set[str] = set()  # bodies the liquid was near in the last substep
        # in the liquid's body at the last substep that searched it (until one has, counted
        # in: a drop a source has just let out sets the substeps as any particle did before)
        self.body = np.ones(len(self.x), bool)
        self._pairs = np.empty((len(self.x), MAX_NEIGHBOURS))
        self.search = NeighbourList(len(self.x), self.h, SKIN * self.h)
        self.threads = ThreadChoice([numba.get_num_threads(), 1], numba.get_num_threads,
                                    numba.set_num_threads)

    def positions(self, name: str) -> np.ndarray:
        """[N, 3] world positions of one liquid's particles."""
        return self.x[self.slices[name]].copy()

    def substeps(self, dt: float, walls: Walls) -> int:
        """Enough that no particle of the liquid's body moves a spacing against the liquid's
        mean motion, and no wall near it half a spacing (a particle radius: less than a
        glass wall is thick)."""
        v = self.v[self.live]
        # a percentile, not the fastest: a particle wedged between two shards is pushed to
        # and fro and reads fast, but the liquid's motion is what the substeps must follow.
        # Nor the spray's: a drop of a few flies alone (the walls it meets are swept, see
        # pbf_walls.collide), and after a glass breaks on the floor the drops flung a metre
        # out kept the still puddle at 2 to 5 substeps a step
        body = self.body[self.live]
        if body.any():
            v = v[body]
        mean = v.mean(axis=0)
        speeds = np.sqrt(((v - mean) ** 2).sum(axis=1))
        spread = np.percentile(speeds, SPREAD_PERCENTILE) * dt / self.spacing
        sweep = walls.sweep(self.touching, mean * dt) / self.radius
        return int(np.clip(math.ceil(max(spread, sweep)), MIN_SUBSTEPS, MAX_SUBSTEPS))

    def step(self, dt: float, walls: Walls, gravity: np.ndarray) -> None:
        """Let out what the sources have due, then advance by `dt` against the walls' motion
        over the same step."""
        for stream in self.streams:
            stream.emit(self.x, self.v, self.live, self.time)
        self.time += dt
        if not self.live.any():
            return
        self.threads.run(lambda: self._advance(dt, walls, gravity), size=int)

    def _advance(self, dt: float, walls: Walls, gravity: np.ndarray) -> int:
        """The step's substeps; returns how many."""
        live = slice(None) if self.live.all() else np.flatnonzero(self.live)
        count = self.substeps(dt, walls)
        sub = dt / count
        poses = [walls.at(s / count) for s in range(count + 1)]  # a substep's end, the next's start
        iterations = math.ceil(ITERATIONS / count)
        for s in range(count):
            self._substep(sub, gravity, walls, poses[s], poses[s + 1], live, iterations)
        return count

    def _settled(self, x: np.ndarray, walls: Walls, start: tuple) -> np.ndarray:
        """`x` set out of the walls it touches and the floor, at their poses now."""
        # a correction of place, not a motion (Macklin et al. 2014's pre-stabilization): a
        # drop squeezed between a shard and the floor was pushed out within the substep,
        # and a millimetre made metres a second. Deeper than TOUCHING into a part, a drop
        # is inside it, left alone here as in the substep (see pbf_walls._entry)
        settled = x.copy()
        collide(x, settled, self.radius, *walls.parts, *start, *start, walls.ground, 0.0,
                np.zeros_like(x), np.full(len(x), -1, np.int64))
        return settled

    def _substep(self, dt: float, gravity: np.ndarray, walls: Walls, start: tuple,
                 end: tuple, live: slice | np.ndarray, iterations: int) -> None:
        """One substep of the particles `live` (all of them, or the rows that have left their
        sources)."""
        mass, rest = self.mass[live], self.rest[live]
        x0 = self._settled(self.x[live], walls, start)
        xp = x0 + dt * (self.v[live] + dt * gravity)
        table, counts = self.search.update(xp)
        self.body[live] = counts >= BODY_NEIGHBOURS
        pairs = self._pairs[:len(xp)]  # room for each pair's figures (see solve_density)
        distance, normal, wall_body = nearest_walls(xp, self.h, *walls.parts, *end,
                                                    walls.ground)
        push = np.zeros_like(xp)
        hit = np.full(len(xp), -1, np.int64)
        delta = np.empty_like(xp)
        wall_push = np.zeros((len(xp), 2, 3))
        for it in range(iterations):
            self.density_error, self.mean_density_error = solve_density(
                xp, mass, rest, table, counts, self.h, self.relax, distance, normal,
                self.wall, self.wall_step, delta, wall_push, pairs)
            xp += delta
            friction = WALL_FRICTION if it == iterations - 1 else 0.0
            collide(x0, xp, self.radius, *walls.parts, *start, *end, walls.ground, friction,
                    push, hit)
        v = (xp - x0) / dt
        self.v[live] = viscosity_and_cohesion(xp, v, mass, rest, self.xsph[live],
                                              self.cohesion[live], table, counts, self.h, dt)
        self.x[live] = xp
        walls.react(push, hit, wall_push, wall_body, mass, dt, xp)
        self.touching = walls.named(np.concatenate([hit, wall_body.ravel()]))
