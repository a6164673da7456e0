"""The places of `world.environment`, each built around the action in real dimensions (see
renderer/surroundings.py for the rules every place keeps)."""
from __future__ import annotations

from collections.abc import Callable

import numpy as np
import trimesh

from bridge.schema import ENVIRONMENTS
from bridge.suggest import unknown_name
from renderer.surroundings import (
    FLAT,
    OUTDOOR_SKY,
    SKY_COLOR,
    Action,
    Environment,
    Part,
    Sky,
    arc,
    box,
    floor_quad,
    merge,
    quad,
    strip,
    walls,
)

ROOM_HEIGHT = 2.6  # a home's ceiling height
COUNTER_TOP, COUNTER_DEPTH, WORKTOP = 0.9, 0.6, 0.04  # kitchen counters
WALL_UNITS = (1.45, 2.2, 0.35)  # wall cabinets: bottom, top, depth
WINDOW = (1.2, 1.0, 1.0)  # width, height, sill height
PAINT = (0.86, 0.84, 0.79)  # warm off-white walls
INDOOR_SKY = Sky(zenith=(0.95, 0.93, 0.88), horizon=(0.75, 0.72, 0.66), ground=(0.42, 0.36, 0.3))
DAYLIGHT = (1.6, 1.7, 1.8)  # a window's glow: brighter than any lit wall
CEILING = (0.72, 0.7, 0.66)  # rooms have no ceiling mesh: above the walls reads as one


def window(at_x: float | None, at_y: float | None, along: float, wall_sign: float
           ) -> list[Part]:
    """A glowing pane with a white frame on the wall at x = at_x (or y = at_y), centred at
    `along` on it; `wall_sign` is the side of the room the wall is on (-1 or +1)."""
    w, h, sill = WINDOW
    inset = -wall_sign * 0.01  # just in front of the wall, towards the room

    def slab(a0, a1, z0, z1, depth):
        if at_x is not None:
            x = at_x + inset
            return box((min(x, x + inset * depth), a0, z0), (max(x, x + inset * depth), a1, z1))
        y = at_y + inset
        return box((a0, min(y, y + inset * depth), z0), (a1, max(y, y + inset * depth), z1))

    frame = 0.06
    pane = slab(along - w / 2, along + w / 2, sill, sill + h, 0.5)
    bars = [slab(along - w / 2 - frame, along + w / 2 + frame, sill - frame, sill, 4),
            slab(along - w / 2 - frame, along + w / 2 + frame, sill + h, sill + h + frame, 4),
            slab(along - w / 2 - frame, along - w / 2, sill, sill + h, 4),
            slab(along + w / 2, along + w / 2 + frame, sill, sill + h, 4),
            slab(along - frame / 4, along + frame / 4, sill, sill + h, 3)]
    return [Part("window/pane", pane, (0.9, 0.95, 1.0), roughness=0.05, emissive=DAYLIGHT),
            Part("window/frame", merge(bars), (0.92, 0.92, 0.9), roughness=0.5)]


def studio(action: Action, rng: np.random.Generator) -> Environment:
    """A photographer's cyclorama: a seamless floor curving up (1 m cove) into walls 4 m high
    along the back two sides, mitred where they meet."""
    radius, height = 1.0, 4.0
    x0, x1, y0, y1 = action.room((8.0, 8.0), radius + 1.0)
    x1, y0 = x1 + 6.0, y0 - 6.0  # open towards the camera
    phi = np.linspace(0.0, np.pi / 2, 9)
    cove = radius * np.sin(phi)  # distance into the cove, from its foot to the wall
    xs = np.concatenate([x0 + radius - cove[::-1], np.linspace(x0 + radius, x1, 7)[1:]])
    ys = np.concatenate([np.linspace(y0, y1 - radius, 7)[:-1], y1 - radius + cove])
    gx, gy = np.meshgrid(xs, ys, indexing="ij")
    into = np.maximum.reduce([gy - (y1 - radius), (x0 + radius) - gx, np.zeros_like(gx)])
    gz = radius - np.sqrt(np.maximum(radius**2 - into**2, 0.0))
    vertices = np.stack([gx, gy, gz], axis=-1).reshape(-1, 3)
    n = len(ys)
    faces = [[i * n + j, (i + 1) * n + j, (i + 1) * n + j + 1, i * n + j + 1]
             for i in range(len(xs) - 1) for j in range(n - 1)
             if into[i:i + 2, j:j + 2].max() > 0]  # the flat floor is the ground itself
    triangles = [[a, b, c] for a, b, c, _ in faces] + [[a, c, d] for a, _, c, d in faces]
    curve = trimesh.Trimesh(vertices, triangles, process=False)
    backs = [quad((x0, y1, radius), (x1, y1, radius), (x1, y1, height), (x0, y1, height)),
             quad((x0, y0, radius), (x0, y1, radius), (x0, y1, height), (x0, y0, height))]
    grey = (0.66, 0.66, 0.65)  # a mid-grey paper: a key light at full strength stays off white
    floor = Part("studio/floor", floor_quad(x0, x1, y0, y1), grey, roughness=0.9)
    parts = [Part("studio/cyclorama", merge([curve, *backs]), grey, roughness=0.9)]
    sky = Sky(zenith=(1.0, 1.0, 1.0), horizon=(0.85, 0.85, 0.85), ground=(0.55, 0.55, 0.54))
    return Environment("studio", floor, parts, sky, (0.86, 0.86, 0.85))


def kitchen(action: Action, rng: np.random.Generator) -> Environment:
    """Counters 0.9 m high along the back walls (cabinets under a stone worktop), wall
    cabinets over the back counter, a tiled backsplash, a window over the side counter."""
    x0, x1, y0, y1 = action.room((4.2, 3.6), COUNTER_DEPTH + 0.1)
    carcass, fronts, worktop = [], [], []
    runs = [((x0 + COUNTER_DEPTH, y1 - COUNTER_DEPTH), (x1, y1)),  # along the back wall
            ((x0, y0), (x0 + COUNTER_DEPTH, y1))]  # along the side wall
    for (ax, ay), (bx, by) in runs:
        carcass.append(box((ax, ay, 0.1), (bx, by, COUNTER_TOP - WORKTOP)))
        fronts.append(box((ax, ay, 0.0), (bx, by, 0.1)))  # the plinth
        worktop.append(box((ax - 0.02, ay - 0.02, COUNTER_TOP - WORKTOP),
                           (bx, by, COUNTER_TOP)))
    bottom, top, depth = WALL_UNITS
    upper = box((x0 + COUNTER_DEPTH + 0.3, y1 - depth, bottom), (x1 - 0.3, y1, top))
    splash = box((x0 + COUNTER_DEPTH, y1 - 0.01, COUNTER_TOP), (x1, y1, bottom))
    doors = [box((x, y1 - COUNTER_DEPTH - 0.005, 0.12), (x + 0.57, y1 - COUNTER_DEPTH,
                                                         COUNTER_TOP - WORKTOP - 0.02))
             for x in np.arange(x0 + COUNTER_DEPTH + 0.02, x1 - 0.6, 0.6)]
    sage = (0.5, 0.58, 0.54)
    parts = [Part("kitchen/walls", walls(x0, x1, y0, y1, ROOM_HEIGHT), PAINT, roughness=0.9),
             Part("kitchen/cabinets", merge([*carcass, upper]), sage, roughness=0.6),
             Part("kitchen/doors", merge(doors), tuple(0.9 * c for c in sage), roughness=0.5),
             Part("kitchen/plinth", merge(fronts), (0.2, 0.2, 0.2), roughness=0.8),
             Part("kitchen/worktop", merge(worktop), (0.3, 0.3, 0.32), "stone", roughness=0.35),
             Part("kitchen/backsplash", splash, (0.93, 0.93, 0.9), "tiles", roughness=0.3),
             *window(x0 + 0.001, None, (y0 + y1) / 2, -1.0)]
    floor = Part("kitchen/floor", floor_quad(x0, x1, y0, y1), (0.66, 0.64, 0.6), "tiles",
                 roughness=0.4)
    return Environment("kitchen", floor, parts, INDOOR_SKY, CEILING)


def living_room(action: Action, rng: np.random.Generator) -> Environment:
    """Boards and a rug, a sofa against the back wall, a bookshelf, a window."""
    x0, x1, y0, y1 = action.room((5.0, 4.0), 1.0)
    cx = (x0 + x1) / 2
    seat = box((cx - 1.0, y1 - 0.9, 0.0), (cx + 1.0, y1 - 0.2, 0.45))
    back = box((cx - 1.0, y1 - 0.2, 0.0), (cx + 1.0, y1, 0.85))
    arms = [box((cx + s * 1.0 - (0.2 if s > 0 else 0), y1 - 0.9, 0.0),
                (cx + s * 1.0 + (0.2 if s < 0 else 0), y1, 0.6)) for s in (-1, 1)]
    shelf_x = x0 + 0.01
    shelf = [box((shelf_x, y0 + 0.6, 0.0), (shelf_x + 0.3, y0 + 0.62, 1.8)),
             box((shelf_x, y0 + 1.4, 0.0), (shelf_x + 0.3, y0 + 1.42, 1.8)),
             *[box((shelf_x, y0 + 0.6, z), (shelf_x + 0.3, y0 + 1.42, z + 0.02))
               for z in (0.0, 0.45, 0.9, 1.35, 1.78)]]
    books: dict[int, list] = {0: [], 1: [], 2: []}
    for z in (0.02, 0.47, 0.92, 1.37):
        y = y0 + 0.63
        while y < y0 + 1.35:
            width, tall = rng.uniform(0.025, 0.05), rng.uniform(0.2, 0.3)
            books[int(rng.integers(3))].append(box((shelf_x + 0.04, y, z),
                                                   (shelf_x + 0.26, y + width, z + tall)))
            y += width + 0.003
    bindings = [(0.55, 0.15, 0.12), (0.15, 0.3, 0.45), (0.75, 0.65, 0.4)]
    rx, ry = action.centre[:2]
    rug = floor_quad(rx - 1.4, rx + 1.4, ry - 1.0, ry + 1.0, FLAT / 2)
    parts = [Part("living_room/walls", walls(x0, x1, y0, y1, ROOM_HEIGHT), PAINT,
                  roughness=0.9),
             Part("living_room/rug", rug, (0.55, 0.22, 0.18), "fabric", roughness=0.95),
             Part("living_room/sofa", merge([seat, back, *arms]), (0.32, 0.38, 0.48), "fabric",
                  roughness=0.9),
             Part("living_room/shelf", merge(shelf), (0.45, 0.3, 0.18), "wood", roughness=0.6),
             *[Part(f"living_room/books_{k}", merge(v), bindings[k], roughness=0.7)
               for k, v in books.items() if v],
             *window(None, y1 - 0.001, cx + 1.9 if cx + 2.6 < x1 else cx - 1.9, 1.0)]
    floor = Part("living_room/floor", floor_quad(x0, x1, y0, y1), (0.6, 0.42, 0.26), "planks",
                 roughness=0.5)
    return Environment("living_room", floor, parts, INDOOR_SKY, CEILING)


COURT = (28.0, 15.0)  # a FIBA basketball court, metres
LINE = 0.05
KEY = (5.8, 4.9)  # the restricted area: depth from the end line, width
THREE_POINT, BASKET = 6.75, 1.575  # three-point radius; the basket from the end line


def court(action: Action, rng: np.random.Generator) -> Environment:
    """A hardwood court with its lines, the action by one basket's key, inside a gym."""
    length, width = COURT
    cx, cy = action.centre[:2]
    ex0, ey0 = min(cx - 4.0, action.clear_low[0] - 0.5), cy - width / 2  # the near end line
    ex1, ey1 = ex0 + max(length, action.clear_high[0] - ex0 + 2), ey0 + width
    lines = [strip((ex0, ey0), (ex1, ey0), LINE), strip((ex0, ey1), (ex1, ey1), LINE),
             strip((ex0, ey0), (ex0, ey1), LINE), strip((ex1, ey0), (ex1, ey1), LINE),
             strip(((ex0 + ex1) / 2, ey0), ((ex0 + ex1) / 2, ey1), LINE),
             arc(((ex0 + ex1) / 2, cy), 1.8, 0, 360, LINE)]
    for end, sign in ((ex0, 1.0), (ex1, -1.0)):
        depth, half = KEY[0] * sign, KEY[1] / 2
        lines += [strip((end, cy - half), (end + depth, cy - half), LINE),
                  strip((end, cy + half), (end + depth, cy + half), LINE),
                  strip((end + depth, cy - half), (end + depth, cy + half), LINE),
                  arc((end + depth, cy), 1.8, -90, 90, LINE) if sign > 0
                  else arc((end + depth, cy), 1.8, 90, 270, LINE)]
        basket = end + sign * BASKET
        side = width / 2 - 0.9  # the arc meets straight lines 0.9 m in from the sidelines
        reach = np.degrees(np.arcsin(side / THREE_POINT))
        start = -reach if sign > 0 else 180 - reach
        lines.append(arc((basket, cy), THREE_POINT, start, start + 2 * reach, LINE, 64))
        tip = basket + sign * THREE_POINT * np.cos(np.radians(reach))
        lines += [strip((end, cy - side), (tip, cy - side), LINE),
                  strip((end, cy + side), (tip, cy + side), LINE)]
    gx0, gx1, gy0, gy1 = ex0 - 3.0, ex1 + 3.0, ey0 - 3.0, ey1 + 6.0
    steps = [box((gx0, ey1 + 1.5 + 0.8 * k, 0.0), (gx1, ey1 + 2.3 + 0.8 * k, 0.45 * (k + 1)))
             for k in range(5)]
    parts = [Part("court/lines", merge(lines), (0.95, 0.95, 0.93), roughness=0.5),
             Part("court/walls", walls(gx0, gx1, gy0, gy1, 9.0), (0.7, 0.68, 0.62),
                  roughness=0.85),
             Part("court/bleachers", merge(steps), (0.35, 0.38, 0.45), roughness=0.6)]
    floor = Part("court/floor", floor_quad(gx0, gx1, gy0, gy1), (0.78, 0.56, 0.34), "planks",
                 roughness=0.35)
    sky = Sky(zenith=(1.0, 0.97, 0.9), horizon=(0.7, 0.66, 0.6), ground=(0.55, 0.4, 0.26))
    return Environment("court", floor, parts, sky, (0.22, 0.22, 0.24))


def street(action: Action, rng: np.random.Generator) -> Environment:
    """A road along x under the action, kerbs 0.15 m high, pavements, façades and lamps
    behind the far pavement."""
    cx, cy = action.centre[:2]
    half = max(3.5, (action.clear_high[1] - action.clear_low[1]) / 2)  # the road's half-width
    x0, x1 = cx - 40.0, cx + 40.0
    kerb, walk = 0.15, 2.0
    pavements = [box((x0, cy + half, 0.0), (x1, cy + half + walk, kerb)),
                 box((x0, cy - half - walk, 0.0), (x1, cy - half, kerb))]
    dashes = [strip((x, cy), (x + 3.0, cy), 0.12) for x in np.arange(x0, x1, 6.0)]
    fronts, windows, x = [], [], x0
    face = cy + half + walk
    while x < x1:
        span, height = rng.uniform(8, 14), rng.uniform(8, 15)
        fronts.append(box((x, face, 0.0), (x + span - 0.3, face + 10.0, height)))
        for wx in np.arange(x + 1.0, x + span - 2.0, 3.0):
            for wz in np.arange(3.5, height - 1.5, 3.2):
                windows.append(box((wx, face - 0.02, wz), (wx + 1.2, face, wz + 1.5)))
        x += span
    poles = [trimesh.creation.cylinder(0.06, 5.0, transform=trimesh.transformations
                                       .translation_matrix((px, face - 0.5, kerb + 2.5)))
             for px in np.arange(x0 + 6.0, x1, 14.0)]
    heads = [box((px - 0.2, face - 0.8, kerb + 5.0), (px + 0.2, face - 0.3, kerb + 5.15))
             for px in np.arange(x0 + 6.0, x1, 14.0)]
    brick = [(0.55, 0.32, 0.25), (0.78, 0.72, 0.6), (0.6, 0.6, 0.62)][int(rng.integers(3))]
    parts = [Part("street/pavements", merge(pavements), (0.62, 0.62, 0.6), "concrete",
                  roughness=0.9),
             Part("street/markings", merge(dashes), (0.92, 0.92, 0.9), roughness=0.6),
             Part("street/buildings", merge(fronts), brick, "concrete", roughness=0.85),
             Part("street/windows", merge(windows), (0.12, 0.16, 0.2), roughness=0.1),
             Part("street/lamp_posts", merge(poles), (0.2, 0.22, 0.22), metallic=0.8,
                  roughness=0.4),
             Part("street/lamps", merge(heads), (1.0, 0.95, 0.8), emissive=(1.0, 0.9, 0.7))]
    floor = Part("street/road", floor_quad(x0, x1, cy - 40.0, cy + 40.0), (0.2, 0.2, 0.21),
                 "concrete", roughness=0.9)
    return Environment("street", floor, parts, OUTDOOR_SKY, SKY_COLOR)


def space_station(action: Action, rng: np.random.Generator) -> Environment:
    """A module interior: panelled walls, floor and ceiling, light strips, handrails and a
    porthole onto black space. It grows to hold bodies floating high in zero gravity."""
    x0, x1, y0, y1 = action.room((4.0, 3.2), 0.6)
    bottom = min(0.0, action.low[2] - 0.3)
    top = max(2.4, action.high[2] + 0.3)
    ceiling = quad((x0, y0, top), (x0, y1, top), (x1, y1, top), (x1, y0, top))  # faces down
    cy = (y0 + y1) / 2
    strips = [box((x0 + 0.5, y, top - 0.03), (x1 - 0.5, y + 0.15, top - 0.001))
              for y in (cy - 0.6, cy + 0.45)]
    rails = [box((x0 + 0.3, y1 - 0.08, bottom + 1.0), (x1 - 0.3, y1 - 0.05, bottom + 1.03)),
             box((x0 + 0.05, y0 + 0.3, bottom + 1.0), (x0 + 0.08, y1 - 0.3, bottom + 1.03))]
    port = trimesh.creation.cylinder(0.3, 0.02, sections=32)
    port.apply_transform(trimesh.transformations.rotation_matrix(np.pi / 2, (1, 0, 0)))
    port.apply_translation(((x0 + x1) / 2, y1 - 0.005, bottom + 1.5))
    ring = trimesh.creation.annulus(0.3, 0.38, 0.04, sections=32)
    ring.apply_transform(trimesh.transformations.rotation_matrix(np.pi / 2, (1, 0, 0)))
    ring.apply_translation(((x0 + x1) / 2, y1 - 0.015, bottom + 1.5))
    panel = (0.78, 0.8, 0.82)
    parts = [Part("space_station/walls", merge([walls(x0, x1, y0, y1, top, bottom), ceiling]),
                  panel, "brushed_metal", metallic=0.3, roughness=0.45),
             Part("space_station/lights", merge(strips), (1.0, 1.0, 1.0),
                  emissive=(1.8, 1.85, 1.9)),
             Part("space_station/handrails", merge(rails), (0.85, 0.68, 0.12), roughness=0.4),
             Part("space_station/porthole", port, (0.01, 0.01, 0.02), roughness=0.05),
             Part("space_station/porthole_ring", ring, (0.3, 0.31, 0.33), metallic=0.8,
                  roughness=0.3)]
    floor = Part("space_station/floor", floor_quad(x0, x1, y0, y1, bottom), (0.5, 0.52, 0.55),
                 "brushed_metal", metallic=0.4, roughness=0.5)
    sky = Sky(zenith=(1.0, 1.0, 1.0), horizon=(0.55, 0.57, 0.6), ground=(0.35, 0.36, 0.38))
    return Environment("space_station", floor, parts, sky, (0.02, 0.02, 0.03))


def _none(action: Action, rng: np.random.Generator) -> Environment:
    return Environment("none", None, [], OUTDOOR_SKY, SKY_COLOR)


PLACES: dict[str, Callable[[Action, np.random.Generator], Environment]] = {
    "none": _none, "studio": studio, "kitchen": kitchen, "living_room": living_room,
    "court": court, "street": street, "space_station": space_station}


def build_environment(name: str, low: np.ndarray, high: np.ndarray, seed: int) -> Environment:
    """The named place around the action box [low, high] (world corners); `seed` varies small
    things (book colours, building heights) and nothing else."""
    if name not in PLACES:
        raise ValueError(unknown_name("environment", name, ENVIRONMENTS))
    action = Action(np.asarray(low, float), np.asarray(high, float))
    return PLACES[name](action, np.random.default_rng([seed, 0x5C0E]))
