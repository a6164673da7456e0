"""The cloth checks: a sheet drapes over a body, a sheet keeps moving (a flag in the wind),
a body stays on top of another (a dish on its table while the tablecloth goes)."""
from __future__ import annotations

import numpy as np

from bridge.schema import GROUND
from bridge.transforms import quat_to_matrix
from simshot.bounds import body_geometry, world_bounds

DRAPE_LIFT = 0.05  # m: the sheet over a body lies no higher than this above its top (folds)
DRAPE_HANG = 0.05  # m: some of it hangs at least this far below the top, around the body
MIN_OVER = 4  # vertices over the body's top, at least
FLUTTER_WINDOW = 1.0  # s: the last second of the shot
FLUTTER_TRAVEL = 0.05  # m its vertices travel in it, on average, at least
STAYS_ON_SINK = 0.01  # m: a body below the other's top by more than this has left it


def drapes_over(outcome, check, name: str) -> tuple[bool, str]:
    cloth = outcome.trajectory.cloth.get(name)
    times = outcome.trajectory.times
    frames = np.flatnonzero(times >= check.after) if check.after is not None \
        else [len(times) - 1]
    if cloth is None:
        return False, f"{name} is not in the trajectory"
    for frame in frames:
        bounds = world_bounds(outcome, check.body, frame)
        if bounds is None:
            return False, f"{check.body} is gone at t = {times[frame]:.2f} s"
        passed, detail = _draped(cloth[frame], bounds)
        if not passed:
            return False, f"{name} at t = {times[frame]:.2f} s: {detail}"
    return True, f"{name} drapes over {check.body}"


def _draped(vertices: np.ndarray, bounds: np.ndarray) -> tuple[bool, str]:
    top = bounds[1, 2]
    over = np.all((vertices[:, :2] >= bounds[0, :2]) & (vertices[:, :2] <= bounds[1, :2]),
                  axis=1) & (vertices[:, 2] > top - DRAPE_HANG)
    if over.sum() < MIN_OVER:
        return False, "it does not cover the top"
    lift = float(np.median(vertices[over, 2]) - top)
    if lift > DRAPE_LIFT:
        return False, f"it lies {lift:.3f} m above the top, not on it"
    hang = float(top - vertices[~over, 2].min()) if (~over).any() else 0.0
    if hang < DRAPE_HANG:
        return False, f"it hangs only {hang:.3f} m below the top"
    return True, ""


def flutters(outcome, check, name: str) -> tuple[bool, str]:
    cloth = outcome.trajectory.cloth.get(name)
    if cloth is None:
        return False, f"{name} is not in the trajectory"
    times = outcome.trajectory.times
    late = cloth[times >= times[-1] - FLUTTER_WINDOW]
    travel = float(np.linalg.norm(np.diff(late, axis=0), axis=2).sum(axis=0).mean())
    detail = f"{name}'s vertices travel {travel:.3f} m in the last {FLUTTER_WINDOW:g} s"
    return travel >= FLUTTER_TRAVEL, detail + f" (needs {FLUTTER_TRAVEL:g})"


def stays_on(outcome, check, name: str) -> tuple[bool, str]:
    times, trajectory = outcome.trajectory.times, outcome.trajectory
    # the hull's own points, not its box: a tipping glass's box swings below the table
    hull = np.asarray(body_geometry(outcome, name).visual.convex_hull.vertices)
    for frame in range(len(times)):
        position, quat = trajectory.pos[name][frame], trajectory.quat[name][frame]
        if np.isnan(position).any():
            return False, f"{name} is gone at t = {times[frame]:.2f} s"
        points = hull @ quat_to_matrix(quat).T + position
        centre, lowest = points.mean(axis=0), points[:, 2].min()
        if check.on == GROUND:
            over, top = True, 0.0
        else:
            other = world_bounds(outcome, check.on, frame)
            if other is None:
                return False, f"{check.on} is gone at t = {times[frame]:.2f} s"
            over = bool(np.all((centre[:2] >= other[0, :2]) & (centre[:2] <= other[1, :2])))
            top = other[1, 2]
        if not over or top - lowest > STAYS_ON_SINK:
            return False, f"{name} leaves {check.on} at t = {times[frame]:.2f} s"
    return True, f"{name} stays on {check.on}"
