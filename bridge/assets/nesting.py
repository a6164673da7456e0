"""How far up one copy of an asset rests on another set straight on top of it.

Plates and bowls nest: a stack of them rises by much less than their height, and a stack
built at their height has each one fall into the one below (eight ceramic plates stacked
2.6 cm apart broke each other settling). Two copies moved only up and down can meet only in
the same vertical column, so the copy above rests on the one below at the tallest column the
solid fills, from its lowest point to its highest: for a block that is its height, for a plate
the thickness where its rim rises from its base. The columns are those of the collision
parts, as the simulation sees them.
"""
from __future__ import annotations

from functools import lru_cache

import numpy as np
from scipy.spatial import ConvexHull

from bridge.assets.build import library_geometry
from bridge.assets.geometry import CollisionPart
from bridge.assets.shapes import surface_points
from bridge.transforms import quat_to_matrix

COLUMNS = 120  # sample columns across the shape's widest side


def stack_pitch(asset: str, params: dict[str, float] | None = None) -> float:
    """m from one copy's base to the next's, stacked straight up and resting on each other."""
    return _pitch(asset, tuple(sorted((params or {}).items())))


@lru_cache(maxsize=128)
def _pitch(asset: str, params: tuple[tuple[str, float], ...]) -> float:
    hulls = [ConvexHull(_points(part)) for part in library_geometry(asset, dict(params)).parts]
    low = np.min([h.points.min(axis=0) for h in hulls], axis=0)
    high = np.max([h.points.max(axis=0) for h in hulls], axis=0)
    step = max(high[0] - low[0], high[1] - low[1]) / COLUMNS
    xs, ys = (np.arange(low[k] + step / 2, high[k], step) for k in (0, 1))
    # each part's middle too: a sphere is tallest there, between the grid's columns
    middles = [h.points.mean(axis=0)[:2] for h in hulls]
    grid = np.concatenate([np.stack(np.meshgrid(xs, ys, indexing="ij"), axis=-1).reshape(-1, 2),
                           middles])
    top = np.full(len(grid), -np.inf)
    bottom = np.full(len(grid), np.inf)
    for hull in hulls:
        lo, hi = _column_spans(hull, grid)
        filled = lo <= hi
        top[filled] = np.maximum(top[filled], hi[filled])
        bottom[filled] = np.minimum(bottom[filled], lo[filled])
    return float(np.max(top - bottom, where=np.isfinite(top), initial=0.0))


def _column_spans(hull: ConvexHull, grid: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """[C] lowest and highest z of the hull in each (x, y) column; lo > hi where it misses."""
    normal, offset = hull.equations[:, :3], hull.equations[:, 3]  # inside: n . p + d <= 0
    room = -(grid @ normal[:, :2].T + offset)  # [C, F]: nz * z <= room
    nz = normal[:, 2]
    with np.errstate(divide="ignore", invalid="ignore"):
        bound = room / nz
    hi = np.min(np.where(nz > 1e-9, bound, np.inf), axis=1)
    lo = np.max(np.where(nz < -1e-9, bound, -np.inf), axis=1)
    beside = np.any((np.abs(nz) <= 1e-9) & (room < 0), axis=1)  # outside a vertical face
    lo[beside] = np.inf
    return lo, hi


def _points(part: CollisionPart) -> np.ndarray:
    """The part's corners in the body frame."""
    return surface_points(part) @ quat_to_matrix(part.quaternion).T + part.position
