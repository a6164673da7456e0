"""Water volumes: buoyancy from the sampled submerged volume, and drag on the submerged part.

Each body's solid is sampled once, when it first comes near water, on a regular grid
(points inside its watertight visual mesh, each standing for one grid cell), kept in its
centre-of-mass frame. Every step the points go to the world and are weighed by how much of
their cell lies in a water box; the wet volume, pushed at its centroid, gives both the lift
and the righting torque. Drag acts on the wet part; the water itself stands still.

The solid is the mesh with its sealed cavities filled (a basketball displaces its air), so a
thin-walled open container displaces only its walls: it floats low or sinks instead of
floating like a boat (water flowing into it is not modelled). Regions should not overlap: a
point inside two boxes is counted in both. The surface is the box's top, whatever the
direction of gravity.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pybullet as p
import trimesh

from bridge.schema import Water
from bridge.transforms import invert, quat_to_matrix
from physics.bodies import LiveBody
from physics.world import World

TARGET_SAMPLES = 400  # points inside a body: enough for a smooth righting torque, cheap per step
MAX_GRID = 200_000  # grid points tested for containment per body, whatever its shape
COVERAGE_ERROR = 0.1  # refine the grid until its inside cells hold the volume to 10%
# rays run a little off the cell centres, in no lattice direction, so that none passes
# exactly through a mesh edge or vertex (counted twice, it would flip inside and out)
RAY_SHIFT = np.array([1e-3 * (2**0.5 - 1), 1e-3 * (3**0.5 - 1)])


@dataclass(frozen=True)
class Samples:
    """A body's solid as grid cells, in its centre-of-mass frame."""

    points: np.ndarray  # [N, 3] cell centres (centroids of the solid in partly filled cells)
    cell: np.ndarray  # [3, 3] columns: the cell's edge vectors
    weights: np.ndarray  # [N] m^3 per point, summing to the solid's volume
    volume: float  # m^3


def sample_solid(mesh: trimesh.Trimesh, offset: tuple[np.ndarray, np.ndarray]) -> Samples:
    """Grid points inside `mesh` (body frame), moved to the COM frame `offset` (body frame).

    A sealed cavity (a ball's air, an egg's inside: an inner surface facing inwards) counts
    as solid, since it displaces water too; an open container's inside does not.
    """
    hull = mesh if mesh.is_watertight else mesh.convex_hull  # as the mass properties do
    solids = [part for part in hull.split(only_watertight=False) if part.volume > 0]
    volume = float(sum(part.volume for part in solids))
    lo, hi = hull.bounds
    counts = _grid_counts(hi - lo, volume)
    spacing = (hi - lo) / counts
    factor = 1
    while True:  # finer while thin walls slip between the grid points
        found = _grid_inside(solids, lo, spacing / factor, counts * factor)
        covered = len(found) * np.prod(spacing / factor) / volume
        if abs(covered - 1) <= COVERAGE_ERROR or np.prod(counts * factor * 2) > MAX_GRID:
            break
        factor *= 2
    if len(found) == 0:  # thinner than a cell everywhere: one point at the centroid
        found = hull.center_mass[None]
    points, weights = _pool(found, lo, spacing, counts)
    position, quat = invert(*offset)  # body frame -> COM frame
    rotation = quat_to_matrix(quat)
    # the cell edges run along the body frame's axes: seen from the COM frame they are rotated
    return Samples(points @ rotation.T + position, rotation * spacing,
                   weights * (volume / weights.sum()), volume)


def reach(mesh: trimesh.Trimesh, offset: tuple[np.ndarray, np.ndarray]) -> float:
    """A radius about the centre of mass beyond which the body feels no water: its farthest
    vertex, plus half its bounds' diagonal (a cell's smoothing can reach no farther)."""
    farthest = np.linalg.norm(mesh.vertices - offset[0], axis=1).max()
    return float(farthest + 0.5 * np.linalg.norm(mesh.extents))


def _grid_counts(extent: np.ndarray, volume: float) -> np.ndarray:
    """Cells per axis: about TARGET_SAMPLES inside a solid of `volume`, at most MAX_GRID."""
    spacing = (volume / TARGET_SAMPLES) ** (1 / 3)
    spacing = max(spacing, (np.prod(extent) / MAX_GRID) ** (1 / 3))
    return np.maximum(1, np.round(extent / spacing)).astype(int)


def _grid_inside(solids: list[trimesh.Trimesh], lo: np.ndarray, spacing: np.ndarray,
                 counts: np.ndarray) -> np.ndarray:
    """The centres of the grid cells from `lo` that lie inside any of `solids`, [N, 3]."""
    axes = [lo[i] + spacing[i] * (np.arange(counts[i]) + 0.5) for i in range(3)]
    columns = np.stack(np.meshgrid(axes[0], axes[1], indexing="ij"), axis=-1).reshape(-1, 2)
    inside = np.zeros((len(columns), counts[2]), bool)
    for part in solids:
        inside |= _inside(part.triangles, columns + RAY_SHIFT * spacing[:2], axes[2])
    grid = np.concatenate([np.repeat(columns, counts[2], axis=0),
                           np.tile(axes[2], len(columns))[:, None]], axis=1)
    return grid[inside.ravel()]


def _pool(points: np.ndarray, lo: np.ndarray, spacing: np.ndarray, counts: np.ndarray
          ) -> tuple[np.ndarray, np.ndarray]:
    """Fine points merged per coarse cell: their centroid, weighted by their number. Keeps
    the per-step cost at the coarse count while a thin wall still gets its true place."""
    cell = np.clip(np.floor((points - lo) / spacing).astype(int), 0, counts - 1)
    _, group, number = np.unique(np.ravel_multi_index(cell.T, counts), return_inverse=True,
                                 return_counts=True)
    centroids = np.zeros((len(number), 3))
    np.add.at(centroids, group.ravel(), points)
    return centroids / number[:, None], number.astype(float)


def _inside(triangles: np.ndarray, columns: np.ndarray, heights: np.ndarray) -> np.ndarray:
    """[C, H] whether (column xy, height) lies inside the closed surface `triangles` [T,3,3]:
    an odd number of crossings below it along the vertical line. One line per column instead
    of trimesh's ray per point: about 100x faster on a sphere."""
    crossings = np.zeros((len(columns), len(heights)), int)
    for chunk in np.array_split(triangles, max(1, len(triangles) // 256)):
        v0, e1, e2 = chunk[:, 0], chunk[:, 1] - chunk[:, 0], chunk[:, 2] - chunk[:, 0]
        det = e1[:, 0] * e2[:, 1] - e1[:, 1] * e2[:, 0]
        upright = np.abs(det) > 1e-18  # vertical faces are never crossed
        v0, e1, e2, det = v0[upright], e1[upright], e2[upright], det[upright]
        r = columns[:, None, :] - v0[None, :, :2]  # [C, T, 2]
        a = (r[..., 0] * e2[:, 1] - r[..., 1] * e2[:, 0]) / det
        b = (e1[:, 0] * r[..., 1] - e1[:, 1] * r[..., 0]) / det
        hit = (a >= 0) & (b >= 0) & (a + b <= 1)
        z = np.where(hit, v0[:, 2] + a * e1[:, 2] + b * e2[:, 2], np.inf)
        crossings += (z[:, :, None] < heights).sum(axis=1)
    return crossings % 2 == 1


@dataclass
class _Entry:
    live: LiveBody
    reach: float  # see `reach`
    samples: Samples | None = None  # sampled when it first comes near water


@dataclass(frozen=True)
class _Stack:
    """Samples of several bodies padded to one length with weightless points, so that one
    batched numpy call serves them all (a loop per body cost 10x more at 10 bodies)."""

    entries: list[_Entry]
    points: np.ndarray  # [B, M, 3] COM frame
    weights: np.ndarray  # [B, M] m^3, 0 for padding
    cells: np.ndarray  # [B, 3, 3]
    volumes: np.ndarray  # [B] m^3

    @staticmethod
    def of(entries: list[_Entry], samples: list[Samples]) -> _Stack:
        size = max(len(s.weights) for s in samples)
        points = np.zeros((len(samples), size, 3))
        weights = np.zeros((len(samples), size))
        for i, s in enumerate(samples):
            points[i, :len(s.weights)] = s.points
            weights[i, :len(s.weights)] = s.weights
        return _Stack(entries, points, weights, np.stack([s.cell for s in samples]),
                      np.array([s.volume for s in samples]))


@dataclass(frozen=True)
class _Batch:
    """Bodies near water this step, posed in the world."""

    stack: _Stack
    coms: np.ndarray  # [B, 3]
    rotations: np.ndarray  # [B, 3, 3] principal (Bullet) frame -> world
    points: np.ndarray  # [B, M, 3] world frame
    extents: np.ndarray  # [B, 1, 3] a cell measured along the world axes


class WaterVolumes:
    """The physics hook for the scene's water: forces for the next step, on dynamic bodies."""

    def __init__(self, waters: list[Water], gravity: np.ndarray):
        self.waters = waters
        self.gravity = np.asarray(gravity, float)  # refreshed every step: events may change it
        self._lo = np.array([w.region.min for w in waters], float).reshape(-1, 3)
        self._hi = np.array([w.region.max for w in waters], float).reshape(-1, 3)
        self._entries: dict[int, _Entry] = {}
        self._stack: _Stack | None = None

    def before_step(self, world: World, step: int) -> None:
        """Apply buoyancy and drag to every dynamic body (Bullet clears them after the step)."""
        self.gravity = np.asarray(world.gravity, float)
        entries = [self._entry(live) for live in world.bodies.values() if not live.static]
        states = [world.read(e.live) for e in entries]
        poses = [state[0] for state in states]
        near = self._near(entries, [pose[0] for pose in poses])
        if not near:
            return
        batch = _pose(self._stack_of([entries[i] for i in near]), [poses[i] for i in near])
        velocities = np.array([states[i][1] for i in near])  # [B, 2, 3]
        force, torque, wet = self._forces(batch, velocities, world.dt)
        for i in np.flatnonzero(wet):
            world.apply_wrench(batch.stack.entries[i].live.name, force[i], torque[i])

    def submerged_fraction(self, world: World, name: str) -> float:
        """Share of the body's solid volume under water now, 0..1."""
        entry = self._entry(world.bodies[name])
        com, quat, _, _ = world.state(name)
        if not self._near([entry], [com]):
            return 0.0
        batch = _pose(_Stack.of([entry], [self._samples_of(entry)]), [(com, quat)])
        wet = sum(volume[0] for volume, _ in self._wet(batch))
        return min(1.0, float(wet / batch.stack.volumes[0]))

    def _near(self, entries: list[_Entry], coms: list) -> list[int]:
        """Indices of the bodies whose bounding sphere reaches a water region."""
        if not entries or not self.waters:
            return []
        coms = np.array(coms, float)[:, None]
        gap = np.maximum(np.maximum(self._lo - coms, coms - self._hi), 0.0)
        reaches = np.array([e.reach for e in entries])[:, None]
        return np.flatnonzero(((gap ** 2).sum(axis=2) <= reaches ** 2).any(axis=1)).tolist()

    def _stack_of(self, entries: list[_Entry]) -> _Stack:
        """Restacked only when the bodies near water change."""
        last = self._stack
        if last is None or len(last.entries) != len(entries) or any(
                a is not b for a, b in zip(last.entries, entries, strict=True)):
            self._stack = _Stack.of(entries, [self._samples_of(e) for e in entries])
        return self._stack

    def _wet(self, batch: _Batch) -> list[tuple[np.ndarray, np.ndarray]]:
        """Per region: each body's wet volume [B] and its centroid [B, 3] (world frame)."""
        parts = []
        for lo, hi in zip(self._lo, self._hi, strict=True):
            volumes = _wet_shares(batch.points, batch.extents, lo, hi) * batch.stack.weights
            wet = volumes.sum(axis=1)
            moments = (volumes[:, None] @ batch.points)[:, 0]
            # a dry body's centroid is arbitrary (its lift is zero): keep it finite
            parts.append((wet, moments / np.maximum(wet, 1e-300)[:, None]))
        return parts

    def _forces(self, batch: _Batch, velocities: np.ndarray, dt: float
                ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Force at the COM [B, 3] and torque [B, 3], world frame, and which bodies are wet."""
        lives = [e.live for e in batch.stack.entries]
        mass = np.array([live.mass for live in lives])
        inertia = np.array([live.inertia for live in lives])
        linear, angular = velocities[:, 0], velocities[:, 1]
        speed = np.sqrt((linear ** 2).sum(axis=1))
        # angular momentum; Bullet's body frame is the principal frame, so I is diagonal there
        spin = np.einsum("bij,bj->bi", batch.rotations,
                         inertia * np.einsum("bji,bj->bi", batch.rotations, angular))
        force, torque = np.zeros_like(linear), np.zeros_like(linear)
        wet_any = np.zeros(len(lives), bool)
        for water, (wet, centroid) in zip(self.waters, self._wet(batch), strict=True):
            fraction = wet / batch.stack.volumes
            lift = -water.density * wet[:, None] * self.gravity
            rate = (water.linear_drag * fraction + 0.5 * water.density * water.quadratic_drag
                    * wet ** (2 / 3) * speed / mass)
            force += lift - (mass * _decay(rate, dt))[:, None] * linear
            # pushed at the wet centroid: off the COM when tilted, which rights the body
            torque += _cross(centroid - batch.coms, lift)
            torque -= _decay(water.linear_drag * fraction, dt)[:, None] * spin
            wet_any |= wet > 0
        return force, torque, wet_any

    def _entry(self, live: LiveBody) -> _Entry:
        """Keyed by part key but checked by identity: a released or broken body is a new LiveBody,
        and Bullet may hand a freed uid out again."""
        entry = self._entries.get(live.key)
        if entry is None or entry.live is not live:
            entry = _Entry(live, reach(live.geometry.visual, live.offset))
            self._entries[live.key] = entry
        return entry

    @staticmethod
    def _samples_of(entry: _Entry) -> Samples:
        if entry.samples is None:
            entry.samples = sample_solid(entry.live.geometry.visual, entry.live.offset)
        return entry.samples


def _pose(stack: _Stack, poses: list) -> _Batch:
    """The stacked bodies at their COM poses [(position, xyzw quaternion)]."""
    coms = np.array([pose[0] for pose in poses], float)
    rotations = np.array([p.getMatrixFromQuaternion(pose[1]) for pose in poses]
                         ).reshape(-1, 3, 3)
    points = stack.points @ rotations.transpose(0, 2, 1) + coms[:, None]
    extents = np.abs(rotations @ stack.cells).sum(axis=2)[:, None]
    return _Batch(stack, coms, rotations, points, extents)


def _wet_shares(points: np.ndarray, extents: np.ndarray, lo: np.ndarray, hi: np.ndarray
                ) -> np.ndarray:
    """Each point's share of its cell inside the box [lo, hi], [..., N] in 0..1."""
    # a point's weight ramps in linearly while its cell crosses a face, so the wet volume is
    # continuous (exact for an upright box, where the water is deeper than a cell) and a
    # floating body settles instead of chattering between grid layers
    depth = np.minimum(points - lo, hi - points)  # inside the nearest face, per axis
    depth /= extents
    depth += 0.5
    np.minimum(np.maximum(depth, 0.0, out=depth), 1.0, out=depth)  # np.clip costs 10x more
    return depth[..., 0] * depth[..., 1] * depth[..., 2]


def _cross(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Row-wise a x b for [B, 3] arrays (np.cross costs several times more at this size)."""
    return np.stack([a[:, 1] * b[:, 2] - a[:, 2] * b[:, 1], a[:, 2] * b[:, 0] - a[:, 0] * b[:, 2],
                     a[:, 0] * b[:, 1] - a[:, 1] * b[:, 0]], axis=1)


def _decay(rate: np.ndarray, dt: float) -> np.ndarray:
    """The per-second rate at which drag removes velocity, integrated exactly over a step:
    an explicit `rate` would overshoot and reverse a light, fast body (rate * dt > 1)."""
    return -np.expm1(-rate * dt) / dt
