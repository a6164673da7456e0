"""Balls, dominoes and pins. Hollow balls are thick shells, so their inertia is a shell's."""
from __future__ import annotations

from collections.abc import Callable
from functools import partial

import numpy as np
import trimesh

from bridge.assets.geometry import CollisionPart
from bridge.assets.shapes import (
    Params,
    Shape,
    ball,
    box_mesh,
    box_part,
    boxes,
    revolve,
    revolved_hulls,
    shell,
    union,
)
from bridge.transforms import quat_from_euler_deg

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


# A regulation hoop (FIBA/NBA): backboard 1.83 x 1.07 m, its lower edge 0.15 m below the
# rim; the rim's near inner edge 0.15 m out from the board; a 16 mm rod.
BOARD = (0.03, 1.83, 1.07)  # thickness (x), width (y), height (z)
BOARD_BELOW_RIM, RIM_FROM_BOARD, ROD = 0.15, 0.15, 0.008
POLE, REACH = 0.15, 1.2  # the pole's square side, and the board's face out from it along x
RIM_SEGMENTS = 24


def rim_centre(p: Params) -> np.ndarray:
    """The centre of the rim's opening, body frame (the pole's foot is the origin)."""
    return np.array([REACH + RIM_FROM_BOARD + p["radius"], 0.0, p["height"]])


def basketball_hoop(p: Params) -> Shape:
    """Pole at the origin, an arm out along +x to the backboard, whose face looks along +x,
    and the rim out from the board: rim height `height`, inner radius `radius`."""
    h, r = p["height"], p["radius"]
    bottom = h - BOARD_BELOW_RIM
    top = bottom + BOARD[2]
    specs = [((POLE, POLE, top), (0.0, 0.0, top / 2)),  # pole
             ((REACH - BOARD[0], 0.1, 0.1), ((REACH - BOARD[0]) / 2, 0.0, bottom + 0.3)),  # arm
             (BOARD, (REACH - BOARD[0] / 2, 0.0, bottom + BOARD[2] / 2)),  # backboard
             ((RIM_FROM_BOARD, 0.05, 2 * ROD), (REACH + RIM_FROM_BOARD / 2, 0.0, h))]  # bracket
    parts = [box_part(np.array(size), np.array(centre)) for size, centre in specs]
    centre, ring = rim_centre(p), r + ROD
    half = ring * np.tan(np.pi / RIM_SEGMENTS)
    for k in range(RIM_SEGMENTS):
        angle = 360.0 * k / RIM_SEGMENTS
        at = centre + ring * np.array([np.cos(np.radians(angle)), np.sin(np.radians(angle)), 0])
        parts.append(CollisionPart("box", position=at, half_extents=np.array([ROD, half, ROD]),
                                   quaternion=quat_from_euler_deg((0.0, 0.0, angle))))
    torus = trimesh.creation.torus(major_radius=ring, minor_radius=ROD, major_sections=48,
                                   minor_sections=12)
    torus.apply_translation(centre)
    visual = union([box_mesh(np.array(size), np.array(c)) for size, c in specs] + [torus])
    return visual, parts


GOAL_POST = 0.12  # m: posts and bar, the regulation's most
NET_MESH, NET_CORD = 0.3, 0.012  # m: the net's mesh spacing and cord


def goal_mouth(p: Params) -> tuple[np.ndarray, np.ndarray]:
    """The mouth's centre on the goal line and its half sizes (along y, along z)."""
    return (np.array([0.0, 0.0, p["height"] / 2]),
            np.array([p["width"] / 2, p["height"] / 2]))


def soccer_goal(p: Params) -> Shape:
    """Posts and a crossbar on the goal line (the origin: its centre on the ground), the mouth
    facing -x, and a net `depth` deep behind it: cords to see, panels to stop the ball."""
    w, h, depth = p["width"], p["height"], p["depth"]
    post, side = GOAL_POST, w / 2 + GOAL_POST / 2
    frame = [((post, post, h + post), (0.0, sy * side, (h + post) / 2)) for sy in (-1, 1)]
    frame.append(((post, w + 2 * post, post), (0.0, 0.0, h + post / 2)))
    panels = [((NET_CORD, w, h), (depth, 0.0, h / 2)),  # back
              ((depth, w, NET_CORD), (depth / 2, 0.0, h)),  # roof
              *[((depth, NET_CORD, h), (depth / 2, sy * w / 2, h / 2)) for sy in (-1, 1)]]
    parts = [box_part(np.array(size), np.array(c)) for size, c in frame + panels]
    cords = [box_mesh(np.array(size), np.array(c)) for size, c in frame + _net_cords(w, h, depth)]
    return union(cords), parts


def _net_cords(w: float, h: float, depth: float) -> list[tuple]:
    """The net's cords as thin boxes: a square mesh on the back, the roof and the sides."""
    across = np.arange(-w / 2, w / 2 + 1e-9, NET_MESH)
    up = np.arange(NET_CORD / 2, h + 1e-9, NET_MESH)  # the lowest cord on the ground
    back = np.arange(0.0, depth + 1e-9, NET_MESH)
    c = NET_CORD
    cords = [((c, c, h), (depth, y, h / 2)) for y in across]  # back, upright
    cords += [((c, w, c), (depth, 0.0, z)) for z in up]  # back, level
    cords += [((depth, c, c), (depth / 2, y, h)) for y in across]  # roof, front to back
    cords += [((c, w, c), (x, 0.0, h)) for x in back]  # roof, across
    for sy in (-1, 1):
        cords += [((depth, c, c), (depth / 2, sy * w / 2, z)) for z in up]  # side, level
        cords += [((c, c, h), (x, sy * w / 2, h / 2)) for x in back]  # side, upright
    return cords


_SOLID = ("ball", "bowling_ball", "billiard_ball", "marble", "ball_bearing", "baseball")

BUILDERS: dict[str, Callable[[Params], Shape]] = {
    **{name: solid_ball for name in _SOLID},
    **{name: partial(hollow_ball, f) for name, f in SHELL_FRACTION.items()},
    "domino": domino, "bowling_pin": bowling_pin, "basketball_hoop": basketball_hoop,
    "soccer_goal": soccer_goal,
}
