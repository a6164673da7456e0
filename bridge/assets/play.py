"""Balls, dominoes and pins. Hollow balls are thick shells, so their inertia is a shell's."""
from __future__ import annotations

from collections.abc import Callable
from functools import partial

import numpy as np

from bridge.assets.geometry import CollisionPart
from bridge.assets.shapes import Params, Shape, ball, boxes, revolve, revolved_hulls, shell

# Wall thickness as a fraction of the radius (bladder plus cover; a vinyl beach ball).
SHELL_FRACTION = {"basketball": 0.034, "tennis_ball": 0.095, "soccer_ball": 0.03,
                  "beach_ball": 0.003}


def _sphere_part(radius: float) -> list[CollisionPart]:
    return [CollisionPart("sphere", position=np.array([0.0, 0, radius]), radius=radius)]


def solid_ball(p: Params) -> Shape:
    return ball(p["radius"]), _sphere_part(p["radius"])


def hollow_ball(fraction: float, p: Params) -> Shape:
    r = p["radius"]
    inner = ball(r * (1 - fraction))
    inner.apply_translation([0, 0, r * fraction])  # concentric with the outer sphere
    return shell(ball(r), inner), _sphere_part(r)


def domino(p: Params) -> Shape:
    """Standing upright: thickness along x (the way a row falls), width along y."""
    size = np.array([p["thickness"], p["width"], p["height"]])
    return boxes([(size, [0, 0, size[2] / 2])])


# A regulation pin's outline as (radius / max radius, height / height), from the base up.
_PIN = [(0.43, 0.0), (0.6, 0.05), (0.87, 0.15), (1.0, 0.3), (0.9, 0.45), (0.6, 0.58),
        (0.4, 0.66), (0.37, 0.71), (0.46, 0.8), (0.52, 0.89), (0.42, 0.96), (0.22, 0.99)]
_PIN_NECK = 0.71


def bowling_pin(p: Params) -> Shape:
    r, h = p["radius"], p["height"]
    profile = [(0.0, 0.0), *[(r * a, h * b) for a, b in _PIN], (0.0, h)]
    return revolve(profile), revolved_hulls(np.array(profile), h, cuts=(_PIN_NECK * h,))


_SOLID = ("ball", "bowling_ball", "billiard_ball", "marble", "ball_bearing", "baseball")

BUILDERS: dict[str, Callable[[Params], Shape]] = {
    **{name: solid_ball for name in _SOLID},
    **{name: partial(hollow_ball, f) for name, f in SHELL_FRACTION.items()},
    "domino": domino, "bowling_pin": bowling_pin,
}
