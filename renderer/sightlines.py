"""Sight lines: whether the static bodies (a table's legs, a shelf) stand between a camera and
what it frames, so an automatic angle can turn until the event is in plain view."""
from __future__ import annotations

import numpy as np

from bridge.trajectory import Trajectory
from bridge.transforms import pose_matrix

# A hit this close to either end is the subject's own surface or the lens, not a blocker.
END_MARGIN = 0.02
PAIRS = 200_000  # segment-triangle pairs tested at once: the arrays stay a few megabytes


def static_triangles(nodes: dict, trajectory: Trajectory, static: set[str]) -> np.ndarray:
    """[T, 3, 3] world triangles of the static bodies' meshes, where they stand at frame 0."""
    found = []
    for name in sorted(static):
        if name not in nodes or name not in trajectory.pos:
            continue
        pos, quat = trajectory.pos[name][0], trajectory.quat[name][0]
        if not (np.isfinite(pos).all() and np.isfinite(quat).all()):
            continue
        pose = pose_matrix(pos, quat)
        for primitive in nodes[name].mesh.primitives:
            vertices = np.asarray(primitive.positions, float) @ pose[:3, :3].T + pose[:3, 3]
            faces = (np.arange(len(vertices)).reshape(-1, 3) if primitive.indices is None
                     else np.asarray(primitive.indices, np.int64).reshape(-1, 3))
            found.append(vertices[faces])
    return np.concatenate(found) if found else np.zeros((0, 3, 3))


def blocked(eyes: np.ndarray, points: np.ndarray, triangles: np.ndarray) -> np.ndarray:
    """[n] True where the segment from eyes[i] to points[i] passes through a triangle
    (Moller-Trumbore, every segment against every triangle, PAIRS pairs at a time)."""
    eyes, points = np.asarray(eyes, float), np.asarray(points, float)
    hit = np.zeros(len(eyes), bool)
    if len(triangles) == 0 or len(eyes) == 0:
        return hit
    a = triangles[:, 0]
    e1, e2 = triangles[:, 1] - a, triangles[:, 2] - a
    chunk = max(1, PAIRS // len(triangles))
    for start in range(0, len(eyes), chunk):
        eye = eyes[start:start + chunk]
        span = points[start:start + chunk] - eye
        length = np.linalg.norm(span, axis=1)
        d = span / np.maximum(length, 1e-12)[:, None]
        p = np.cross(d[:, None], e2[None])  # [L, T, 3]
        det = np.einsum("tk,ltk->lt", e1, p)
        live = np.abs(det) > 1e-12
        inv = np.where(live, 1.0 / np.where(live, det, 1.0), 0.0)
        s = eye[:, None] - a[None]
        u = np.einsum("ltk,ltk->lt", s, p) * inv
        q = np.cross(s, e1[None])
        v = np.einsum("lk,ltk->lt", d, q) * inv
        t = np.einsum("tk,ltk->lt", e2, q) * inv
        inside = live & (u >= 0) & (v >= 0) & (u + v <= 1)
        through = inside & (t > END_MARGIN) & (t < length[:, None] - END_MARGIN)
        hit[start:start + chunk] = through.any(axis=1) & (length > 2 * END_MARGIN)
    return hit
