"""A cloth's grid: its vertices at rest, its triangles, and the vertices its pins and pulls
hold. Vertex j * columns + i is i along its width (u) and j up its height (v), from the
bottom-left corner; trajectory.npz's cloth/<name> keeps that order."""
from __future__ import annotations

import numpy as np

from bridge.cloth_schema import Cloth, Pin
from bridge.transforms import quat_from_euler_deg, quat_to_matrix

_CORNER_UV = {"bottom_left": (0.0, 0.0), "bottom_right": (1.0, 0.0),
              "top_left": (0.0, 1.0), "top_right": (1.0, 1.0)}
_EDGE_TEST = {"top": lambda u, v: v == 1.0, "bottom": lambda u, v: v == 0.0,
              "left": lambda u, v: u == 0.0, "right": lambda u, v: u == 1.0}


def grid_uv(cloth: Cloth) -> np.ndarray:
    """[V, 2] each vertex's (u, v) as fractions of the width and height."""
    columns, rows = cloth.counts
    u, v = np.meshgrid(np.linspace(0, 1, columns), np.linspace(0, 1, rows))
    return np.stack([u.ravel(), v.ravel()], axis=1)


def rest_vertices(cloth: Cloth) -> np.ndarray:
    """[V, 3] the vertices at t = 0, world frame."""
    uv = grid_uv(cloth) - 0.5
    local = np.column_stack([uv[:, 0] * cloth.size[0], uv[:, 1] * cloth.size[1],
                             np.zeros(len(uv))])
    rotation = quat_to_matrix(quat_from_euler_deg(cloth.rotation))
    return local @ rotation.T + np.asarray(cloth.at, float)


def grid_faces(columns: int, rows: int) -> np.ndarray:
    """[2 (columns-1) (rows-1), 3] triangles, wound counter-clockwise seen from +normal."""
    i, j = np.meshgrid(np.arange(columns - 1), np.arange(rows - 1))
    a = (j * columns + i).ravel()
    b, c, d = a + 1, a + columns, a + columns + 1
    return np.concatenate([np.stack([a, b, d], 1), np.stack([a, d, c], 1)]).astype(np.int64)


def nearest_vertex(cloth: Cloth, uv: tuple[float, float]) -> int:
    """The vertex closest to (u, v)."""
    return int(np.argmin(np.sum((grid_uv(cloth) - np.asarray(uv)) ** 2, axis=1)))


def held_vertices(cloth: Cloth, part: str) -> np.ndarray:
    """The vertices of an edge or a corner."""
    if part in _CORNER_UV:
        return np.array([nearest_vertex(cloth, _CORNER_UV[part])])
    uv = grid_uv(cloth)
    return np.flatnonzero(_EDGE_TEST[part](uv[:, 0], uv[:, 1]))


def pins(cloth: Cloth) -> list[tuple[int, str | None]]:
    """(vertex, body it is fastened to or None) for every held vertex, each once."""
    if isinstance(cloth.pinned, list):
        found = [(pin_vertex(cloth, pin), pin.to) for pin in cloth.pinned]
    elif cloth.pinned == "none":
        found = []
    elif cloth.pinned in ("corners", "top_corners"):
        corners = [c for c in _CORNER_UV if cloth.pinned == "corners" or c.startswith("top")]
        found = [(int(held_vertices(cloth, c)[0]), None) for c in corners]
    elif cloth.pinned == "edges":
        found = [(int(k), None) for edge in _EDGE_TEST for k in held_vertices(cloth, edge)]
    else:
        found = [(int(k), None) for k in held_vertices(cloth, cloth.pinned)]
    unique: dict[int, str | None] = {}
    for vertex, body in found:
        unique.setdefault(vertex, body)
    return sorted(unique.items())


def pin_vertex(cloth: Cloth, pin: Pin) -> int:
    """The vertex a pin holds: the nearest to its point."""
    uv = _CORNER_UV[pin.point] if isinstance(pin.point, str) else pin.point
    return nearest_vertex(cloth, uv)
