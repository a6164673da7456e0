"""Containers and tableware. `radius` is the widest radius of the body (handles stick out
along +x), `height` the overall height, `wall` the wall thickness, `lid` the thickness of a
lid on the rim (0: open)."""
from __future__ import annotations

from collections.abc import Callable
from itertools import pairwise

import numpy as np
import trimesh

from bridge.assets.shapes import (
    Params,
    Shape,
    around,
    box_mesh,
    boxes,
    convex_part,
    cylinder,
    rings,
    union,
    vessel,
)


def _arc(r0: float, r1: float, z0: float, z1: float, n: int = 6) -> list[tuple[float, float]]:
    """Quarter-ellipse from (r0, z0), leaving horizontally, to (r1, z1), arriving vertically."""
    phi = np.linspace(0, np.pi / 2, n)
    return [(r0 + (r1 - r0) * np.sin(f), z0 + (z1 - z0) * (1 - np.cos(f))) for f in phi]


def _scaled(points: list[tuple[float, float]], radius: float, height: float,
            z0: float = 0.0) -> list[tuple[float, float]]:
    """Profile points given as fractions of radius and height, lifted by z0."""
    return [(radius * r, z0 + height * z) for r, z in points]


def tumbler(p: Params) -> Shape:
    r, h, w = p["radius"], p["height"], p["wall"]
    floor = min(max(3 * w, 0.08 * h), h / 2)  # real tumblers have a heavy base
    return _lidded(vessel([(0, 0)], [(0, 0), (0.9 * r, 0), (r, h)], w, floor), r, h, p)


def _lidded(body: Shape, rim: float, height: float, p: Params) -> Shape:
    """The container with a flat lid `p['lid']` thick on its rim, where it has one: a
    sippy cup keeps its juice when it falls, and a capped bottle displaces water with all
    of its inside (a sealed cavity), so an empty one floats."""
    lid = p.get("lid", 0.0)
    if lid <= 0:
        return body
    ring = rings([(rim, height), (rim, height + lid)], around())
    disc = trimesh.convex.convex_hull(np.vstack([ring, [[0, 0, height], [0, 0, height + lid]]]))
    return union([body[0], disc]), body[1] + [convex_part(ring)]


def wine_glass(p: Params) -> Shape:
    r, h, w = p["radius"], p["height"], p["wall"]
    foot, stem, stem_top = 0.8 * r, max(0.11 * r, 2 * w), 0.45 * h
    foot_top = max(2 * w, 0.02 * h)
    base = [(0, 0), (foot, 0), (foot, foot_top * 0.6), (stem, foot_top)]
    bowl_h = h - stem_top
    cup = [(0, stem_top), *_arc(stem, r, stem_top, stem_top + 0.55 * bowl_h),
           (0.97 * r, stem_top + 0.8 * bowl_h), (0.9 * r, h)]
    return vessel(base, cup, w, 2 * w, cuts=(foot_top, stem_top))


def _handle(body_r: float, height: float, wall: float) -> Shape:
    """A D-shaped loop on the +x side whose ends are buried in the body's wall."""
    loop, tube = 0.3 * height, 0.07 * height
    centre = np.array([body_r + 0.12 * height, 0.0, 0.55 * height])
    torus = trimesh.creation.torus(loop, tube, major_sections=32, minor_sections=12)
    torus.apply_transform(trimesh.transformations.rotation_matrix(np.pi / 2, [1, 0, 0]))
    torus.apply_translation(centre)
    keep = box_mesh([4 * loop, 4 * loop, 4 * loop],
                    [body_r - wall / 2 + 2 * loop, 0, centre[2]])
    visual = trimesh.boolean.intersection([torus, keep], engine="manifold")
    # Collision: hulls of tube cross-sections along the part of the loop outside the body.
    reach = np.arccos(np.clip((body_r - centre[0]) / loop, -1, 1))
    angles = np.linspace(-reach, reach, 9)
    parts = [convex_part(np.vstack([_tube_section(centre, loop, tube, a),
                                    _tube_section(centre, loop, tube, b)]))
             for a, b in pairwise(angles)]
    return visual, parts


def _tube_section(centre: np.ndarray, loop: float, tube: float, angle: float) -> np.ndarray:
    """Eight points round the handle's tube at `angle` along its loop (xz plane)."""
    radial = np.array([np.cos(angle), 0.0, np.sin(angle)])
    ring = np.linspace(0, 2 * np.pi, 8, endpoint=False)[:, None]
    return centre + loop * radial + tube * (np.cos(ring) * radial + np.sin(ring) * [0, 1, 0])


def _with_handle(body: Shape, r: float, h: float, w: float) -> Shape:
    handle, handle_parts = _handle(r, h, w)
    return union([body[0], handle]), body[1] + handle_parts


def mug(p: Params) -> Shape:
    r, h, w = p["radius"], p["height"], p["wall"]
    body = vessel([(0, 0)], [(0, 0), (r, 0), (r, h)], w, max(1.5 * w, 0.006))
    return _with_handle(_lidded(body, r, h, p), r, h, w)


def cup(p: Params) -> Shape:
    r, h, w = p["radius"], p["height"], p["wall"]
    profile = _scaled([(0.6, 0), (0.72, 0.12), (0.86, 0.4), (0.96, 0.7), (1.0, 1.0)], r, h)
    body = vessel([(0, 0)], [(0, 0), *profile], w, 2 * w)
    return _with_handle(_lidded(body, r, h, p), 0.9 * r, h, w)


def bottle(p: Params) -> Shape:
    r, h, w = p["radius"], p["height"], p["wall"]
    profile = _scaled([(1, 0), (1, 0.6), (0.9, 0.67), (0.62, 0.73), (0.42, 0.79), (0.38, 0.85),
                       (0.38, 1.0)], r, h)
    return _lidded(vessel([(0, 0)], [(0, 0), *profile], w, 2 * w), 0.38 * r, h, p)


def vase(p: Params) -> Shape:
    r, h, w = p["radius"], p["height"], p["wall"]
    profile = _scaled([(0.55, 0), (0.8, 0.08), (0.97, 0.2), (1.0, 0.32), (0.93, 0.5),
                       (0.72, 0.68), (0.52, 0.83), (0.55, 0.93), (0.62, 1.0)], r, h)
    return vessel([(0, 0)], [(0, 0), *profile], w, 2 * w)


def bowl(p: Params) -> Shape:
    r, h, w = p["radius"], p["height"], p["wall"]
    return vessel([(0, 0)], [(0, 0), *_arc(0.5 * r, r, 0, h)], w, w)


def plate(p: Params) -> Shape:
    r, h, w = p["radius"], p["height"], p["wall"]
    profile = _scaled([(0.6, 0), (0.68, 0.3), (0.9, 0.75), (1.0, 1.0)], r, h)
    return vessel([(0, 0)], [(0, 0), *profile], w, w)


def can(p: Params) -> Shape:
    return cylinder(p["radius"], p["height"])


def pane(p: Params) -> Shape:
    """Upright sheet: thickness along x, width along y."""
    size = np.array([p["thickness"], p["width"], p["height"]])
    return boxes([(size, [0, 0, size[2] / 2])])


BUILDERS: dict[str, Callable[[Params], Shape]] = {
    "tumbler": tumbler, "wine_glass": wine_glass, "mug": mug, "cup": cup, "bottle": bottle,
    "vase": vase, "bowl": bowl, "plate": plate, "can": can, "pane": pane,
}
