"""The surface a floating or sinking body is measured against: the top of the water region
it is over, or else the level of the drink in the container that holds it (a coin in a glass
of water). Liquid spilled around a body, or standing in a glass beside it, is no drink it is
in."""
from __future__ import annotations

import numpy as np

from bridge.assets.registry import ASSETS
from physics.liquids import inside_hull
from simshot.bounds import body_geometry

LEVEL_PERCENTILE = 95.0  # of the drink's particle heights: its top, less the odd splash
MIN_PARTICLES = 20  # fewer in the container is a splash, not a drink
MIN_UNDER = 5  # particles under a body's bottom, within its footprint, that hold it up


def surface_at(outcome, name: str, bounds: np.ndarray, frame: int) -> tuple[float, bool] | None:
    """The surface height of the water body `name` (world box `bounds` [2, 3]) is in at
    `frame`, and whether liquid lies under it (a thing standing on a glass's floor, its top
    out of a shallow drink, does not float); None where it is in none."""
    centre = bounds.mean(axis=0)
    for water in outcome.scene.water:
        lo, hi = np.asarray(water.region.min), np.asarray(water.region.max)
        if np.all(centre[:2] >= lo[:2]) and np.all(centre[:2] <= hi[:2]):
            return float(hi[2]), True
    drink = _drink(outcome, name, centre, frame)
    if drink is None:
        return None
    points, radius = drink
    under = np.all((points[:, :2] >= bounds[0, :2]) & (points[:, :2] <= bounds[1, :2]), axis=1) \
        & (points[:, 2] < bounds[0, 2])
    level = float(np.percentile(points[:, 2], LEVEL_PERCENTILE)) + radius
    return level, int(under.sum()) >= MIN_UNDER


def _drink(outcome, name: str, centre: np.ndarray, frame: int) -> tuple | None:
    """The particles [N, 3] of the liquid (the most of them) inside the hollow body whose hull
    holds `centre`, and their radius; None where no container holds the body."""
    t = outcome.trajectory
    for body in outcome.scene.all_bodies():
        if body.name == name or body.asset not in ASSETS or not ASSETS[body.asset].hollow \
                or not t.exists(body.name)[frame]:
            continue
        pose = (t.pos[body.name][frame], t.quat[body.name][frame])
        geometry = body_geometry(outcome, body.name)
        if not inside_hull(centre[None], geometry, pose)[0]:
            continue
        best = None
        for liquid in outcome.scene.liquids:
            x = t.particles[liquid.name][frame]
            x = x[np.isfinite(x).all(axis=1)]
            x = x[inside_hull(x, geometry, pose, margin=liquid.particle_radius)]
            if len(x) >= MIN_PARTICLES and (best is None or len(x) > len(best[0])):
                best = (x, liquid.particle_radius)
        if best is not None:
            return best
    return None
