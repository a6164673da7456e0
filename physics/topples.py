"""Topples: when a standing body falls over, found on the recording after the run.

A body can topple when it stands taller than it is wide (in its own frame, its height above
the narrower side of its footprint) and starts upright (its z axis within UPRIGHT_DEG of
world z): a domino, a bowling pin, a bottle. It topples at the first recorded step where its
z axis tilts past TOPPLE_DEG, the angle `falls_over` checks by default. Balls and cubes roll
and tumble; they do not topple.
"""
from __future__ import annotations

import numpy as np

from bridge.schema import FallsOver
from bridge.trajectory import Trajectory
from bridge.transforms import tilt_deg

TOPPLE_DEG = FallsOver.model_fields["angle"].default
UPRIGHT_DEG = 20.0


def standing(bounds: np.ndarray) -> bool:
    """Whether a body of these [2,3] bounds (its own frame) stands taller than it is wide."""
    size = bounds[1] - bounds[0]
    return bool(size[2] > min(size[0], size[1]))


def topples(recording: Trajectory, bodies: dict[str, np.ndarray]) -> list[dict]:
    """One entry per body (name -> [2,3] bounds in its own frame) that falls over: body,
    time and position (its origin then), in time order."""
    found = []
    for name, bounds in bodies.items():
        if not standing(bounds) or name not in recording.quat:
            continue
        tilt = tilt_deg(recording.quat[name])  # NaN once it no longer exists
        if not tilt[0] <= UPRIGHT_DEG:
            continue
        over = np.flatnonzero(tilt > TOPPLE_DEG)
        if len(over):
            step = over[0]
            found.append({"body": name, "time": float(recording.times[step]),
                          "position": [float(v) for v in recording.pos[name][step]]})
    return sorted(found, key=lambda entry: entry["time"])
