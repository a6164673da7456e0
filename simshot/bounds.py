"""Where a script body is at a frame of an outcome: its mesh's world bounds, its script
entry and its geometry (what several checks read)."""
from __future__ import annotations

import numpy as np

from bridge.assets.build import geometry_for
from bridge.transforms import box_corners, quat_to_matrix


def world_bounds(outcome, name: str, frame: int) -> np.ndarray | None:
    """[2,3] world-axis bounds of the body's mesh at `frame`, or None when it is gone."""
    pos, quat = outcome.trajectory.pos[name][frame], outcome.trajectory.quat[name][frame]
    if np.isnan(pos).any():
        return None
    corners = box_corners(body_geometry(outcome, name).visual.bounds)
    world = corners @ quat_to_matrix(quat).T + pos
    return np.array([world.min(axis=0), world.max(axis=0)])


def script_body(outcome, name: str):
    return next(b for b in outcome.scene.all_bodies() if b.name == name)


def body_geometry(outcome, name: str):
    """The geometry of the script body `name` (cached by the asset library)."""
    return geometry_for(script_body(outcome, name), outcome.scene_dir)
