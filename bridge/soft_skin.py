"""A soft body's skin: a smooth surface finer than its tetrahedral mesh, carried by it. Each
skin vertex sits in one tetrahedron (outside the mesh, the one it is least outside of
among the nearest) at fixed barycentric weights, so the skin bends as the nodes move; the
renderer draws it, and outside tools can rebuild it from trajectory.npz's soft/<name> with
`skinned`."""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np
import trimesh
from scipy.spatial import cKDTree

from bridge.soft import DUCK_PARTS, soft_mesh
from bridge.soft_schema import Soft
from bridge.soft_surface import fitted, surface_key
from bridge.transforms import quat_from_euler_deg, quat_to_matrix

CANDIDATES = 12  # nearest tetrahedra tried for each skin vertex
SUBDIVISIONS = 3  # of the icospheres balls and the duck's parts are made of
BODY, BEAK, EYE = 0, 1, 2  # what part of the body a skin vertex shows (its colour)
# the duck's eyes, in its unit box as DUCK_PARTS: (centre, radius); mirrored across y
_EYE = ((0.33, 0.135, 0.36), 0.05)


@dataclass(frozen=True)
class Skin:
    faces: np.ndarray  # [K, 3]
    tets: np.ndarray  # [S] the tetrahedron each skin vertex rides in
    weights: np.ndarray  # [S, 4] its barycentric weights there
    parts: np.ndarray  # [S] BODY, BEAK or EYE: what each vertex shows


def skin(soft: Soft, scene_dir: Path | None = None) -> Skin:
    """The body's skin, embedded in its mesh at rest (a mesh file is its own skin)."""
    if soft.shape == "mesh":
        local = fitted(surface_key(soft, scene_dir))
        parts = np.full(len(local.vertices), BODY)
    else:
        local, parts = _local_skin(soft.shape, soft.size)
    rotation = quat_to_matrix(quat_from_euler_deg(soft.rotation))
    vertices = local.vertices @ rotation.T + np.asarray(soft.at, float)
    mesh = soft_mesh(soft, scene_dir)
    tets, weights = _embed(vertices, mesh.nodes, mesh.tets)
    return Skin(np.asarray(local.faces), tets, weights, parts)


def skinned(skin: Skin, tets: np.ndarray, nodes: np.ndarray) -> np.ndarray:
    """[..., S, 3] the skin's vertices for nodes [..., N, 3]."""
    corners = nodes[..., tets[skin.tets], :]  # [..., S, 4, 3]
    return np.einsum("...skc,sk->...sc", corners, skin.weights)


@lru_cache(maxsize=32)
def _local_skin(shape: str, size: tuple[float, float, float]
                ) -> tuple[trimesh.Trimesh, np.ndarray]:
    """The skin in the body's own frame, and the part each vertex shows."""
    half = np.asarray(size, float) / 2
    fine = max(size) / 16
    if shape == "ball":
        surface = _ellipsoid(np.zeros(3), half)
    elif shape == "box":
        surface = _box(half, fine)
    elif shape == "cylinder":
        tube = trimesh.creation.cylinder(radius=1.0, height=size[2], sections=32)
        tube.vertices[:, :2] *= half[:2]
        surface = trimesh.Trimesh(*trimesh.remesh.subdivide_to_size(tube.vertices,
                                                                    tube.faces, fine))
    else:
        return _duck(half)
    return surface, np.full(len(surface.vertices), BODY)


def _box(half: np.ndarray, fine: float) -> trimesh.Trimesh:
    """Six grids, one a face, that share no vertices: each face shades flat to its edges."""
    faces = []
    for axis in range(3):
        u, v = (axis + 1) % 3, (axis + 2) % 3
        counts = [max(1, int(np.ceil(2 * half[k] / fine))) for k in (u, v)]
        for side in (1.0, -1.0):
            a, b = np.meshgrid(np.linspace(-half[u], half[u], counts[0] + 1),
                               np.linspace(-half[v], half[v], counts[1] + 1), indexing="ij")
            points = np.zeros((a.size, 3))
            points[:, u], points[:, v], points[:, axis] = a.ravel(), b.ravel(), side * half[axis]
            faces.append(trimesh.Trimesh(points, _grid_triangles(*counts, flip=side < 0),
                                         process=False))
    return trimesh.util.concatenate(faces)


def _grid_triangles(nu: int, nv: int, flip: bool) -> np.ndarray:
    """Two triangles a cell of an (nu + 1) x (nv + 1) grid, numbered row-major in u."""
    i, j = np.meshgrid(np.arange(nu), np.arange(nv), indexing="ij")
    a = (i * (nv + 1) + j).ravel()
    b, c, d = a + nv + 1, a + nv + 2, a + 1
    triangles = np.concatenate([np.stack([a, b, c], 1), np.stack([a, c, d], 1)])
    return triangles[:, ::-1] if flip else triangles


def _duck(half: np.ndarray) -> tuple[trimesh.Trimesh, np.ndarray]:
    """Its body, head, beak and tail (overlapping shells: only the outside shows), and eyes."""
    unit = 2 * half
    shells = [_ellipsoid(np.multiply(c, unit), np.multiply(r, unit)) for c, r in DUCK_PARTS]
    (x, y, z), radius = _EYE
    shells += [_ellipsoid(np.multiply((x, side * y, z), unit), np.full(3, radius * unit.min()))
               for side in (1, -1)]
    kinds = [BODY, BODY, BEAK, BODY, EYE, EYE]  # in DUCK_PARTS' order, then the eyes
    parts = np.concatenate([np.full(len(s.vertices), k) for s, k in zip(shells, kinds)])
    duck = trimesh.util.concatenate(shells)
    duck.vertices[:, 2] = np.maximum(duck.vertices[:, 2], -half[2])  # its flat base
    return duck, parts


def _ellipsoid(centre: np.ndarray, radii: np.ndarray) -> trimesh.Trimesh:
    sphere = trimesh.creation.icosphere(subdivisions=SUBDIVISIONS, radius=1.0)
    return trimesh.Trimesh(sphere.vertices * radii + centre, sphere.faces, process=False)


def _embed(points: np.ndarray, nodes: np.ndarray, tets: np.ndarray
           ) -> tuple[np.ndarray, np.ndarray]:
    """Per point, the tetrahedron it lies in (or nearest to) and its barycentric weights."""
    corners = nodes[tets]
    centres = corners.mean(axis=1)
    _, near = cKDTree(centres).query(points, k=min(CANDIDATES, len(tets)))
    near = near.reshape(len(points), -1)
    weights = _barycentric(points[:, None, :], corners[near])  # [P, k, 4]
    best = np.argmax(weights.min(axis=2), axis=1)
    rows = np.arange(len(points))
    return near[rows, best], weights[rows, best]


def _barycentric(points: np.ndarray, corners: np.ndarray) -> np.ndarray:
    """[..., 4] barycentric weights of points [..., 3] in tetrahedra [..., 4, 3]."""
    base = corners[..., 0, :]
    edges = np.swapaxes(corners[..., 1:, :] - base[..., None, :], -1, -2)  # [..., 3, 3]
    inner = np.linalg.solve(edges, (points - base)[..., None])[..., 0]
    return np.concatenate([1 - inner.sum(axis=-1, keepdims=True), inner], axis=-1)

