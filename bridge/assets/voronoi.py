"""Seeded Voronoi splitting of a solid with exact booleans (manifold3d).

Seeds lie inside the material, so every cell holds some; a cell is the solid trimmed by
the bisector planes to the other seeds, and so the cells tile the solid without overlap.
A cell that clips a corner of a non-convex solid (where a cup's handle meets its wall)
leaves a chip there; chips join the neighbour they share the most cut face with.
"""
from __future__ import annotations

import manifold3d as mf
import numpy as np
import trimesh
from scipy.spatial import ConvexHull

HULL_SLACK = 3.0  # a piece whose hull is over 3x its volume gets more than one convex part
HULL_SPLITS = 3  # at most 2**3 convex parts per piece
SLIVER = 1e-6  # pieces below this fraction of the volume are dropped: no mass, unstable bodies
# Pieces below this share of an average cell are chips: each joins the neighbour it shares the
# most cut face with. On its own a chip is a degenerate body: the 14 mg, 1.5 mm thick sliver
# of a 16-piece porcelain cup was lighter than one drop of the coffee it held (85 mg),
# thinner than Bullet's contact margins, and the first drop that hit it flung it at km/s.
# Whole cells are rarely under a tenth of an average one; chips mostly under 5 %.
CHIP = 0.05
_CORNERS = np.array([[x, y, z] for x in (0, 1) for y in (0, 1) for z in (0, 1)], bool)


def to_manifold(mesh: trimesh.Trimesh) -> mf.Manifold:
    """The watertight mesh as a Manifold whose output faces know their source face index."""
    solid = mf.Manifold(mf.Mesh64(vert_properties=np.asarray(mesh.vertices, np.float64),
                                  tri_verts=np.asarray(mesh.faces, np.uint32),
                                  face_id=np.arange(len(mesh.faces), dtype=np.uint32)))
    if solid.status() != mf.Error.NoError:
        raise ValueError(f"mesh is not a closed manifold ({solid.status().name})")
    return solid


def source_id(solid: mf.Manifold) -> int:
    """The id that output runs carry for faces of this input (cut faces carry others)."""
    return int(np.asarray(solid.to_mesh64().run_original_id)[0])


def sample_seeds(solid: mf.Manifold, mesh: trimesh.Trimesh, count: int,
                 rng: np.random.Generator) -> np.ndarray:
    """[count, 3] points inside the material, about uniform in a solid's volume.

    Each seed starts on the surface and goes inward along the normal. Where the material
    is thinner than the seed spacing (a glass wall, a pane, an eggshell) it stops halfway
    through, so neighbouring cells split the wall across and never into layers.
    """
    faces = rng.choice(len(mesh.faces), size=count, p=mesh.area_faces / mesh.area)
    u, v = rng.random((2, count))
    flip = u + v > 1  # fold the unit square onto the triangle for uniform barycentrics
    u, v = np.where(flip, 1 - u, u), np.where(flip, 1 - v, v)
    a, b, c = np.moveaxis(mesh.triangles[faces], 1, 0)
    points = a + u[:, None] * (b - a) + v[:, None] * (c - a)
    inward = -mesh.face_normals[faces]
    spacing = (mesh.volume / count) ** (1 / 3)
    thickness = _depths(solid, points, inward, float(np.ptp(mesh.bounds, axis=0).max()))
    depth = thickness / 2 + (rng.random(count) - 0.5) * np.maximum(thickness - spacing, 0)
    return points + depth[:, None] * inward


def _depths(solid: mf.Manifold, points: np.ndarray, directions: np.ndarray,
            reach: float) -> np.ndarray:
    """Distance from each surface point, along its direction, to where the material ends."""
    start = 1e-9 * reach  # step off the surface so the ray does not hit its own face
    out = np.empty(len(points))
    for i, (point, direction) in enumerate(zip(points, directions, strict=True)):
        origin = point + start * direction
        hits = solid.ray_cast(origin, origin + 2 * reach * direction)
        out[i] = start + hits[0].distance * 2 * reach if hits else 0.0
    return out


def cells(solid: mf.Manifold, seeds: np.ndarray) -> list[list[mf.Manifold]]:
    """The solid within each seed's Voronoi cell, split into connected pieces; none empty.

    Each entry is one fragment as the pieces it is made of: a piece, then the chips (see
    CHIP) that joined it, which touch it, so that their union is one connected solid."""
    smallest = SLIVER * solid.volume()
    pieces = []
    for i, seed in enumerate(seeds):
        cell = _cell(solid, seed, np.delete(seeds, i, axis=0))
        pieces += [p for p in cell.decompose() if p.volume() > smallest]
    return _merge_chips(pieces, CHIP * solid.volume() / len(seeds))


def _merge_chips(pieces: list[mf.Manifold], chip: float) -> list[list[mf.Manifold]]:
    """Groups of pieces: each piece under `chip` in volume, smallest first, joins the group
    it shares the most surface with, until none is under it; one that touches none (a
    separate part of the solid) stays alone. The other groups keep their order."""
    groups = [[p] for p in pieces]
    volumes = [p.volume() for p in pieces]
    alone: set[int] = set()  # ids of lone pieces: a chip that touches nothing
    while True:
        chips = [k for k, v in enumerate(volumes) if v < chip and id(groups[k][0]) not in alone]
        if not chips or len(groups) < 2:
            return groups
        k = min(chips, key=volumes.__getitem__)
        shared = [_shared_area(groups[k], other) if j != k else 0.0
                  for j, other in enumerate(groups)]
        j = int(np.argmax(shared))
        if shared[j] <= 1e-6 * sum(p.surface_area() for p in groups[k]):
            alone.add(id(groups[k][0]))
            continue
        groups[j].extend(groups[k])
        volumes[j] += volumes[k]
        del groups[k], volumes[k]


def _shared_area(one: list[mf.Manifold], other: list[mf.Manifold]) -> float:
    """The area of the faces two groups of pieces share: what their union loses of their
    surfaces, halved. Pieces whose boxes do not meet share none (and cost no boolean)."""
    total = 0.0
    for a in one:
        for b in other:
            box_a, box_b = (np.reshape(m.bounding_box(), (2, 3)) for m in (a, b))
            gap = 1e-9 * float(np.ptp(np.concatenate([box_a, box_b]), axis=0).max())
            if np.any(box_a[0] > box_b[1] + gap) or np.any(box_b[0] > box_a[1] + gap):
                continue
            total += max(0.0, (a.surface_area() + b.surface_area() - (a + b).surface_area()) / 2)
    return total


def _cell(solid: mf.Manifold, seed: np.ndarray, others: np.ndarray) -> mf.Manifold:
    """The solid trimmed to the points nearer `seed` than any of `others`."""
    order = np.argsort(np.linalg.norm(others - seed, axis=1), kind="stable")
    cell = solid
    for other in others[order]:  # nearest first: the cell shrinks fast, later cuts get skipped
        normal = seed - other
        normal /= np.linalg.norm(normal)
        offset = float(normal @ ((seed + other) / 2))
        corners = _corners(cell.bounding_box())
        if (corners @ normal).min() >= offset:
            continue  # the plane misses the cell: trimming would change nothing
        cell = cell.trim_by_plane(normal, offset)
        if cell.is_empty():
            break
    return cell


def _corners(box: tuple[float, ...]) -> np.ndarray:
    return np.where(_CORNERS, np.array(box[3:]), np.array(box[:3]))


def convex_parts(piece: mf.Manifold, splits: int = HULL_SPLITS) -> list[np.ndarray]:
    """Vertex arrays whose hulls cover the piece: one hull, or more where one fits badly.

    A curved shard's hull spans the hollow of its curve; halving the shard across its
    longest axis until each hull is within HULL_SLACK of its half keeps contacts honest.
    """
    points = _vertices(piece)
    if splits == 0 or piece.hull().volume() <= HULL_SLACK * piece.volume():
        return [points[ConvexHull(points).vertices]]
    centre = points.mean(axis=0)
    axis = np.linalg.svd(points - centre, full_matrices=False)[2][0]
    halves = piece.split_by_plane(axis, float(axis @ centre))
    return [part for half in halves if half.volume() > 0
            for part in convex_parts(half, splits - 1)]


def _vertices(solid: mf.Manifold) -> np.ndarray:
    return np.asarray(solid.to_mesh64().vert_properties, float)[:, :3]
