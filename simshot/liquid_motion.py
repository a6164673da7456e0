"""How a liquid moves in its container: `sloshes`, the drink's middle swinging across the
container it stands in (a bumped table's coffee), measured in the container's own frame so that
the container sliding or tipping with the liquid is not counted as a slosh."""
from __future__ import annotations

import warnings

import numpy as np

from bridge.transforms import quat_rotate


def sloshes(outcome, check, name: str) -> tuple[bool, str]:
    """Passes when the liquid's middle (the median particle) moves `check.distance` or more across the container
    (the container's own x and y) from where it was on the first frame."""
    t = outcome.trajectory
    container = check.container
    frames = np.flatnonzero(t.exists(container))
    if len(frames) == 0:
        return False, f"{container} is not in the shot"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # a frame with no particle is NaN
        # the median: a few drops thrown clear would drag a mean across the cup
        middles = np.nanmedian(t.particles[name][frames], axis=1)
    pos, quat = t.pos[container][frames], t.quat[container][frames]
    inverse = quat * np.array([-1.0, -1.0, -1.0, 1.0])  # unit quaternions: the conjugate
    local = quat_rotate(inverse, middles - pos)
    swing = np.linalg.norm(local[:, :2] - local[0, :2], axis=1)
    worst = int(np.nanargmax(swing)) if np.isfinite(swing).any() else 0
    reach = float(np.nan_to_num(swing[worst]))
    return reach >= check.distance, (
        f"{name}'s middle swings {reach * 1e3:.1f} mm across {container} at "
        f"t = {t.times[frames[worst]]:.2f} s (needs {check.distance * 1e3:g} mm)")
