"""Liquids as particles: where a liquid's particles start, in its container's cavity at t = 0.

The cavity is found from the container's collision parts, the walls the particles really
touch, so it works for any hollow asset: a grid point belongs to the cavity when it keeps a
particle radius (plus a margin) clear of every part and is enclosed, i.e. a downward ray and
horizontal rays in every direction all hit a part. Gravity is -z in the world, so the grid is
laid out in the world frame and the liquid is level even in a tilted container.

Each convex part is handled as its half-spaces (n . x + c <= 0 inside). The largest
n . x + c over a part's planes is a lower bound of the distance to it, so the clearance test
can only reject a point that would fit, never accept one that touches a wall.
"""
from __future__ import annotations

import numpy as np
from scipy.spatial import ConvexHull

from bridge import limits
from bridge.assets.geometry import Geometry
from bridge.assets.shapes import surface_points
from bridge.schema import Liquid
from bridge.transforms import box_corners, quat_to_matrix

GAP = 0.05  # grid spacing is 2r (1 + GAP); the jitter is +-GAP r, so particles never overlap
# Extra wall clearance, m: room for the part hulls' rounding, so no particle starts in a wall.
WALL_CLEARANCE = 0.0012
RAYS = 8  # horizontal directions that must all hit a wall for a point to be enclosed
CHUNK = 4096  # grid points tested at once, to bound the [points, planes] arrays


def particle_count(liquid: Liquid) -> int:
    """One particle per cube of side 2r (simple cubic packing), at least 1, at most
    limits.MAX_LIQUID_PARTICLES; never raises.

    The fluid's rest density is that of particles packed 2r apart, so they take up the
    liquid's volume (a column in a tumbler stands at its true level within 2 %). A capped
    liquid keeps its mass (each particle weighs more) and stands lower than its volume says.
    """
    cell = (2 * liquid.particle_radius) ** 3
    return int(min(limits.MAX_LIQUID_PARTICLES, max(1, round(liquid.volume_ml * 1e-6 / cell))))


def inside_hull(points: np.ndarray, container_geometry: Geometry,
                container_pose: tuple[np.ndarray, np.ndarray], margin: float = 0.0) -> np.ndarray:
    """[N] bool: each world point lies inside the convex hull of the container's mesh,
    or within `margin` of it (a particle whose centre is a radius out still touches it)."""
    local = to_body(np.asarray(points, float).reshape(-1, 3), container_pose)
    return _hull_inside(container_geometry, local, margin)


def piece_sizes(points: np.ndarray, link: float) -> np.ndarray:
    """The particle counts of the separate pieces the present (finite) points make, largest
    first, neighbours closer than `link` joined."""
    from scipy.sparse import coo_matrix
    from scipy.sparse.csgraph import connected_components
    from scipy.spatial import cKDTree

    x = points[np.isfinite(points).all(axis=1)]
    if not len(x):
        return np.zeros(0, np.int64)
    pairs = cKDTree(x).query_pairs(link, output_type="ndarray")
    graph = coo_matrix((np.ones(len(pairs)), (pairs[:, 0], pairs[:, 1])), (len(x), len(x)))
    labels = connected_components(graph, directed=False)[1]
    return np.sort(np.bincount(labels))[::-1]


def start_positions(liquid: Liquid, container_geometry: Geometry,
                    container_pose: tuple[np.ndarray, np.ndarray], seed: int) -> np.ndarray:
    """[N, 3] particles filling the container's cavity from the bottom at t = 0; fewer than
    `particle_count(liquid)` when it does not fit (filled to the rim; nothing is raised)."""
    return fill_positions(container_geometry, container_pose, liquid.particle_radius,
                          particle_count(liquid), np.random.default_rng(seed))


def fill_positions(geometry: Geometry, pose: tuple[np.ndarray, np.ndarray], radius: float,
                   count: int, rng: np.random.Generator) -> np.ndarray:
    """Up to `count` world positions in the cavity, lowest grid layers first.

    The last, partial layer takes a random subset of its cells so that the surface is not
    piled up against one wall.
    """
    cavity = Cavity(geometry, pose, radius)
    step = 2 * radius * (1 + GAP)
    columns, bottom, top = _columns(geometry, pose, step)
    chosen: list[np.ndarray] = []
    total = 0
    for z in np.arange(_lowest_layer(cavity, columns, bottom, top, step), top, step):
        layer = _layer(columns, z) + rng.uniform(-GAP * radius, GAP * radius, (len(columns), 3))
        cells = layer[cavity.contains(layer)]
        if total + len(cells) > count:
            cells = cells[np.sort(rng.permutation(len(cells))[: count - total])]
        chosen.append(cells)
        total += len(cells)
        if total == count:
            break
    return np.concatenate(chosen) if chosen else np.zeros((0, 3))


def _columns(geometry: Geometry, pose: tuple[np.ndarray, np.ndarray],
             step: float) -> tuple[np.ndarray, float, float]:
    """[K, 2] world x, y of grid columns over the container, and its world z range.

    Columns are centred on the container's origin so that a round cavity fills symmetrically.
    """
    world = box_corners(geometry.visual.bounds) @ quat_to_matrix(pose[1]).T + pose[0]
    lo, hi = world.min(axis=0), world.max(axis=0)
    axes = [_centred(lo[i], hi[i], pose[0][i], step) for i in range(2)]
    xs, ys = np.meshgrid(*axes, indexing="ij")
    return np.stack([xs.ravel(), ys.ravel()], axis=1), float(lo[2]), float(hi[2])


def _centred(lo: float, hi: float, centre: float, step: float) -> np.ndarray:
    """Points step apart through `centre`, covering [lo, hi]."""
    below = np.floor((centre - lo) / step)
    above = np.floor((hi - centre) / step)
    return centre + step * np.arange(-below, above + 1)


def _layer(columns: np.ndarray, z: float) -> np.ndarray:
    return np.column_stack([columns, np.full(len(columns), z)])


def _lowest_layer(cavity: Cavity, columns: np.ndarray, bottom: float, top: float,
                  step: float) -> float:
    """The height of the bottom layer: the lowest, to 1/8 of a step, where a cell fits.

    A coarse scan finds the first layer with room, then a fine one the step below it, so the
    liquid starts on the floor rather than up to a layer above it. Cells are tested with room
    for the jitter, which is not drawn yet.
    """
    def fits(z: float) -> bool:
        return bool(cavity.contains(_layer(columns, z), cavity.jitter).any())

    first = next((z for z in np.arange(bottom, top, step) if fits(z)), top)
    return next((z for z in first - step * np.arange(7, 0, -1) / 8 if fits(z)), first)


def to_body(points: np.ndarray, pose: tuple[np.ndarray, np.ndarray]) -> np.ndarray:
    """World points in the frame of `pose` (position, xyzw quaternion)."""
    return (points - np.asarray(pose[0], float)) @ quat_to_matrix(pose[1])


def _hull_inside(geometry: Geometry, local: np.ndarray, margin: float = 0.0) -> np.ndarray:
    """[M] body-frame points inside the convex hull of the visual mesh (or within `margin`)."""
    hull = geometry.visual.convex_hull  # cached by trimesh
    normals = hull.face_normals
    offsets = -np.einsum("ij,ij->i", normals, hull.triangles[:, 0])
    return (local @ normals.T + offsets).max(axis=1) <= margin


class Cavity:
    """The room for particle centres inside a posed container."""

    def __init__(self, geometry: Geometry, pose: tuple[np.ndarray, np.ndarray], radius: float):
        self.geometry = geometry
        self.pose = pose
        rotation = quat_to_matrix(pose[1])
        self.up = rotation.T @ [0.0, 0.0, 1.0]  # world directions in the body frame
        angles = np.arange(RAYS) * 2 * np.pi / RAYS
        self.sideways = np.column_stack([np.cos(angles), np.sin(angles),
                                         np.zeros(RAYS)]) @ rotation
        self.planes = Planes.of(geometry, self.up)
        self.clearance = radius + WALL_CLEARANCE
        self.jitter = GAP * radius * np.sqrt(3)  # the farthest a jittered cell moves

    def contains(self, points: np.ndarray, extra: float = 0.0) -> np.ndarray:
        """[M] world points that are clear of the walls by `extra` more, and enclosed."""
        local = to_body(points, self.pose)
        keep = _hull_inside(self.geometry, local)
        for start in range(0, len(points), CHUNK):
            index = np.flatnonzero(keep[start:start + CHUNK]) + start
            keep[index] = self._enclosed(local[index], extra)
        return keep

    def _enclosed(self, local: np.ndarray, extra: float) -> np.ndarray:
        """Only parts at the points' heights can be near them or hit by a horizontal ray,
        and only parts below them by the downward ray: a layer tests a band of the walls."""
        heights = local @ self.up
        lo, hi = (heights.min(), heights.max()) if len(local) else (0.0, 0.0)
        room = self.clearance + extra
        ok = self.planes.within(lo - room, hi + room).clearance(local) >= room
        index = np.flatnonzero(ok)
        index = index[self.planes.within(-np.inf, hi).ray_hits(local[index], -self.up)]
        # Horizontal rays start a clearance higher, so a whole particle stays below the rim.
        raised = local[index] + self.clearance * self.up
        level = self.planes.within(lo + self.clearance, hi + self.clearance)
        for direction in self.sideways:
            hits = level.ray_hits(raised, direction)
            index, raised = index[hits], raised[hits]
        return np.isin(np.arange(len(local)), index)


def part_hulls(geometry: Geometry) -> list[tuple[np.ndarray, np.ndarray]]:
    """Each collision part as its hull's planes [P, 4] (unit outward normal, then c) and the
    points it is the hull of, both in the body frame."""
    hulls = []
    for part in geometry.parts:
        points = surface_points(part) @ quat_to_matrix(part.quaternion).T + part.position
        hulls.append((ConvexHull(points).equations, points))
    return hulls


class Planes:
    """Convex parts as half-spaces n . x + c <= 0, planes grouped by part, with each part's
    height range along the world's up."""

    def __init__(self, normals: np.ndarray, offsets: np.ndarray, sizes: np.ndarray,
                 low: np.ndarray, high: np.ndarray):
        self.normals, self.offsets, self.sizes = normals, offsets, sizes
        self.starts = np.concatenate([[0], np.cumsum(sizes)[:-1]]).astype(int)
        self.low, self.high = low, high

    @classmethod
    def of(cls, geometry: Geometry, up: np.ndarray) -> Planes:
        """The collision parts of `geometry`; `up` is the world's up in the body frame."""
        equations, low, high = [], [], []
        for plane_rows, points in part_hulls(geometry):
            equations.append(plane_rows)
            heights = points @ up
            low.append(heights.min())
            high.append(heights.max())
        stacked = np.concatenate(equations)
        return cls(stacked[:, :3], stacked[:, 3], np.array([len(e) for e in equations]),
                   np.array(low), np.array(high))

    def within(self, lo: float, hi: float) -> Planes:
        """The parts whose height range meets [lo, hi]."""
        keep = (self.high >= lo) & (self.low <= hi)
        planes = np.repeat(keep, self.sizes)
        return Planes(self.normals[planes], self.offsets[planes], self.sizes[keep],
                      self.low[keep], self.high[keep])

    def clearance(self, points: np.ndarray) -> np.ndarray:
        """[M] lower bound of each point's distance to the nearest part (< 0: inside one)."""
        if not len(self.sizes):
            return np.full(len(points), np.inf)
        signed = points @ self.normals.T + self.offsets
        return np.maximum.reduceat(signed, self.starts, axis=1).min(axis=1)

    def ray_hits(self, points: np.ndarray, direction: np.ndarray) -> np.ndarray:
        """[M] whether the ray from each point along `direction` hits a part.

        Along x + t d a plane bounds t from above where n . d > 0 and from below where
        n . d < 0; a plane parallel to the ray passes it only when the start is behind it.
        """
        if not len(self.sizes) or not len(points):
            return np.zeros(len(points), dtype=bool)
        signed = points @ self.normals.T + self.offsets
        along = self.normals @ direction
        with np.errstate(divide="ignore", invalid="ignore"):
            t = -signed / along
        upper = np.where(along > 0, t, np.inf)
        lower = np.where(along < 0, t, -np.inf)
        lower = np.where((along == 0) & (signed > 0), np.inf, lower)
        enter = np.maximum(np.maximum.reduceat(lower, self.starts, axis=1), 0.0)
        leave = np.minimum.reduceat(upper, self.starts, axis=1)
        return (enter <= leave).any(axis=1)
