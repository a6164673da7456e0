"""How hard the air drags a rigid body, and how fast it then falls: the physics applies the
drag (physics/air.py) and the planner predicts when a feather lands, from the same numbers.

F = 1/2 rho Cd A v^2, with A the body's mean projected area (a quarter of its convex hull's
surface, by Cauchy's formula) and Cd 0.47 for a ball, 1.0 otherwise. A body falling in still
air levels off at its terminal speed, where that drag equals its weight.
"""
from __future__ import annotations

import math

import numpy as np

from bridge.assets.registry import ASSETS

AIR_DENSITY = 1.2  # kg/m^3 at 20 C
BALL_DRAG, BLUFF_DRAG = 0.47, 1.0
# In still air a body feels the air when it falls slower than this (m/s, its terminal speed):
# a feather (under 1 m/s) drifts down, a bowling ball falls as in a vacuum. A beach ball
# (about 5 m/s) and the balls thrown at a hoop or a goal stay out: their aims are worked out
# without drag.
STILL_AIR_TERMINAL = 3.0


def drag_factor(asset: str | None, hull_area: float) -> float:
    """k in F = k v^2 (kg/m) for a body of `asset` whose convex hull has `hull_area` m^2."""
    return 0.5 * AIR_DENSITY * drag_coefficient(asset) * hull_area / 4


def most_drag_factor(bounds: np.ndarray) -> float:
    """The largest k any body within axis-aligned `bounds` [2, 3] can have (a hull's area is
    at most its box's): a cheap test that rules most bodies out without a hull."""
    x, y, z = bounds[1] - bounds[0]
    return drag_factor(None, float(2 * (x * y + y * z + z * x)))  # a bluff body's coefficient


def drag_coefficient(asset: str | None) -> float:
    spec = ASSETS.get(asset) if asset else None
    return BALL_DRAG if spec is not None and set(spec.params) == {"radius"} else BLUFF_DRAG


def terminal_speed(factor: float, mass: float, gravity: float) -> float:
    """m/s a body of drag `factor` and `mass` falls at in still air, in the end."""
    return math.sqrt(mass * gravity / factor) if factor > 0 else math.inf


def fall_time(height: float, terminal: float, gravity: float) -> float:
    """Seconds to fall `height` from rest in still air, with quadratic drag: h = (vt^2 / g)
    ln cosh(g t / vt), solved for t."""
    if math.isinf(terminal):
        return math.sqrt(2 * height / gravity)
    x = height * gravity / terminal ** 2
    # acosh(e^x), written so that a long fall (large x) does not overflow
    return terminal / gravity * (x + math.log1p(math.sqrt(-math.expm1(-2 * x))))
