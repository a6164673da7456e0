"""The places away from home: the basketball court, the street and the space station (see
renderer/room_parts.py for the rules every place keeps)."""
from __future__ import annotations

import numpy as np
import trimesh

from renderer.room_parts import (
    PAINT_Z,
    Action,
    Meshes,
    Room,
    Run,
    Span,
    box,
    facing_action,
    flat_arc,
    flat_disk,
    flat_line,
    flat_rect,
    merge,
    quad,
    rod,
    room_around,
    shell,
    spans,
)

# Basketball court (FIBA).
COURT_LENGTH, COURT_WIDTH, LINE_WIDTH = 28.0, 15.0, 0.05
KEY_WIDTH, KEY_LENGTH, CIRCLE_RADIUS = 4.9, 5.8, 1.8  # circles: centre and free-throw
THREE_POINT_RADIUS, THREE_POINT_SIDE = 6.75, 0.9  # arc; straight parts' distance to sideline
NO_CHARGE_RADIUS = 1.25
BASKET_FROM_END, BOARD_FROM_END, RIM_HEIGHT, RIM_RADIUS = 1.575, 1.2, 3.05, 0.225
BACKBOARD, BACKBOARD_BOTTOM = (1.8, 1.05), 2.9
BASKET_REACH = 2.1  # baskets stand between 2.2 m behind and this far in front of the end line
ACTION_FROM_END = 4.0  # the action sits in the key, between the basket and the free-throw line
BLEACHER_ROWS, ROW_RISE, ROW_DEPTH = 8, 0.45, 0.8
GYM_HEIGHT, GYM_RUN_OFF, BLEACHER_GAP = 9.0, 3.0, 2.0  # run-off: floor beyond the lines
LIGHT_PANEL, LIGHT_PITCH = (1.2, 0.6), 4.0

# Street.
ROAD_WIDTH, SIDEWALK, CURB_HEIGHT, CURB_WIDTH = 7.0, 2.0, 0.15, 0.15
STREET_REACH = 20.0  # the street runs this far either way of the action
LANE_LINE, DASH, DASH_GAP, EDGE_INSET = 0.12, 3.0, 6.0, 0.3
BUILDING_WIDTH, BUILDING_HEIGHT, BUILDING_DEPTH, BUILDING_GROUPS = (6, 14), (8, 15), 10.0, 3
STOREY, GROUND_STOREY, WINDOW_SIZE, WINDOW_PITCH = 3.0, 3.5, (1.2, 1.5), 2.5
LIT_FRACTION = 0.2  # windows with a light on
CORNICE = (0.25, 0.3)  # overhang and height
LAMP_POST, LAMP_ARM, LAMP_SPACING = 6.0, 1.2, 25.0

# Space station module: an ISS-like interior.
MODULE_SIZE, MODULE_HEIGHT = (4.0, 3.0), 2.4
FLOOR_PANEL, WALL_PANEL, PANEL_PROUD = 0.6, (1.0, 0.75), 0.012
LIGHT_STRIP, LIGHT_STRIP_SPACING = 0.15, 1.2
HANDRAIL_RADIUS, HANDRAIL_STANDOFF, HANDRAIL_HEIGHT = 0.017, 0.07, 0.95
PORTHOLE_RADIUS, PORTHOLE_RIM, PORTHOLE_HEIGHT = 0.25, 0.08, 1.45
RACK = (1.0, 0.3, 2.0)  # width, depth, height of the equipment rack
MODULE_BACK = RACK[1] + 0.1


# --- basketball court ---------------------------------------------------------------------

def court(action: Action, rng: np.random.Generator) -> Meshes:
    """A FIBA court in a gym: the action stands in the key in front of the basket at the
    -x end; bleachers along the +y side, walls and a lit ceiling all round."""
    lo, hi, c = action.clear_low, action.clear_high, action.centre
    end = float(min(c[0] - ACTION_FROM_END, lo[0] - BASKET_REACH))  # outer edge of the -x end line
    cy = float(c[1])
    lines, paint = _court_lines(end, cy)
    baskets = [_basket(end, 1, cy)]
    if hi[0] < end + COURT_LENGTH - BASKET_REACH:  # the far basket, unless the action reaches it
        baskets.append(_basket(end + COURT_LENGTH, -1, cy))
    seats_from = max(cy + COURT_WIDTH / 2 + BLEACHER_GAP, hi[1] + 0.1)
    steps, seats = _bleachers((end + 2, end + COURT_LENGTH - 2), seats_from)
    gym = Room(end - GYM_RUN_OFF - 1.0, max(end + COURT_LENGTH + GYM_RUN_OFF + 1.0, hi[0] + 1.0),
               min(cy - COURT_WIDTH / 2 - GYM_RUN_OFF, lo[1] - 0.5),
               seats_from + BLEACHER_ROWS * ROW_DEPTH + 0.5)
    height = action.ceiling(GYM_HEIGHT)
    lights = [quad([(x, y, height - 0.02) for x, y in ((px, py), (px + LIGHT_PANEL[0], py),
                   (px + LIGHT_PANEL[0], py + LIGHT_PANEL[1]), (px, py + LIGHT_PANEL[1]))],
                   (0, 0, -1))
              for px in np.arange(gym.x0 + 2, gym.x1 - 2, LIGHT_PITCH)
              for py in np.arange(gym.y0 + 2, gym.y1 - 2, LIGHT_PITCH)]
    return {"floor": flat_rect((gym.x0, gym.x1), (gym.y0, gym.y1)),
            "walls": shell(gym, height, ceiling=True), "lights": merge(lights),
            "paint": merge(paint), "lines": merge(lines),
            "padding": merge(b[0] for b in baskets), "steel": merge(b[1] for b in baskets),
            "backboard": merge(b[2] for b in baskets), "rim": merge(b[3] for b in baskets),
            "bleachers": steps, "seats": seats}


def _court_lines(end: float, cy: float) -> tuple[list[trimesh.Trimesh], list[trimesh.Trimesh]]:
    """The painted lines (each LINE_WIDTH wide, inside the measured outlines) and the
    painted keys and centre circle of a court whose -x end line's outer edge is at `end`."""
    w, h = LINE_WIDTH, LINE_WIDTH / 2
    xa, xb = end, end + COURT_LENGTH
    ya, yb = cy - COURT_WIDTH / 2, cy + COURT_WIDTH / 2
    mid = end + COURT_LENGTH / 2
    lines = [flat_line((xa, ya + h), (xb, ya + h), w), flat_line((xa, yb - h), (xb, yb - h), w),
             flat_line((xa + h, ya + w), (xa + h, yb - w), w),
             flat_line((xb - h, ya + w), (xb - h, yb - w), w),
             flat_line((mid, ya + w), (mid, yb - w), w),
             flat_arc((mid, cy), CIRCLE_RADIUS - h, (0, 360), w)]
    paint = [flat_disk((mid, cy), CIRCLE_RADIUS - w, PAINT_Z)]
    for line, sign in ((xa, 1), (xb, -1)):
        toward = 0.0 if sign > 0 else 180.0  # the direction of the court's centre, in degrees
        free_throw = line + sign * KEY_LENGTH  # outer edge of the free-throw line
        inner = line + sign * w
        for y in (cy - KEY_WIDTH / 2 + h, cy + KEY_WIDTH / 2 - h):
            lines.append(flat_line((inner, y), (free_throw - sign * w, y), w))
        lines.append(flat_line((free_throw - sign * h, cy - KEY_WIDTH / 2),
                               (free_throw - sign * h, cy + KEY_WIDTH / 2), w))
        lines.append(flat_arc((free_throw - sign * h, cy), CIRCLE_RADIUS - h,
                              (toward - 90, toward + 90), w))
        paint.append(flat_rect(tuple(sorted((inner, free_throw - sign * w))),
                               (cy - KEY_WIDTH / 2 + w, cy + KEY_WIDTH / 2 - w), PAINT_Z))
        basket = line + sign * BASKET_FROM_END
        radius = THREE_POINT_RADIUS - h
        side = COURT_WIDTH / 2 - THREE_POINT_SIDE - h  # the straight parts' centre lines
        phi = float(np.degrees(np.arcsin(side / radius)))
        meet = basket + sign * radius * np.cos(np.radians(phi))
        lines += [flat_line((inner, cy + s * side), (meet, cy + s * side), w) for s in (-1, 1)]
        lines.append(flat_arc((basket, cy), radius, (toward - phi, toward + phi), w))
        lines.append(flat_arc((basket, cy), NO_CHARGE_RADIUS + h, (toward - 90, toward + 90), w))
    return lines, paint


def _basket(line: float, sign: int, cy: float) -> list[trimesh.Trimesh]:
    """A basket behind the end line at `line`, facing `sign` (+1: towards +x): [padded
    base, steel pole and arm, backboard, rim and the board's target square]."""
    board = line + sign * BOARD_FROM_END
    pole = line - sign * 1.0
    padding = box((line - sign * 2.2, cy - 0.6, 0), (line - sign * 0.6, cy + 0.6, 0.9))
    steel = merge([box((pole - 0.1, cy - 0.1, 0.9), (pole + 0.1, cy + 0.1, 3.5)),
                   box((pole, cy - 0.08, 3.3), (board, cy + 0.08, 3.45))])
    backboard = box((board, cy - BACKBOARD[0] / 2, BACKBOARD_BOTTOM),
                    (board + sign * 0.03, cy + BACKBOARD[0] / 2, BACKBOARD_BOTTOM + BACKBOARD[1]))
    rim = trimesh.creation.torus(RIM_RADIUS + 0.01, 0.01, 24, 6)
    rim.apply_translation((line + sign * BASKET_FROM_END, cy, RIM_HEIGHT))
    face, w = board + sign * 0.031, 0.05  # the target square: 0.59 x 0.45 m, 5 cm lines
    square = [box((face, cy - 0.295, z), (face + sign * 0.004, cy + 0.295, z + w))
              for z in (RIM_HEIGHT + 0.1, RIM_HEIGHT + 0.5)]
    square += [box((face, y, RIM_HEIGHT + 0.1), (face + sign * 0.004, y + w, RIM_HEIGHT + 0.55))
               for y in (cy - 0.295, cy + 0.245)]
    bracket = box((board, cy - 0.05, RIM_HEIGHT - 0.05),
                  (line + sign * (BASKET_FROM_END - RIM_RADIUS), cy + 0.05, RIM_HEIGHT))
    return [padding, steel, backboard, merge([rim, bracket, *square])]


def _bleachers(x: Span, y0: float) -> tuple[trimesh.Trimesh, trimesh.Trimesh]:
    """Tiered seating rising away from the court from y0: (steps, seat boards)."""
    back = y0 + BLEACHER_ROWS * ROW_DEPTH
    steps = [box((x[0], y0 + k * ROW_DEPTH, k * ROW_RISE), (x[1], back, (k + 1) * ROW_RISE))
             for k in range(BLEACHER_ROWS)]
    seats = [box((x[0], y0 + k * ROW_DEPTH + 0.05, (k + 1) * ROW_RISE),
                 (x[1], y0 + k * ROW_DEPTH + 0.4, (k + 1) * ROW_RISE + 0.05))
             for k in range(BLEACHER_ROWS)]
    return merge(steps), merge(seats)


# --- street -------------------------------------------------------------------------------

def street(action: Action, rng: np.random.Generator) -> Meshes:
    """A two-lane road along x with the action in its far lane; raised sidewalks both sides,
    a row of buildings behind the far (+y) one, street lamps along it."""
    lo, hi, c = action.clear_low, action.clear_high, action.centre
    y1 = float(max(c[1] + ROAD_WIDTH / 4, hi[1]))  # the far curb's face
    y0 = float(min(y1 - ROAD_WIDTH, lo[1]))
    x = (float(min(c[0] - STREET_REACH, lo[0] - 5)), float(max(c[0] + STREET_REACH, hi[0] + 5)))
    middle = (y0 + y1) / 2
    dashes = [flat_line((a, middle), (min(a + DASH, x[1]), middle), LANE_LINE)
              for a in np.arange(x[0], x[1] - DASH, DASH + DASH_GAP)]
    edges = [flat_line((x[0], y), (x[1], y), LANE_LINE) for y in (y0 + EDGE_INSET, y1 - EDGE_INSET)]
    curbs = [box((x[0], y1, 0), (x[1], y1 + CURB_WIDTH, CURB_HEIGHT)),
             box((x[0], y0 - CURB_WIDTH, 0), (x[1], y0, CURB_HEIGHT))]
    pavement = [box((x[0], y1 + CURB_WIDTH, 0), (x[1], y1 + SIDEWALK, CURB_HEIGHT)),
                box((x[0], y0 - SIDEWALK, 0), (x[1], y0 - CURB_WIDTH, CURB_HEIGHT))]
    facade = y1 + SIDEWALK
    buildings, windows, lit = _buildings(x, facade, rng)
    posts = [p for p in c[0] - 6 + LAMP_SPACING * np.arange(-1, 2)
             if x[0] + 1 < p < x[1] - 1 and not lo[0] - 1 < p < hi[0] + 1]
    lamps = merge(_lamp(p, y1 + 0.5) for p in posts)
    return {"floor": flat_rect(x, (y0 - SIDEWALK - 10, facade + BUILDING_DEPTH)),
            "markings": merge(dashes + edges), "curbs": merge(curbs),
            "sidewalks": merge(pavement),
            **{f"buildings_{i}": merge(g) for i, g in enumerate(buildings) if g},
            "windows": merge(windows), "lit_windows": merge(lit), "lamps": lamps}


Group = list[trimesh.Trimesh]


def _buildings(x: Span, facade: float, rng: np.random.Generator
               ) -> tuple[list[Group], Group, Group]:
    """Box buildings of seeded width and height side by side along x with their fronts at
    y = facade: (their blocks by colour group, dark windows, lit windows)."""
    groups: list[list[trimesh.Trimesh]] = [[] for _ in range(BUILDING_GROUPS)]
    windows: list[trimesh.Trimesh] = []
    lit: list[trimesh.Trimesh] = []
    at = x[0]
    while at < x[1] - 1e-6:
        width = rng.uniform(*BUILDING_WIDTH)
        if x[1] - (at + width) < BUILDING_WIDTH[0]:  # no sliver at the end
            width = x[1] - at
        height = rng.uniform(*BUILDING_HEIGHT)
        group = groups[int(rng.integers(BUILDING_GROUPS))]
        group.append(box((at, facade, 0), (at + width, facade + BUILDING_DEPTH, height)))
        group.append(box((at, facade - CORNICE[0], height - CORNICE[1]),
                         (at + width, facade, height)))
        panes = _facade_windows(at, width, height, facade)
        for pane in panes:
            (lit if rng.random() < LIT_FRACTION else windows).append(pane)
        at += width
    return groups, windows, lit


def _facade_windows(x0: float, width: float, height: float, facade: float
                    ) -> list[trimesh.Trimesh]:
    """A shop window and door on the ground floor, a grid of windows above: thin boxes
    standing 4 cm proud of the facade."""
    front = (facade - 0.04, facade)
    panes = [box((x0 + 0.8, front[0], 0.5), (x0 + width - 2.4, front[1], 2.8)),
             box((x0 + width - 1.9, front[0], 0.0), (x0 + width - 0.9, front[1], 2.3))]
    columns = int((width - 1.0) // WINDOW_PITCH)
    first = x0 + (width - (columns - 1) * WINDOW_PITCH) / 2
    for z in np.arange(GROUND_STOREY + 0.9, height - WINDOW_SIZE[1] - 1.0, STOREY):
        for k in range(columns):
            u = first + k * WINDOW_PITCH
            panes.append(box((u - WINDOW_SIZE[0] / 2, front[0], z),
                             (u + WINDOW_SIZE[0] / 2, front[1], z + WINDOW_SIZE[1])))
    return panes


def _lamp(x: float, y: float) -> trimesh.Trimesh:
    """A street lamp on the sidewalk at (x, y), its arm reaching out over the curb."""
    top = np.array([x, y, LAMP_POST])
    reach = top - [0, LAMP_ARM, 0]
    return merge([rod((x, y, CURB_HEIGHT), top, 0.06, 10), rod(top, reach, 0.04, 8),
                  box(reach + [-0.15, -0.25, -0.15], reach + [0.15, 0.05, 0.02])])


# --- space station ------------------------------------------------------------------------

def space_station(action: Action, rng: np.random.Generator) -> Meshes:
    """A module's interior: metal wall panels, an equipment rack on the -x wall with
    indicator lights, a porthole onto black space in the +y wall, handrails along both back
    walls and light strips along the ceiling."""
    room = room_around(action, MODULE_SIZE, MODULE_BACK)
    north, west = room.north, room.west
    height = action.ceiling(MODULE_HEIGHT)
    margin = RACK[0] / 2 + 0.3
    ur = facing_action(west, action, rng, margin, west.length - margin)
    rack_span = (ur - RACK[0] / 2, ur + RACK[0] / 2)
    rack, lights = _rack(west, rack_span)
    hole = PORTHOLE_RADIUS + PORTHOLE_RIM + 0.1
    up = facing_action(north, action, rng, RACK[1] + hole + 0.3, north.length - hole - 0.3)
    rings, pane = _porthole(north, up)
    panels = (_panels(north, [(up - hole, up + hole)], height)
              + _panels(west, [(rack_span[0] - 0.05, rack_span[1] + 0.05)], height))
    rails = (_handrail(north, spans(RACK[1] + 0.1, north.length - 0.1, []))
             + _handrail(west, spans(0.1, west.length - 0.1,
                                     [(rack_span[0] - 0.05, rack_span[1] + 0.05)])))
    seams = [flat_line((x, room.y0), (x, room.y1), 0.01)
             for x in np.arange(room.x0 + FLOOR_PANEL, room.x1, FLOOR_PANEL)]
    seams += [flat_line((room.x0, y), (room.x1, y), 0.01)
              for y in np.arange(room.y1 - FLOOR_PANEL, room.y0, -FLOOR_PANEL)]
    strips = [quad([(room.x0 + 0.3, y - LIGHT_STRIP / 2, height - 0.01),
                    (room.x1 - 0.3, y - LIGHT_STRIP / 2, height - 0.01),
                    (room.x1 - 0.3, y + LIGHT_STRIP / 2, height - 0.01),
                    (room.x0 + 0.3, y + LIGHT_STRIP / 2, height - 0.01)], (0, 0, -1))
              for y in (room.y0 + room.y1) / 2 + LIGHT_STRIP_SPACING * np.array([-0.5, 0.5])]
    return {"floor": flat_rect((room.x0, room.x1), (room.y0, room.y1)),
            "seams": merge(seams), "walls": shell(room, height, ceiling=True),
            "panels": merge(panels), "light_strips": merge(strips), "rack": merge(rack),
            "indicators": merge(lights), "handrails": merge(rails), "porthole_rim": rings,
            "porthole": pane}


def _panels(run: Run, holes: list[Span], height: float) -> list[trimesh.Trimesh]:
    """A grid of raised wall panels along the run, leaving gaps between them and the
    holes free (where the porthole and the rack stand)."""
    out = []
    rows = np.arange(0.1, height - WALL_PANEL[1], WALL_PANEL[1] + 0.02)
    for a, b in spans(0.02, run.length - 0.05, holes):
        count = max(1, round((b - a) / WALL_PANEL[0]))
        width = (b - a) / count
        out += [run.box((a + i * width + 0.01, a + (i + 1) * width - 0.01), (0, PANEL_PROUD),
                        (z, z + WALL_PANEL[1])) for i in range(count) for z in rows]
    return out


def _handrail(run: Run, stretches: list[Span]) -> list[trimesh.Trimesh]:
    """Handrails at HANDRAIL_HEIGHT along the run, on a standoff every metre."""
    out = []
    for a, b in stretches:
        out.append(rod(run.point(a, HANDRAIL_STANDOFF, HANDRAIL_HEIGHT),
                       run.point(b, HANDRAIL_STANDOFF, HANDRAIL_HEIGHT), HANDRAIL_RADIUS, 8))
        for u in np.linspace(a + 0.1, b - 0.1, max(2, int((b - a) // 1.0) + 1)):
            out.append(run.box((u - 0.015, u + 0.015), (0, HANDRAIL_STANDOFF),
                               (HANDRAIL_HEIGHT - 0.015, HANDRAIL_HEIGHT + 0.015)))
    return out


def _rack(run: Run, u: Span) -> tuple[list[trimesh.Trimesh], list[trimesh.Trimesh]]:
    """An equipment rack against the wall with drawer fronts: (rack, indicator lights)."""
    d, top = RACK[1], 0.15 + RACK[2]
    rack = [run.box(u, (0, d), (0.15, top))]
    lights = []
    for i, z in enumerate(np.arange(0.3, top - 0.3, 0.35)):
        rack.append(run.box((u[0] + 0.05, u[1] - 0.05), (d, d + 0.015), (z, z + 0.3)))
        for k in range(1 + i % 3):
            a = u[1] - 0.15 - 0.06 * k
            lights.append(run.panel((a, a + 0.03), (z + 0.24, z + 0.27), d + 0.016))
    return rack, lights


def _porthole(run: Run, uc: float) -> tuple[trimesh.Trimesh, trimesh.Trimesh]:
    """A round window onto space, centred `uc` along the wall: (its rim, its black pane)."""
    rim = trimesh.creation.annulus(PORTHOLE_RADIUS, PORTHOLE_RADIUS + PORTHOLE_RIM, 0.06,
                                   sections=32)
    pane = trimesh.creation.cylinder(PORTHOLE_RADIUS + 0.005, 0.004, sections=32)
    return (run.mount(rim, uc, 0.03, PORTHOLE_HEIGHT),
            run.mount(pane, uc, 0.01, PORTHOLE_HEIGHT))
