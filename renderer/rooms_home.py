"""The places at home: the studio cyclorama, the kitchen and the living room (see
renderer/room_parts.py for the rules every place keeps)."""
from __future__ import annotations

import numpy as np
import trimesh

from renderer.room_parts import (
    FRAME_WIDTH,
    MARK_Z,
    ROOM_HEIGHT,
    Action,
    Meshes,
    Run,
    Span,
    asset,
    box,
    facing_action,
    flat_rect,
    merge,
    rod,
    room_around,
    shell,
    spans,
    window,
)

# Studio: a photographer's cyclorama.
CYC_HEIGHT, COVE_RADIUS, COVE_SEGMENTS, CYC_CORNER = 4.0, 1.0, 8, 1.5
STUDIO_BEHIND, STUDIO_REACH = 2.5, 4.0  # walls behind the action; how far the cyc runs on


# Kitchen. Worktop height and cabinet sizes are the European standard ones.
KITCHEN_SIZE = (4.2, 3.6)
COUNTER_HEIGHT, COUNTER_DEPTH, WORKTOP, OVERHANG = 0.9, 0.6, 0.04, 0.02
PLINTH, PLINTH_SETBACK = 0.1, 0.06  # the toe kick under the base cabinets
DOOR_WIDTH, DOOR, GAP = 0.6, 0.02, 0.003  # nominal door width, door thickness, half the gap
HANDLE_LENGTH, HANDLE_PROUD = 0.14, 0.025
WALL_CABINET_LOW, WALL_CABINET_HIGH, WALL_CABINET_DEPTH = 1.45, 2.2, 0.35
KITCHEN_WINDOW, KITCHEN_SILL = (1.2, 1.0), 1.0  # pane width x height; sill height
FRIDGE = (0.6, 0.65, 1.85)  # width, depth, height
SINK, HOB = (0.8, 0.4), (0.6, 0.5)  # width x depth, set into the worktop
KITCHEN_BACK = COUNTER_DEPTH + 0.1  # floor kept for the counters along the back walls

# Living room.
LIVING_SIZE = (5.0, 4.2)
SOFA_WIDTH, SOFA_DEPTH, SOFA_SEAT, SOFA_BACK = 2.0, 0.9, 0.45, 0.85
SOFA_ARM, SOFA_ARM_HEIGHT, SOFA_BACK_DEPTH, SOFA_LEGS, CUSHION = 0.2, 0.62, 0.22, 0.08, 0.14
WALL_GAP = 0.03  # furniture stands this far off the wall
BOOKSHELF = {"width": 0.9, "depth": 0.3, "height": 1.9, "boards": 5}
SHELF_AT = 0.5  # the bookshelf's near edge, this far along the -x wall from the corner
BOOK_GROUPS = 4  # books come in this many colours (one draw each)
SIDE_TABLE = {"width": 0.5, "depth": 0.5, "height": 0.55, "top": 0.03}
LAMP_HEIGHT, SHADE = 1.6, (0.2, 0.3)  # floor lamp; shade radius and height
RUG = (2.4, 1.7)
LIVING_WINDOW, LIVING_SILL = (1.4, 1.3), 0.9  # above the sofa's back (0.85 m)
PICTURE = (1.0, 0.7)
SKIRTING = (0.015, 0.08)


# --- studio -------------------------------------------------------------------------------

def studio(action: Action, rng: np.random.Generator) -> Meshes:
    """A cyclorama: the floor sweeps up through a cove into walls along +y and -x, the two
    walls meeting round a curved corner, with no edge anywhere for the eye to catch."""
    c, lo, hi = action.centre, action.clear_low, action.clear_high
    behind = COVE_RADIUS + 0.2  # the cove rises only beyond the clear box
    y1 = max(hi[1] + behind, c[1] + STUDIO_BEHIND)
    x0 = min(lo[0] - behind, c[0] - STUDIO_BEHIND)
    x1, y0 = max(hi[0] + 1.0, c[0] + STUDIO_REACH), min(lo[1] - 1.0, c[1] - STUDIO_REACH)
    return {"floor": flat_rect((x0, x1), (y0, y1)),
            "cyclorama": cyclorama(x0, x1, y0, y1)}


def cyclorama(x0: float, x1: float, y0: float, y1: float) -> trimesh.Trimesh:
    """The cove profile swept along the foot of the walls y = y1 (from x1) and x = x0 (to
    y0), round a corner of plan radius CYC_CORNER."""
    centre = np.array([x0 + CYC_CORNER, y1 - CYC_CORNER])
    phi = np.radians(np.linspace(90, 180, COVE_SEGMENTS + 1))
    bend = np.stack([np.cos(phi), np.sin(phi)], axis=1)
    path = np.vstack([[x1, y1], centre + CYC_CORNER * bend, [x0, y0]])
    inward = np.vstack([[0, -1], -bend, [1, 0]])
    theta = np.radians(np.linspace(0, 90, COVE_SEGMENTS + 1))
    reach = np.append(COVE_RADIUS * (1 - np.sin(theta)), 0.0)  # distance out from the wall
    rise = np.append(COVE_RADIUS * (1 - np.cos(theta)), CYC_HEIGHT)
    grid = np.concatenate([path[:, None, :] + reach[None, :, None] * inward[:, None, :],
                           np.broadcast_to(rise[None, :, None], (len(path), len(rise), 1))],
                          axis=2)
    n = len(rise)
    k = (np.arange(len(path) - 1)[:, None] * n + np.arange(n - 1)[None, :]).ravel()
    faces = np.concatenate([np.stack([k, k + n, k + n + 1], 1), np.stack([k, k + n + 1, k + 1], 1)])
    mesh = trimesh.Trimesh(grid.reshape(-1, 3), faces, process=False)
    if mesh.face_normals[:, 2].sum() < 0:  # the floor end must face up, the walls in
        mesh = trimesh.Trimesh(mesh.vertices, faces[:, ::-1], process=False)
    return mesh


# --- kitchen ------------------------------------------------------------------------------

def kitchen(action: Action, rng: np.random.Generator) -> Meshes:
    """Counters in an L along the back walls under wall cabinets, a window over the sink in
    one of them (the seed chooses), a hob in the other, a fridge at the end of the -x run."""
    room = room_around(action, KITCHEN_SIZE, KITCHEN_BACK)
    north, west = room.north, room.west
    corner = COUNTER_DEPTH + OVERHANG  # the north counter owns the corner
    counters = {"north": (north, 0.0, north.length),
                "west": (west, corner, west.length - FRIDGE[0] - 0.02)}
    sink_side = ("north", "west")[int(rng.integers(2))]
    run, a, b = counters[sink_side]
    margin = KITCHEN_WINDOW[0] / 2 + FRAME_WIDTH + 0.2
    uc = facing_action(run, action, rng, max(a, corner) + margin, b - margin)
    hole = (uc - margin, uc + margin)  # no wall cabinets here
    framed = (uc - KITCHEN_WINDOW[0] / 2 - FRAME_WIDTH, uc + KITCHEN_WINDOW[0] / 2 + FRAME_WIDTH)
    frame, pane = window(run, uc, KITCHEN_WINDOW, KITCHEN_SILL, board=False)
    parts = {k: [] for k in ("worktop", "cabinets", "plinth", "steel", "backsplash")}
    for side, (run, a, b) in counters.items():
        _counter(parts, run, a, b, blind=corner if side == "north" else 0.0)
        holes = [hole] if side == sink_side else []
        start = 0.0 if side == "north" else WALL_CABINET_DEPTH
        for s in spans(start, b, holes):
            body, handles = _cabinets(run, s, WALL_CABINET_DEPTH, (WALL_CABINET_LOW,
                                      WALL_CABINET_HIGH), WALL_CABINET_LOW + 0.05)
            parts["cabinets"] += body
            parts["steel"] += handles
        z = (COUNTER_HEIGHT, WALL_CABINET_LOW)
        tiled = spans(a, b, [framed] if side == sink_side else [])
        parts["backsplash"] += [run.panel(s, z, 0.005) for s in tiled]
    run, a, b = counters[sink_side]  # under the window, the tiles stop at its frame
    parts["backsplash"].append(run.panel(framed, (COUNTER_HEIGHT, KITCHEN_SILL - FRAME_WIDTH),
                                         0.005))
    parts["steel"] += _sink(run, uc) + _fridge(west)
    other, a, b = counters["west" if sink_side == "north" else "north"]
    u = (max(a, corner) + b) / 2
    hob = other.box((u - HOB[0] / 2, u + HOB[0] / 2), (0.05, 0.05 + HOB[1]),
                    (COUNTER_HEIGHT, COUNTER_HEIGHT + 0.004))
    height = action.ceiling(ROOM_HEIGHT)
    return {"floor": flat_rect((room.x0, room.x1), (room.y0, room.y1)),
            "walls": shell(room, height, ceiling=True),
            **{k: merge(v) for k, v in parts.items()},
            "hob": hob, "window_frame": merge(frame), "window_pane": pane}


def _counter(parts: dict[str, list], run: Run, a: float, b: float, blind: float) -> None:
    """Base cabinets from u = a to b under a worktop; no doors on the first `blind` metres
    (a corner hidden behind the other run)."""
    parts["worktop"].append(run.box((a, b), (0, COUNTER_DEPTH + OVERHANG),
                                    (COUNTER_HEIGHT - WORKTOP, COUNTER_HEIGHT)))
    parts["plinth"].append(run.box((a, b), (0, COUNTER_DEPTH - PLINTH_SETBACK), (0, PLINTH)))
    top = COUNTER_HEIGHT - WORKTOP
    body, handles = _cabinets(run, (a + blind, b), COUNTER_DEPTH, (PLINTH, top), top - 0.06)
    parts["cabinets"] += body
    parts["steel"] += handles


def _cabinets(run: Run, u: Span, depth: float, z: Span,
              handle_z: float) -> tuple[list[trimesh.Trimesh], list[trimesh.Trimesh]]:
    """A row of cabinets `depth` deep: the carcass and doors of about DOOR_WIDTH, and a bar
    handle on each door at `handle_z`."""
    body = [run.box(u, (0, depth - DOOR), z)]
    count = max(1, round((u[1] - u[0]) / DOOR_WIDTH))
    width = (u[1] - u[0]) / count
    handles = []
    for i in range(count):
        a, b = u[0] + i * width, u[0] + (i + 1) * width
        body.append(run.box((a + GAP, b - GAP), (depth - DOOR, depth), (z[0] + GAP, z[1] - GAP)))
        m = (a + b) / 2
        handles.append(run.box((m - HANDLE_LENGTH / 2, m + HANDLE_LENGTH / 2),
                               (depth, depth + HANDLE_PROUD), (handle_z - 0.008, handle_z + 0.008)))
    return body, handles


def _sink(run: Run, uc: float) -> list[trimesh.Trimesh]:
    """A steel sink in the worktop under the window, and its tap."""
    top = COUNTER_HEIGHT
    basin = run.box((uc - SINK[0] / 2, uc + SINK[0] / 2), (0.15, 0.15 + SINK[1]),
                    (top, top + 0.003))
    foot, head = run.point(uc, 0.08, top), run.point(uc, 0.08, top + 0.3)
    return [basin, rod(foot, head, 0.015), rod(head, run.point(uc, 0.3, top + 0.3), 0.012)]


def _fridge(run: Run) -> list[trimesh.Trimesh]:
    """A tall steel fridge at the end of the run, its handle by the door's far edge."""
    w, d, h = FRIDGE
    u = run.length
    return [run.box((u - w, u), (0, d), (0, h)),
            run.box((u - w + 0.04, u - w + 0.06), (d, d + 0.03), (0.95, 1.6))]


# --- living room --------------------------------------------------------------------------

def living_room(action: Action, rng: np.random.Generator) -> Meshes:
    """A sofa against the +y wall between a side table and a floor lamp, a bookshelf on the
    -x wall, a window behind the sofa or beside the shelf (the seed chooses), a rug."""
    room = room_around(action, LIVING_SIZE, SOFA_DEPTH + WALL_GAP + 0.07)
    north, west = room.north, room.west
    shelf_end = SHELF_AT + BOOKSHELF["width"]
    low = BOOKSHELF["depth"] + SIDE_TABLE["width"] + 0.2 + SOFA_WIDTH / 2
    us = facing_action(north, action, rng, low, north.length - SOFA_WIDTH / 2 - 0.7)
    fabric, wood = _sofa(north, us)
    table_at = north.point(us - SOFA_WIDTH / 2 - SIDE_TABLE["width"] / 2 - 0.05,
                           WALL_GAP + SIDE_TABLE["depth"] / 2, 0)
    wood.append(asset("table", **SIDE_TABLE).apply_translation(table_at))
    shelf, books = _bookshelf(west, SHELF_AT + BOOKSHELF["width"] / 2, rng)
    wood.append(shelf)
    trim = [north.box((0, north.length), (0, SKIRTING[0]), (0, SKIRTING[1])),
            west.box((0, west.length), (0, SKIRTING[0]), (0, SKIRTING[1]))]
    extra: Meshes = {}
    if rng.integers(2):  # the window behind the sofa
        frame, pane = window(north, us, LIVING_WINDOW, LIVING_SILL)
    else:  # the window beside the bookshelf, a picture over the sofa
        margin = LIVING_WINDOW[0] / 2 + FRAME_WIDTH + 0.3
        uw = facing_action(west, action, rng, shelf_end + margin, west.length - margin)
        frame, pane = window(west, uw, LIVING_WINDOW, LIVING_SILL)
        canvas, picture_frame = _picture(north, us)
        wood += picture_frame
        extra["picture"] = canvas
    lamp, shade = _floor_lamp(north.point(us + SOFA_WIDTH / 2 + 0.3, WALL_GAP + SHADE[0], 0))
    c = action.centre
    rug = flat_rect((c[0] - RUG[0] / 2, c[0] + RUG[0] / 2), (c[1] - RUG[1] / 2, c[1] + RUG[1] / 2),
                    MARK_Z)
    return {"floor": flat_rect((room.x0, room.x1), (room.y0, room.y1)),
            "walls": shell(room, action.ceiling(ROOM_HEIGHT), ceiling=True), "rug": rug,
            "sofa": merge(fabric), "woodwork": merge(wood),
            **{f"books_{i}": merge(g) for i, g in enumerate(books) if g},
            "trim": merge(trim + frame), "window_pane": pane, "lamp": lamp,
            "lampshade": shade, **extra}


def _sofa(run: Run, uc: float) -> tuple[list[trimesh.Trimesh], list[trimesh.Trimesh]]:
    """A two-seater centred `uc` along the wall: (upholstery, wooden legs)."""
    a, b = uc - SOFA_WIDTH / 2, uc + SOFA_WIDTH / 2
    v0, v1 = WALL_GAP, WALL_GAP + SOFA_DEPTH
    vb, legs = v0 + SOFA_BACK_DEPTH, SOFA_LEGS
    fabric = [run.box((a, b), (v0, vb), (legs, SOFA_BACK)),
              run.box((a, a + SOFA_ARM), (v0, v1), (legs, SOFA_ARM_HEIGHT)),
              run.box((b - SOFA_ARM, b), (v0, v1), (legs, SOFA_ARM_HEIGHT)),
              run.box((a + SOFA_ARM, b - SOFA_ARM), (vb, v1), (legs, SOFA_SEAT - CUSHION))]
    half = (b - a - 2 * SOFA_ARM) / 2
    for i in range(2):  # two seat cushions, two back cushions
        u = (a + SOFA_ARM + i * half + 0.005, a + SOFA_ARM + (i + 1) * half - 0.005)
        fabric.append(run.box(u, (vb, v1), (SOFA_SEAT - CUSHION, SOFA_SEAT)))
        fabric.append(run.box(u, (vb, vb + 0.16), (SOFA_SEAT, SOFA_BACK - 0.04)))
    wood = [run.box((u, u + 0.05), (v, v + 0.05), (0, legs))
            for u in (a + 0.03, b - 0.08) for v in (v0 + 0.03, v1 - 0.08)]
    return fabric, wood


def _bookshelf(run: Run, uc: float, rng: np.random.Generator
               ) -> tuple[trimesh.Trimesh, list[list[trimesh.Trimesh]]]:
    """The library's shelf, open to the room, centred `uc` along the wall, with rows of
    books of seeded sizes on every board but the top: (shelf, books by colour group)."""
    w, d, h, count = (BOOKSHELF[k] for k in ("width", "depth", "height", "boards"))
    board = 0.018  # bridge/assets/furniture.BOARD
    pitch = (h - board) / (count - 1)
    groups: list[list[trimesh.Trimesh]] = [[] for _ in range(BOOK_GROUPS)]
    back = d / 2 - board / 3
    for i in range(count - 1):
        z, x = board + i * pitch, -w / 2 + board + rng.uniform(0.0, 0.1)
        end = w / 2 - board - rng.uniform(0.05, 0.3)
        while (t := rng.uniform(0.02, 0.05)) + x <= end:
            tall, deep = min(rng.uniform(0.18, 0.3), pitch - board - 0.04), rng.uniform(0.15, 0.22)
            groups[int(rng.integers(BOOK_GROUPS))].append(box((x, back - deep, z),
                                                              (x + t, back, z + tall)))
            x += t + 0.002
    # The shelf opens towards its -y; turned a quarter right about z, -y becomes the room.
    place = trimesh.geometry.align_vectors([0, -1, 0], [*run.inward, 0])
    place[:3, 3] = run.point(uc, WALL_GAP + d / 2, 0)
    shelf = asset("shelf", **BOOKSHELF).apply_transform(place)
    return shelf, [[b.apply_transform(place) for b in g] for g in groups]


def _picture(run: Run, uc: float) -> tuple[trimesh.Trimesh, list[trimesh.Trimesh]]:
    """A framed picture over the sofa: (canvas, frame)."""
    w, h = PICTURE
    u, z, f = (uc - w / 2, uc + w / 2), (1.25, 1.25 + h), 0.04
    frame = [run.box((u[0] - f, u[0]), (0, 0.03), (z[0] - f, z[1] + f)),
             run.box((u[1], u[1] + f), (0, 0.03), (z[0] - f, z[1] + f)),
             run.box(u, (0, 0.03), (z[0] - f, z[0])), run.box(u, (0, 0.03), (z[1], z[1] + f))]
    return run.panel(u, z, 0.01), frame


def _floor_lamp(foot: np.ndarray) -> tuple[trimesh.Trimesh, trimesh.Trimesh]:
    """A floor lamp standing at `foot`: (base and pole, shade)."""
    top = LAMP_HEIGHT - SHADE[1]
    metal = merge([rod(foot, foot + [0, 0, 0.02], 0.15, 20),
                   rod(foot, foot + [0, 0, top + 0.1], 0.012, 8)])
    return metal, rod(foot + [0, 0, top], foot + [0, 0, LAMP_HEIGHT], SHADE[0], 20)
