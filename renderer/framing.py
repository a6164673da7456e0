"""Framing presets: where to put the camera so the subject fills a set share of the frame.

The camera distance is solved on the exact pinhole projection of the subject's corners, not
estimated from a bounding sphere, so a close-up really spans its share of the frame height.
"""
from __future__ import annotations

from collections.abc import Callable
from typing import NamedTuple

import numpy as np

from bridge.transforms import Z_UP, look_at_quat, quat_to_matrix

DEFAULT_AZIMUTH_DEG = -55.0  # seen from the front right, so motion along +x reads left to right
# z up is degenerate looking straight down; +y is also what look_at_quat falls back to there,
# so a caller's plain look_at_quat(position, target) sees the view that was framed.
TOP_DOWN_UP = np.array([0.0, 1.0, 0.0])
INSIDE = 0.98  # no corner may come nearer the frame edge than 1% of the frame size
LOW_ANGLE_CLEARANCE = 0.02  # a low-angle camera stays this far above z = near


class Framing(NamedTuple):
    elevation_deg: float  # of the camera as seen from the target
    fill: float  # share of the frame height the subject's projection spans
    max_width_fill: float  # share of the frame width it may span; the camera backs off to it


PRESET_TABLE: dict[str, Framing] = {
    # wide shows the surroundings: a small share of the height (below medium's, so a wide of
    # a subject is farther than its medium) yet up to 0.8 of the width for long action
    "wide": Framing(20.0, 0.3, 0.8),
    "medium": Framing(15.0, 0.45, 0.9),
    "close_up": Framing(10.0, 0.6, 0.9),
    "extreme_close_up": Framing(5.0, 0.9, 0.9),
    # a plan view fits everything: the binding one of height and width gets 0.8
    "top_down": Framing(90.0, 0.8, 0.8),
    # below the subject's centre looking up, but never below z = near + LOW_ANGLE_CLEARANCE
    "low_angle": Framing(-15.0, 0.5, 0.9),
    "eye_level": Framing(0.0, 0.5, 0.9),
}
PRESETS = tuple(PRESET_TABLE)


def view_direction(azimuth_deg: float, elevation_deg: float) -> np.ndarray:
    """Unit vector from the target towards the camera."""
    az, el = np.radians(azimuth_deg), np.radians(elevation_deg)
    return np.array([np.cos(el) * np.cos(az), np.cos(el) * np.sin(az), np.sin(el)])


def _up_for(direction: np.ndarray) -> np.ndarray:
    return TOP_DOWN_UP if abs(direction[2]) > 0.999 else Z_UP


def _screen(position: np.ndarray, target: np.ndarray, up: np.ndarray, points: np.ndarray,
            ) -> tuple[np.ndarray, np.ndarray]:
    """Corners as tangents (x right, y up, divided by depth), and their depths."""
    rot = quat_to_matrix(look_at_quat(position, target, up))
    local = (points - position) @ rot  # camera axes: right, up, backward
    depth = -local[:, 2]
    return local[:, :2] / np.maximum(depth, 1e-12)[:, None], depth


def _fits(position: np.ndarray, target: np.ndarray, up: np.ndarray, points: np.ndarray,
          framing: Framing, tan_v: float, tan_h: float, near: float) -> bool:
    """Whether the subject is in front, inside the frame and within both fills."""
    tangents, depth = _screen(position, target, up, points)
    # Twice near, as auto_frame keeps it, so no corner grazes the near plane.
    if depth.min() < 2 * near:
        return False
    sx, sy = tangents[:, 0] / tan_h, tangents[:, 1] / tan_v  # -1..1 across the frame
    return bool(np.ptp(sy) / 2 <= framing.fill and np.ptp(sx) / 2 <= framing.max_width_fill
                and max(np.abs(sx).max(), np.abs(sy).max()) <= INSIDE)


def _smallest(feasible: Callable[[float], bool], scale: float) -> float:
    """Smallest t > 0 with feasible(t), for a predicate that holds from some t on."""
    lo, hi = 0.0, max(scale, 1e-3)
    for _ in range(200):
        if feasible(hi):
            break
        lo, hi = hi, hi * 2
    else:
        raise ValueError("cannot frame the subject at any distance")
    while hi - lo > 1e-10 * hi:
        mid = (lo + hi) / 2
        lo, hi = (lo, mid) if feasible(mid) else (mid, hi)
    return hi


def frame_preset(preset: str, corners: np.ndarray, fov_deg: float, aspect: float, near: float,
                 azimuth_deg: float | None = None, elevation_deg: float | None = None,
                 ) -> tuple[np.ndarray, np.ndarray]:
    """Camera position and look-at target for a preset shot of the corners (vertical fov)."""
    if preset not in PRESET_TABLE:
        raise ValueError(f"unknown framing preset {preset!r}; valid: {', '.join(PRESETS)}")
    framing = PRESET_TABLE[preset]
    points = np.asarray(corners, float).reshape(-1, 3)
    if len(points) == 0:
        points = np.zeros((1, 3))
    target = (points.min(axis=0) + points.max(axis=0)) / 2
    azimuth = DEFAULT_AZIMUTH_DEG if azimuth_deg is None else azimuth_deg
    elevation = framing.elevation_deg if elevation_deg is None else elevation_deg
    back = view_direction(azimuth, elevation)
    tan_v = np.tan(np.radians(fov_deg) / 2)
    tan_h = tan_v * aspect
    scale = float(np.ptp(points, axis=0).max()) + near

    def along(t: float) -> np.ndarray:
        return target + back * t

    def fits(pose: Callable[[float], np.ndarray], up: np.ndarray) -> Callable[[float], bool]:
        return lambda t: _fits(pose(t), target, up, points, framing, tan_v, tan_h, near)

    position = along(_smallest(fits(along, _up_for(back)), scale))
    floor = near + LOW_ANGLE_CLEARANCE
    if preset == "low_angle" and position[2] < floor:
        # Keep the azimuth, sit on the floor limit and solve the horizontal distance instead.
        level = back[:2] / np.linalg.norm(back[:2])

        def on_floor(s: float) -> np.ndarray:
            return np.array([*(target[:2] + level * s), floor])

        position = on_floor(_smallest(fits(on_floor, Z_UP), scale))
    return position, target
