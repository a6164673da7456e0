"""Furniture and surfaces. Slabs: thickness along x, width along y; tables and shelves:
width along x, depth along y."""
from __future__ import annotations

from collections.abc import Callable

import numpy as np
import trimesh

from bridge.assets.shapes import Params, Shape, box_mesh, box_part, boxes, convex_part

BOARD = 0.018  # shelf panels, metres
TRAY_BASE = 0.004
RAIL, CUSHION = 0.1, 0.04  # pool table rail width and cushion height above the cloth


def table(p: Params) -> Shape:
    w, d, h, top = p["width"], p["depth"], p["height"], p["top"]
    leg = min(0.06, 0.08 * min(w, d))
    x, y = w / 2 - leg / 2 - 0.03, d / 2 - leg / 2 - 0.03
    legs = [([leg, leg, h - top], [sx * x, sy * y, (h - top) / 2])
            for sx in (-1, 1) for sy in (-1, 1)]
    return boxes([([w, d, top], [0, 0, h - top / 2]), *legs])


def chair(p: Params) -> Shape:
    """Four legs, a seat and a back rising from its +x edge: it faces -x."""
    w, d, seat, h = p["width"], p["depth"], p["seat_height"], p["height"]
    leg, board = 0.035, 0.025
    x, y = w / 2 - leg / 2, d / 2 - leg / 2
    legs = [([leg, leg, seat - board], [sx * x, sy * y, (seat - board) / 2])
            for sx in (-1, 1) for sy in (-1, 1)]
    rise = h - seat
    uprights = [([leg, leg, rise], [x, sy * y, seat + rise / 2]) for sy in (-1, 1)]
    back = ([0.02, d - 2 * leg, rise * 0.45], [x, 0, h - rise * 0.45 / 2])
    return boxes([([w, d, board], [0, 0, seat - board / 2]), *legs, *uprights, back])


def shelf(p: Params) -> Shape:
    """Two sides, `boards` evenly spaced boards (bottom and top included) and a back."""
    w, d, h = p["width"], p["depth"], p["height"]
    count = max(2, round(p["boards"]))
    sides = [([BOARD, d, h], [sx * (w - BOARD) / 2, 0, h / 2]) for sx in (-1, 1)]
    boards = [([w - 2 * BOARD, d, BOARD], [0, 0, BOARD / 2 + i * (h - BOARD) / (count - 1)])
              for i in range(count)]
    back = ([w - 2 * BOARD, BOARD / 3, h], [0, (d - BOARD / 3) / 2, h / 2])
    return boxes([*sides, *boards, back])


def ramp(p: Params) -> Shape:
    """Wedge rising toward -x: its high edge is at x = -length/2."""
    length, w = p["length"], p["width"]
    rise = length * np.tan(np.radians(p["angle_deg"]))
    points = np.array([[sx * length / 2, sy * w / 2, 0] for sx in (-1, 1) for sy in (-1, 1)]
                      + [[-length / 2, sy * w / 2, rise] for sy in (-1, 1)])
    part = convex_part(points)
    return trimesh.convex.convex_hull(points), [part]


def wall(p: Params) -> Shape:
    size = np.array([p["thickness"], p["width"], p["height"]])
    return boxes([(size, [0, 0, size[2] / 2])])


def floor_tile(p: Params) -> Shape:
    size = np.array([p["width"], p["depth"], p["thickness"]])
    return boxes([(size, [0, 0, size[2] / 2])])


def tray(p: Params) -> Shape:
    """Open box: a base and four low walls."""
    w, d, h = p["width"], p["depth"], p["height"]
    t, b = p["wall"], TRAY_BASE
    visual = box_mesh([w, d, h], [0, 0, h / 2]).difference(
        box_mesh([w - 2 * t, d - 2 * t, h], [0, 0, b + h / 2]), engine="manifold")
    specs = [([w, d, b], [0, 0, b / 2]),
             *[([w, t, h - b], [0, sy * (d - t) / 2, (h + b) / 2]) for sy in (-1, 1)],
             *[([t, d - 2 * t, h - b], [sx * (w - t) / 2, 0, (h + b) / 2]) for sx in (-1, 1)]]
    return visual, [box_part(size, centre) for size, centre in specs]


def pool_table(p: Params) -> Shape:
    """Cloth of length x width at `height` on a solid bed, ringed by rails and cushions."""
    length, w, h = p["length"], p["width"], p["height"]
    outer_l, outer_w = length + 2 * RAIL, w + 2 * RAIL
    z = h + CUSHION / 2
    cushions = [*[([outer_l, RAIL, CUSHION], [0, sy * (w + RAIL) / 2, z]) for sy in (-1, 1)],
                *[([RAIL, w, CUSHION], [sx * (length + RAIL) / 2, 0, z]) for sx in (-1, 1)]]
    return boxes([([outer_l, outer_w, h], [0, 0, h / 2]), *cushions])


BUILDERS: dict[str, Callable[[Params], Shape]] = {
    "table": table, "chair": chair, "shelf": shelf, "ramp": ramp, "wall": wall,
    "floor_tile": floor_tile, "tray": tray, "pool_table": pool_table,
}
