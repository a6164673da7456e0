"""Sight lines: whether the static bodies (a table's legs, a shelf) stand between a camera and
what it frames, so an automatic angle can turn until the event is in plain view."""
from __future__ import annotations

import numpy as np

from bridge.trajectory import Trajectory
from bridge.transforms import pose_matrix

# A hit this close to either end is the subject's own surface or the lens, not a blocker.
END_MARGIN = 0.02


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
    (Moller-Trumbore, every segment against every triangle)."""
    eyes, points = np.asarray(eyes, float), np.asarray(points, float)
    hit = np.zeros(len(eyes), bool)
    if len(triangles) == 0 or len(eyes) == 0:
        return hit
    a, e1, e2 = triangles[:, 0], triangles[:, 1] - triangles[:, 0], triangles[:, 2] - triangles[:, 0]
    for i, (eye, point) in enumerate(zip(eyes, points)):
        span = point - eye
        length = float(np.linalg.norm(span))
        if length <= 2 * END_MARGIN:
            continue
        d = span / length
        p = np.cross(d, e2)
        det = np.einsum("ij,ij->i", e1, p)
        live = np.abs(det) > 1e-12
        inv = np.where(live, 1.0 / np.where(live, det, 1.0), 0.0)
        s = eye - a
        u = np.einsum("ij,ij->i", s, p) * inv
        q = np.cross(s, e1)
        v = (q @ d) * inv
        t = np.einsum("ij,ij->i", e2, q) * inv
        inside = live & (u >= 0) & (v >= 0) & (u + v <= 1)
        hit[i] = bool(np.any(inside & (t > END_MARGIN) & (t < length - END_MARGIN)))
    return hit
