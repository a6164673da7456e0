"""The surface a floating or sinking body is measured against: the top of the water region
it is over, or else the level of a particle liquid around it (a coin in a glass of water)."""
from __future__ import annotations

import numpy as np

AROUND = 0.03  # m: particles this far beside the body's box count towards the level
LEVEL_PERCENTILE = 95.0  # of those particles' heights: the top of the liquid, less spray
MIN_PARTICLES = 20  # fewer around it is a splash or a trickle, not a liquid it is in


def surface_at(outcome, bounds: np.ndarray, frame: int) -> float | None:
    """The surface height of the water around a body with world box `bounds` [2, 3] at
    `frame`, or None where it is in none."""
    centre = bounds.mean(axis=0)
    for water in outcome.scene.water:
        lo, hi = np.asarray(water.region.min), np.asarray(water.region.max)
        if np.all(centre[:2] >= lo[:2]) and np.all(centre[:2] <= hi[:2]):
            return float(hi[2])
    return _liquid_level(outcome, bounds, frame)


def _liquid_level(outcome, bounds: np.ndarray, frame: int) -> float | None:
    """The top of the particle liquid (the most particles) beside and under the body."""
    best, level = 0, None
    for liquid in outcome.scene.liquids:
        x = outcome.trajectory.particles[liquid.name][frame]
        near = np.isfinite(x).all(axis=1) & np.all(
            (x[:, :2] >= bounds[0, :2] - AROUND) & (x[:, :2] <= bounds[1, :2] + AROUND), axis=1)
        if near.sum() >= max(MIN_PARTICLES, best + 1):
            best = int(near.sum())
            level = float(np.percentile(x[near, 2], LEVEL_PERCENTILE)) + liquid.particle_radius
    return level
