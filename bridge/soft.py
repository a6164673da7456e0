"""A soft body's tetrahedral mesh: its nodes at rest, its tetrahedra and its surface, built
the same way every time from the script (trajectory.npz's soft/<name> keeps the node order).

The shape is a signed distance in the body's own frame (negative inside). The mesh is the
cubes of a lattice whose centres lie inside it, each cut into six tetrahedra, with the nodes
on its surface moved onto the shape's; a box's lattice fits it exactly instead.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

from bridge.soft_schema import Soft
from bridge.transforms import quat_from_euler_deg, quat_to_matrix

# the duck, in a unit box facing +x: (centre, radii) of the ellipsoids it is the union of
DUCK_PARTS = (((-0.08, 0.0, -0.22), (0.42, 0.5, 0.38)),  # body, cut flat at the bottom
              ((0.2, 0.0, 0.22), (0.2, 0.27, 0.28)),  # head
              ((0.42, 0.0, 0.17), (0.08, 0.12, 0.04)),  # beak
              ((-0.44, 0.0, -0.05), (0.06, 0.18, 0.14)))  # tail
# the six tetrahedra of a unit cube, all about its diagonal from (0, 0, 0) to (1, 1, 1)
_KUHN = np.array([[(0, 0, 0), (1, 0, 0), (1, 1, 0), (1, 1, 1)],
                  [(0, 0, 0), (1, 0, 0), (1, 0, 1), (1, 1, 1)],
                  [(0, 0, 0), (0, 1, 0), (1, 1, 0), (1, 1, 1)],
                  [(0, 0, 0), (0, 1, 0), (0, 1, 1), (1, 1, 1)],
                  [(0, 0, 0), (0, 0, 1), (1, 0, 1), (1, 1, 1)],
                  [(0, 0, 0), (0, 0, 1), (0, 1, 1), (1, 1, 1)]])
# the least share of `size` its mesh must span along each of its axes (the duck's beak and
# tail are finer than its mesh; its skin has them)
FILLED = {"ball": 0.9, "box": 0.99, "cylinder": 0.9, "duck": 0.75, "mesh": 0.75}
# the flattest a tetrahedron may be (its volume over its longest edge cubed): snapping stops
# short of it, and a mesh with flatter ones than half of it is refused
SLIVER = 0.01


@dataclass(frozen=True)
class SoftMesh:
    nodes: np.ndarray  # [N, 3] at rest, world frame
    tets: np.ndarray  # [T, 4] node indices, positively oriented
    faces: np.ndarray  # [S, 3] the surface's triangles, counter-clockwise seen from outside


def soft_mesh(soft: Soft, scene_dir: Path | None = None) -> SoftMesh:
    """The body's mesh at rest, placed in the world. A `mesh` shape's file resolves in
    `scene_dir`, the script's folder."""
    if soft.shape == "mesh":
        local, tets, faces = _file_mesh(soft, scene_dir)
    else:
        local, tets, faces = _local_mesh(soft.shape, soft.size, soft.resolution)
    rotation = quat_to_matrix(quat_from_euler_deg(soft.rotation))
    return SoftMesh(local @ rotation.T + np.asarray(soft.at, float), tets, faces)


def _file_mesh(soft: Soft, scene_dir: Path | None) -> tuple[np.ndarray, ...]:
    from bridge.soft_surface import surface_key  # trimesh: only for mesh files

    return _meshed_file(surface_key(soft, scene_dir), soft.resolution)


@lru_cache(maxsize=16)
def _meshed_file(key, resolution: int) -> tuple[np.ndarray, ...]:
    from bridge.soft_surface import distance_to, fitted

    return _meshed(distance_to(fitted(key)), key.size, resolution, False)


@lru_cache(maxsize=32)
def _local_mesh(shape: str, size: tuple[float, float, float], resolution: int
                ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    return _meshed(_shapes(np.asarray(size, float) / 2).get(shape), size, resolution,
                   shape == "box")


def _meshed(distance, size: tuple[float, float, float], resolution: int, box: bool
            ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Nodes, tetrahedra and surface of the shape `distance` filling the box `size`, its
    nodes `resolution` along its longest side."""
    half = np.asarray(size, float) / 2
    spacing = 2 * half.max() / (resolution - 1)
    if box:  # a box's faces are flat and its edges sharp: its cells fit it exactly
        counts = np.maximum(1, np.rint(2 * half / spacing)).astype(int)
        points, tets = _cells([np.linspace(-h, h, n + 1) for h, n in zip(half, counts)],
                              np.ones(counts, bool))
        return points, tets, _boundary(points, tets)
    points, tets = _lattice(distance, half, spacing)
    faces = _boundary(points, tets)
    if len(tets) == 0:  # no cell inside: `mesh_problem` says why
        return points, tets, faces
    return _snapped(distance, points, tets, np.unique(faces), spacing), tets, faces


def _lattice(distance, half: np.ndarray, spacing: float) -> tuple[np.ndarray, np.ndarray]:
    """The cubes of a lattice whose centres lie inside the shape."""
    counts = np.ceil(2 * half / spacing).astype(int) + 1
    axes = [(np.arange(n + 1) - n / 2) * spacing for n in counts]
    centres = np.stack(np.meshgrid(*[a[:-1] + spacing / 2 for a in axes], indexing="ij"),
                       axis=-1)
    return _cells(axes, (distance(centres.reshape(-1, 3)) < 0).reshape(counts))


def _cells(axes: list[np.ndarray], kept: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The kept cells of the grid on `axes`, each cut into six tetrahedra about its diagonal
    (neighbours' cuts meet face to face); the nodes they use, and the tetrahedra."""
    counts = np.array(kept.shape)
    cells = np.argwhere(kept)
    tets = (cells[:, None, None, :] + _KUHN[None]).reshape(-1, 3)
    flat = np.ravel_multi_index(tets.T, counts + 1).reshape(-1, 4)
    used, tets = np.unique(flat, return_inverse=True)
    index = np.stack(np.unravel_index(used, counts + 1), axis=1)
    points = np.stack([axes[k][index[:, k]] for k in range(3)], axis=1)
    return points, _oriented(points, tets.reshape(-1, 4))


def _snapped(distance, points: np.ndarray, tets: np.ndarray, surface: np.ndarray,
             spacing: float) -> np.ndarray:
    """The surface nodes moved onto the shape's surface; where that would leave a
    tetrahedron flatter than SLIVER, its nodes move half as far, and so on."""
    moved = points[surface]
    for _ in range(8):
        moved = moved - distance(moved)[:, None] * _gradient(distance, moved, spacing / 100)
    placed = points.copy()
    placed[surface] = moved
    for _ in range(10):
        bad = np.unique(tets[_flatness(placed, tets) <= SLIVER])
        if len(bad) == 0:
            break
        placed[bad] = (placed[bad] + points[bad]) / 2
    else:
        return points
    return placed


def _shapes(half: np.ndarray) -> dict:
    """Signed distances (close enough for meshing) of each shape filling the box `half`."""
    def ball(p):
        return _ellipsoid(p, np.zeros(3), half)

    def box(p):
        q = np.abs(p) - half
        return np.linalg.norm(np.maximum(q, 0), axis=1) + np.minimum(q.max(axis=1), 0)

    def cylinder(p):
        radial = np.linalg.norm(p[:, :2] / half[:2], axis=1) * half[:2].min() - half[:2].min()
        along = np.abs(p[:, 2]) - half[2]
        q = np.stack([radial, along], axis=1)
        return np.linalg.norm(np.maximum(q, 0), axis=1) + np.minimum(q.max(axis=1), 0)

    def duck(p):
        parts = np.min([_ellipsoid(p, np.multiply(c, 2 * half), np.multiply(r, 2 * half))
                        for c, r in DUCK_PARTS], axis=0)
        return np.maximum(parts, -half[2] - p[:, 2])  # it sits on a flat base

    return {"ball": ball, "box": box, "cylinder": cylinder, "duck": duck}


def _ellipsoid(p: np.ndarray, centre: np.ndarray, radii: np.ndarray) -> np.ndarray:
    scaled = np.linalg.norm((p - centre) / radii, axis=1)
    return (scaled - 1) * radii.min()


def _gradient(distance, p: np.ndarray, eps: float) -> np.ndarray:
    grad = np.stack([(distance(p + e) - distance(p - e)) / (2 * eps)
                     for e in np.eye(3) * eps], axis=1)
    return grad / np.maximum(np.linalg.norm(grad, axis=1, keepdims=True), 1e-12)


def _flatness(nodes: np.ndarray, tets: np.ndarray) -> np.ndarray:
    """[T] each tetrahedron's volume over its longest edge cubed (a regular one's: 0.118)."""
    corners = nodes[tets]
    edges = [np.linalg.norm(corners[:, i] - corners[:, j], axis=1)
             for i in range(4) for j in range(i + 1, 4)]
    return np.abs(signed_volumes(nodes, tets)) / np.max(edges, axis=0) ** 3


def mesh_problem(soft: Soft, scene_dir: Path | None = None) -> str | None:
    """Why the body cannot be meshed at its resolution (too thin, or too coarse to fill its
    size), with the fix; None when it can."""
    mesh = soft_mesh(soft, scene_dir)
    if len(mesh.tets) and _flatness(mesh.nodes, mesh.tets).min() > SLIVER / 2:
        filled = np.ptp(mesh.nodes @ quat_to_matrix(quat_from_euler_deg(soft.rotation)), axis=0)
        if np.all(filled >= FILLED[soft.shape] * np.asarray(soft.size)):
            return None
    what = "its mesh file's shape" if soft.shape == "mesh" else f"a {soft.shape}"
    return (f"at resolution {soft.resolution} its mesh (nodes {soft.spacing * 1000:.0f} mm "
            f"apart) cannot fill {what} of size {list(soft.size)}: raise `resolution`, or "
            "make its thinnest side thicker")


def signed_volumes(nodes: np.ndarray, tets: np.ndarray) -> np.ndarray:
    """[T] each tetrahedron's volume, positive where it is not inverted."""
    a, b, c, d = (nodes[..., tets[:, k], :] for k in range(4))
    return np.einsum("...ij,...ij->...i", np.cross(b - a, c - a), d - a) / 6


def _oriented(points: np.ndarray, tets: np.ndarray) -> np.ndarray:
    flip = signed_volumes(points, tets) < 0
    tets = tets.copy()
    tets[flip] = tets[flip][:, [0, 2, 1, 3]]
    return tets


def _boundary(points: np.ndarray, tets: np.ndarray) -> np.ndarray:
    """The triangles that belong to one tetrahedron only, wound to face out."""
    # each face listed opposite its tetrahedron's remaining corner, wound outward for a
    # positively oriented tetrahedron
    faces = np.concatenate([tets[:, [1, 2, 3]], tets[:, [0, 3, 2]], tets[:, [0, 1, 3]],
                            tets[:, [0, 2, 1]]])
    key = np.sort(faces, axis=1)
    _, first, counts = np.unique(key, axis=0, return_index=True, return_counts=True)
    return faces[np.sort(first[counts == 1])]


def volume(nodes: np.ndarray, mesh: SoftMesh) -> np.ndarray:
    """The body's volume, m^3, for nodes [N, 3] or a recording of them [F, N, 3]."""
    return signed_volumes(nodes, mesh.tets).sum(axis=-1)


def shape_error(nodes: np.ndarray, rest: np.ndarray) -> float:
    """How far the nodes are from their rest shape, wherever it has moved or turned to: the
    largest node distance after the best rigid fit (Kabsch), over the body's largest extent."""
    a, b = rest - rest.mean(axis=0), nodes - nodes.mean(axis=0)
    u, _, vt = np.linalg.svd(b.T @ a)
    turn = u @ np.diag([1.0, 1.0, np.sign(np.linalg.det(u @ vt))]) @ vt
    extent = float(np.ptp(rest, axis=0).max())
    return float(np.linalg.norm(b - a @ turn.T, axis=1).max() / extent)
