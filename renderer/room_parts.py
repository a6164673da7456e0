"""Geometry of the surroundings (`world.environment`), in real dimensions: the rules every
place keeps, and the shapes they are built of. renderer/rooms_home.py and
renderer/rooms_away.py build the places. renderer/environments.py gives every piece its look and each place
its light; this file knows nothing of colour.

Each builder takes the action's box and a seeded generator and returns the place's meshes in
world coordinates, one mesh per look (a draw call costs a CPU rasterizer more than pixels),
keyed by short names; "floor" comes first and spans the place's floor. Every builder keeps:

- Clear of the action: nothing but the floor and flat markings (at most FLAT above z = 0)
  enters the action's box grown by MARGIN in x and y, so a place never hides or touches what
  happens. Rooms grow with the action; ceilings rise above it.
- The default camera stands at the front right (+x, -y) looking towards -x, +y, so what makes
  a place recognisable (counters, window, sofa, shelves, facades) stands along the back: the
  +y and -x walls. Nothing stands along the front walls, where it would block the view.
- Walls and ceilings are one-sided, facing in: back faces are culled, so a camera outside a
  room sees in through its near walls.
"""
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np
import trimesh

from bridge.assets.build import BUILDERS
from bridge.assets.registry import ASSETS

Meshes = dict[str, trimesh.Trimesh]
Span = tuple[float, float]

MARGIN = 0.5  # metres of clear floor kept around the action's box, in x and y
FLAT = 0.002  # the highest a floor marking may rise inside that box
# Painted lines, rugs and painted areas lie on the floor itself: the renderer draws them
# pulled towards the camera by a depth offset, each coat a step above the one listed before
# it (see Offscreen.set_markings), so they show over the floor yet never cover a body on it.
MARK_Z = 0.0
PAINT_Z = 0.0
HEADROOM = 0.3  # a ceiling stays at least this far above the top of the action
FRONT_CLEARANCE = 0.3  # front walls stand at least this far beyond the clear box
MIN_SPAN = 0.3  # shorter runs of cabinets or panels are left out

# Windows (kitchen, living room): a glowing pane in a painted frame.
FRAME_WIDTH, FRAME_DEPTH, MULLION = 0.06, 0.06, 0.04
PANE_OFFSET = 0.01  # the pane stands this far off the wall, in front of it
SILL_BOARD = (0.1, 0.03)  # depth and thickness of the board under a window

ROOM_HEIGHT = 2.6  # a home's ceiling


@dataclass(frozen=True)
class Action:
    """The box the action occupies over the whole shot."""

    low: np.ndarray
    high: np.ndarray

    @property
    def centre(self) -> np.ndarray:
        return (self.low + self.high) / 2

    @property
    def clear_low(self) -> np.ndarray:
        """[2] xy corner of the clear box (the action's grown by MARGIN)."""
        return self.low[:2] - MARGIN

    @property
    def clear_high(self) -> np.ndarray:
        return self.high[:2] + MARGIN

    def ceiling(self, typical: float) -> float:
        return max(typical, float(self.high[2]) + HEADROOM)


@dataclass(frozen=True)
class Run:
    """A straight back wall seen from the room: u runs along it from the back corner, v out
    from it into the room, z up. Walls are axis-aligned, so boxes stay axis-aligned."""

    corner: tuple[float, float]
    along: tuple[float, float]
    inward: tuple[float, float]
    length: float

    def point(self, u: float, v: float, z: float) -> np.ndarray:
        c, a, n = (np.asarray(t, float) for t in (self.corner, self.along, self.inward))
        return np.array([*(c + u * a + v * n), z])

    def u_of(self, xy: np.ndarray) -> float:
        """How far along the wall a point lies."""
        return float(np.dot(np.asarray(xy[:2]) - self.corner, self.along))

    def box(self, u: Span, v: Span, z: Span) -> trimesh.Trimesh:
        return box(self.point(u[0], v[0], z[0]), self.point(u[1], v[1], z[1]))

    def panel(self, u: Span, z: Span, v: float) -> trimesh.Trimesh:
        """A flat rectangle `v` off the wall, facing into the room."""
        corners = [self.point(a, v, b) for a, b in ((u[0], z[0]), (u[1], z[0]),
                                                    (u[1], z[1]), (u[0], z[1]))]
        return quad(corners, (*self.inward, 0.0))

    def mount(self, mesh: trimesh.Trimesh, u: float, v: float, z: float) -> trimesh.Trimesh:
        """A copy of `mesh` turned so its +z looks into the room, its origin at (u, v, z)."""
        turn = trimesh.geometry.align_vectors([0, 0, 1], [*self.inward, 0])
        turn[:3, 3] = self.point(u, v, z)
        return mesh.copy().apply_transform(turn)


@dataclass(frozen=True)
class Room:
    """Floor plan [x0, x1] x [y0, y1]; the back walls are x = x0 and y = y1."""

    x0: float
    x1: float
    y0: float
    y1: float

    @property
    def north(self) -> Run:  # the +y wall, from the back corner towards +x
        return Run((self.x0, self.y1), (1.0, 0.0), (0.0, -1.0), self.x1 - self.x0)

    @property
    def west(self) -> Run:  # the -x wall, from the back corner towards -y
        return Run((self.x0, self.y1), (0.0, -1.0), (1.0, 0.0), self.y1 - self.y0)


def room_around(action: Action, size: tuple[float, float], back: float) -> Room:
    """A room of at least `size` (x, y) whose back walls stand `back` beyond the clear box
    (the depth of the furniture along them) and whose front walls stand clear of it too."""
    lo, hi = action.clear_low, action.clear_high
    x0, y1 = lo[0] - back, hi[1] + back
    return Room(float(x0), float(max(x0 + size[0], hi[0] + FRONT_CLEARANCE)),
                float(min(y1 - size[1], lo[1] - FRONT_CLEARANCE)), float(y1))


# --- mesh helpers -------------------------------------------------------------------------

def box(a: Sequence[float], b: Sequence[float]) -> trimesh.Trimesh:
    """The axis-aligned box between two opposite corners, faces outward."""
    lo, hi = np.minimum(a, b), np.maximum(a, b)
    return trimesh.creation.box(bounds=np.array([lo, hi], float))


def quad(corners: Sequence[Sequence[float]], facing: Sequence[float]) -> trimesh.Trimesh:
    """A one-sided rectangle through four corners in order, wound to face `facing`."""
    c = np.asarray(corners, float)
    if np.dot(np.cross(c[1] - c[0], c[2] - c[0]), facing) < 0:
        c = c[::-1]
    return trimesh.Trimesh(c, [[0, 1, 2], [0, 2, 3]], process=False)


def flat_rect(x: Span, y: Span, z: float = 0.0) -> trimesh.Trimesh:
    """A rectangle lying at height z, facing up."""
    return quad([(x[0], y[0], z), (x[1], y[0], z), (x[1], y[1], z), (x[0], y[1], z)],
                (0, 0, 1))


def flat_line(a: Sequence[float], b: Sequence[float], width: float,
              z: float = MARK_Z) -> trimesh.Trimesh:
    """A painted line `width` wide from a to b (xy), facing up."""
    a, b = np.asarray(a, float), np.asarray(b, float)
    along = (b - a) / np.linalg.norm(b - a)
    side = np.array([-along[1], along[0]]) * width / 2
    return quad([(*(a - side), z), (*(b - side), z), (*(b + side), z), (*(a + side), z)],
                (0, 0, 1))


def flat_arc(centre: Sequence[float], radius: float, deg: Span, width: float,
             z: float = MARK_Z) -> trimesh.Trimesh:
    """A painted arc: a band `width` wide around `radius`, anticlockwise over `deg`, in
    steps of at most 5 degrees (round enough at court scale, few triangles)."""
    n = max(4, int(np.ceil(abs(deg[1] - deg[0]) / 5)))
    t = np.radians(np.linspace(deg[0], deg[1], n + 1))
    d = np.stack([np.cos(t), np.sin(t), np.zeros_like(t)], axis=1)
    c = np.array([centre[0], centre[1], z])
    vertices = np.vstack([c + d * (radius - width / 2), c + d * (radius + width / 2)])
    i = np.arange(n)
    faces = np.concatenate([np.stack([i, n + 1 + i, n + 2 + i], 1),
                            np.stack([i, n + 2 + i, i + 1], 1)])
    return trimesh.Trimesh(vertices, faces, process=False)


def flat_disk(centre: Sequence[float], radius: float, z: float) -> trimesh.Trimesh:
    """A filled circle lying at height z, facing up: a fan of 5-degree slices."""
    t = np.radians(np.arange(0, 360, 5))
    rim = np.stack([centre[0] + radius * np.cos(t), centre[1] + radius * np.sin(t),
                    np.full_like(t, z)], axis=1)
    i = np.arange(len(t))
    faces = np.stack([np.zeros_like(i), 1 + i, 1 + (i + 1) % len(t)], axis=1)
    return trimesh.Trimesh(np.vstack([[centre[0], centre[1], z], rim]), faces, process=False)


def rod(a: Sequence[float], b: Sequence[float], radius: float,
        sections: int = 12) -> trimesh.Trimesh:
    return trimesh.creation.cylinder(radius=radius, segment=np.array([a, b], float),
                                     sections=sections)


def merge(meshes: Iterable[trimesh.Trimesh]) -> trimesh.Trimesh:
    """One mesh, so one draw."""
    return trimesh.util.concatenate(list(meshes))


def shell(room: Room, height: float, ceiling: bool = False) -> trimesh.Trimesh:
    """The four walls (and the ceiling), each one-sided, facing into the room."""
    x0, x1, y0, y1 = room.x0, room.x1, room.y0, room.y1
    centre = np.array([(x0 + x1) / 2, (y0 + y1) / 2, height / 2])
    plan = [(x0, y0), (x1, y0), (x1, y1), (x0, y1)]
    sides = []
    for (ax, ay), (bx, by) in zip(plan, plan[1:] + plan[:1]):
        corners = [(ax, ay, 0), (bx, by, 0), (bx, by, height), (ax, ay, height)]
        sides.append(quad(corners, centre - np.mean(corners, axis=0)))
    if ceiling:
        sides.append(quad([(x, y, height) for x, y in plan], (0, 0, -1)))
    return merge(sides)


def asset(name: str, **params: float) -> trimesh.Trimesh:
    """The library asset's visual mesh (origin at the centre of its footprint, on the floor)."""
    return BUILDERS[name]({**ASSETS[name].params, **params})[0].copy()


def spans(start: float, end: float, holes: Iterable[Span]) -> list[Span]:
    """The stretches of [start, end] outside the holes, each at least MIN_SPAN long."""
    out, at = [], start
    for a, b in sorted(holes):
        if a - at >= MIN_SPAN:
            out.append((at, min(a, end)))
        at = max(at, b)
    if end - at >= MIN_SPAN:
        out.append((at, end))
    return [(a, b) for a, b in out if b - a >= MIN_SPAN]


def facing_action(run: Run, action: Action, rng: np.random.Generator, lo: float,
                  hi: float, jitter: float = 0.4) -> float:
    """Where along the run a feature goes: behind the action, nudged by the seed, within
    [lo, hi] (lo wins where the run is too short)."""
    u = run.u_of(action.centre) + rng.uniform(-jitter, jitter)
    return float(max(lo, min(u, hi)))


def window(run: Run, uc: float, size: tuple[float, float], sill: float,
           board: bool = True) -> tuple[list[trimesh.Trimesh], trimesh.Trimesh]:
    """A window centred `uc` along the wall, its pane's bottom at `sill`: (frame pieces,
    pane). The pane glows (the daylight outside), so it is a flat rectangle off the wall."""
    w, h = size
    u, z = (uc - w / 2, uc + w / 2), (sill, sill + h)
    f, d = FRAME_WIDTH, FRAME_DEPTH
    frame = [run.box((u[0] - f, u[0]), (0, d), (sill - f, z[1] + f)),
             run.box((u[1], u[1] + f), (0, d), (sill - f, z[1] + f)),
             run.box(u, (0, d), (z[1], z[1] + f)), run.box(u, (0, d), (sill - f, sill)),
             run.box((uc - MULLION / 2, uc + MULLION / 2), (0, d * 0.7), z)]
    if board:
        frame.append(run.box((u[0] - f - 0.05, u[1] + f + 0.05), (0, SILL_BOARD[0]),
                             (sill - f - SILL_BOARD[1], sill - f)))
    return frame, run.panel(u, z, PANE_OFFSET)
