"""Everyday solid objects. Box-like ones: length along x, width along y, height along z."""
from __future__ import annotations

from collections.abc import Callable

import numpy as np

from bridge.assets.shapes import (
    Params,
    Shape,
    around,
    boxes,
    convex_part,
    cylinder,
    revolve,
    rings,
    shell,
)

EGGSHELL = 0.0004  # metres


def cuboid(p: Params) -> Shape:
    size = np.array([p["length"], p["width"], p["height"]])
    return boxes([(size, [0, 0, size[2] / 2])])


def upright_cylinder(p: Params) -> Shape:
    return cylinder(p["radius"], p["height"])


def _egg_profile(radius: float, height: float, n: int = 16) -> np.ndarray:
    """Standing egg: a sine profile skewed so the blunt end is at the bottom."""
    t = np.linspace(0, np.pi, n)
    r = np.sin(t) * (1 + 0.18 * np.cos(t))
    return np.stack([radius * r / r.max(), height * (1 - np.cos(t)) / 2], axis=1)


def egg(p: Params) -> Shape:
    """A closed eggshell: the outer surface and an inner one EGGSHELL inside it."""
    r, h = p["radius"], p["height"]
    outer = _egg_profile(r, h)
    inner = _egg_profile(r - EGGSHELL, h - 2 * EGGSHELL) + [0, EGGSHELL]
    visual = shell(revolve(outer), revolve(inner))
    return visual, [convex_part(rings(outer, around()))]


def wick_length(height: float) -> float:
    """A candle's wick stands this far above its wax: about a tenth of it, 5 to 12 mm."""
    return float(np.clip(0.1 * height, 0.005, 0.012))


def candle(p: Params) -> Shape:
    """A wax cylinder with its wick standing up from the middle of its top; only the wax
    collides (the wick is a millimetre thin)."""
    r, h = p["radius"], p["height"]
    wick = min(0.001, r / 3)
    profile = [(0, 0), (r, 0), (r, h), (wick, h), (wick, h + wick_length(h)),
               (0, h + wick_length(h))]
    return revolve(np.array(profile)), cylinder(r, h)[1]


def cake(p: Params) -> Shape:
    """A round cake, its top edge rounded off as frosting is."""
    r, h = p["radius"], p["height"]
    bevel = min(0.012, r / 4, h / 4)
    turn = np.linspace(0, np.pi / 2, 6)
    corner = np.stack([r - bevel + bevel * np.cos(turn), h - bevel + bevel * np.sin(turn)], 1)
    profile = np.vstack([[0, 0], [r, 0], corner, [0, h]])
    return revolve(profile), cylinder(r, h)[1]


BUILDERS: dict[str, Callable[[Params], Shape]] = {
    **{name: cuboid for name in ("brick", "crate", "book", "box", "block")},
    "cylinder": upright_cylinder, "egg": egg, "candle": candle, "birthday_cake": cake,
}
