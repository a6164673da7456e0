"""Dents: crushable bodies give way where a contact dissipates energy against their crush
force (see bridge/crushable.py).

The energy a contact takes out of a step is the work its impulse does on the bodies' closing
speed there, J * (u_before + u_after) / 2: all of an impact's lost kinetic energy, summed over
the steps it takes, and nearly nothing for a body resting or pushed at walking pace, whose
closing speed stays zero. A crushable body's velocity before the step is read, and so is
that of a body that already touched it; a body touching it for the first time had its
velocity after the step less what the impulse and gravity gave it (J / its mass, the whole
vehicle's for a part of one, and g dt). Of two crushable bodies the weaker yields: it takes all the energy, or they
share it when their crush forces are within DENT_SHARE of each other.

One dent per body and partner per contact episode; its depth, energy / crush force, is capped
at the settings' share of the body's extent along the dent. Once a body's dents deepen by
RESHAPE_M its collision shape follows them (bridge/dent_shape.py: each part a dent reaches
becomes the convex hull of its dented surface), so a crumpled front lets its partner in; the
renderer draws the same dents (renderer/dents.py).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from bridge.assets.build import asset_params, geometry_for
from bridge.assets.geometry import Geometry
from bridge.assets.registry import default_material
from bridge.crushable import DENT_SHARE, crush_force, crushable_settings
from bridge.dent_shape import dented_geometry
from bridge.materials import MATERIALS
from bridge.schema import Scene
from bridge.transforms import quat_to_matrix
from physics.contacts import GAP_STEPS
from physics.world import World

MIN_DEPTH_M = 0.001  # shallower dents are not recorded (nor drawn)
RESHAPE_M = 0.001  # a body's collision shape follows its dents once they deepen this much


@dataclass
class Watched:
    name: str
    force: float  # N it crushes at
    max_depth: float  # share of its extent along a dent
    extents: np.ndarray  # body-frame sizes along x, y, z
    geometry: Geometry  # undented
    reshapes: bool | None = None  # False where a rebuild would drop a breakable joint
    shaped: float = 0.0  # the summed depth of its dents when its shape last followed them
    before: tuple = ((0.0, 0.0, 0.0), (0.0, 0.0, 0.0))  # velocity and spin before the step


@dataclass
class Dent:
    body: str
    by: str
    step: int
    last_step: int
    depth: float = 0.0
    energy: float = 0.0
    radius: float = 0.0  # m, how far the contact patch reaches across the dent
    position: tuple = (0.0, 0.0, 0.0)  # world, where it was pushed hardest
    local: tuple = (0.0, 0.0, 0.0)  # the same point in the body's frame
    direction: tuple = (0.0, 0.0, 0.0)  # body frame, into the body
    push: float = field(default=0.0, repr=False)  # the largest step impulse so far


class Dents:
    """After each step, turns the energy contacts dissipate on crushable bodies into dents."""

    def __init__(self, scene: Scene, scene_dir: Path | None):
        self.watched: dict[str, Watched] = {}  # spawned bodies too, watched once they exist
        self.keys: dict[int, Watched] = {}  # by Bullet part key, as contacts name them
        self.touching: set[int] = set()  # the parts touching a crushable body after a step
        self.before: dict[int, tuple] = {}  # their velocity and spin before this step
        for body in scene.all_bodies():
            settings = crushable_settings(body.crushable)
            if settings is None:
                continue
            geometry = geometry_for(body, scene_dir)
            material = MATERIALS[body.material or default_material(body.asset)]
            extents = np.ptp(np.asarray(geometry.bounds, float), axis=0)
            params = asset_params(body) if body.asset else {}
            self.watched[body.name] = Watched(
                body.name, crush_force(settings, material, body.asset, params, tuple(extents)),
                settings.max_depth, extents, geometry)
        self.open: dict[tuple[str, str], Dent] = {}
        self.done: list[Dent] = []

    def before_step(self, world: World) -> None:
        """Read the velocity of each crushable body and of what touches one (a released or
        spawned body has a new key)."""
        self.keys = {}
        for name, watched in self.watched.items():
            live = world.bodies.get(name)
            if live is not None:
                self.keys[live.key] = watched
                watched.before = world.read(live)[1]
                if watched.reshapes is None:
                    watched.reshapes = world.reshapes(name)
        self.before = {}
        for key in self.touching - self.keys.keys():
            live = world.bodies.get(world.names.get(key, ""))
            if live is not None and not live.static:
                self.before[key] = world.read(live)[1]

    def after_step(self, world: World, step: int, points: list[tuple]) -> bool:
        """Dent what this step's contacts crushed, and let collision shapes follow; True
        when a body was rebuilt for that."""
        pairs = _pairs(points, self.keys, world.dt)
        self.touching = {key for pair in pairs for key in pair}
        for (a, b), entry in pairs.items():
            self._dent(world, step, a, b, entry)
        for key in [k for k, d in self.open.items() if step - d.last_step > GAP_STEPS]:
            self._close(key)
        reshaped = False
        # only a body touched this step can have deepened
        for name in sorted({self.keys[k].name for pair in pairs for k in pair if k in self.keys}):
            watched = self.watched[name]
            dents = sorted((d for d in [*self.done, *self.open.values()]
                            if d.body == watched.name), key=lambda d: (d.step, d.by))
            depth = sum(d.depth for d in dents)
            if watched.reshapes and depth - watched.shaped >= RESHAPE_M:
                watched.shaped = depth
                world.reshape(watched.name, dented_geometry(
                    watched.geometry, [_entry(d, world.dt) for d in dents]))
                reshaped = True
        return reshaped

    def _dent(self, world: World, step: int, a: int, b: int, entry: list) -> None:
        impulse, point, normal, reach = _summary(entry)
        closing_before, closing_after = _closing(world, self, a, b, point, normal, impulse)
        energy = impulse * (closing_before + closing_after) / 2
        if energy <= 0.0:
            return
        for key, other, sign in ((a, b, 1.0), (b, a, -1.0)):
            share = self._share(key, other)
            if share > 0.0:
                self._grow(world, step, key, world.names.get(other, "?"), share * energy,
                           point, sign * normal, impulse, reach)

    def _share(self, key: int, other: int) -> float:
        """The part of the energy `key`'s body takes: all of it against a stronger or rigid
        partner, a part against a crushable one about as strong, none against a weaker."""
        mine = self.keys.get(key)
        if mine is None:
            return 0.0
        theirs = self.keys.get(other)
        if theirs is None or theirs.force > DENT_SHARE * mine.force:
            return 1.0
        if mine.force > DENT_SHARE * theirs.force:
            return 0.0
        return theirs.force / (mine.force + theirs.force)

    def _grow(self, world: World, step: int, key: int, by: str, energy: float,
              point: np.ndarray, inward: np.ndarray, impulse: float, reach: float) -> None:
        watched = self.keys[key]
        dent = self.open.get((watched.name, by))
        if dent is None:
            dent = self.open[(watched.name, by)] = Dent(watched.name, by, step, step)
        origin, quat = world.pose(watched.name)
        to_body = quat_to_matrix(quat).T
        local_in = to_body @ inward
        limit = watched.max_depth * float(np.abs(local_in) @ watched.extents)
        dent.energy += energy
        dent.depth = float(min(dent.energy / watched.force, limit))
        dent.last_step = step
        dent.radius = max(dent.radius, reach)
        if impulse >= dent.push:  # where and along what it was pushed hardest
            dent.push = impulse
            dent.position = tuple(float(x) for x in point)
            dent.local = tuple(float(x) for x in to_body @ (point - origin))
            dent.direction = tuple(float(x) for x in local_in)

    def _close(self, key: tuple[str, str]) -> None:
        dent = self.open.pop(key)
        if dent.depth >= MIN_DEPTH_M:
            self.done.append(dent)

    def events(self, dt: float) -> list[dict]:
        """events.json's `deformations`, in the order the dents began."""
        for key in list(self.open):
            self._close(key)
        return [_entry(d, dt) for d in sorted(self.done, key=lambda d: (d.step, d.body, d.by))]


def _entry(dent: Dent, dt: float) -> dict:
    """A dent as events.json's `deformations` hold it."""
    return {"body": dent.body, "by": dent.by, "time": dent.step * dt,
            "end_time": dent.last_step * dt, "position": list(dent.position),
            "depth": dent.depth, "energy": dent.energy,
            "local": list(dent.local), "direction": list(dent.direction),
            "radius": dent.radius}


def _pairs(points: list[tuple], watched: dict[int, Watched], dt: float
           ) -> dict[tuple[int, int], list]:
    """Per touching pair with a crushable part: impulse, its weighted position and normal sums
    (the normal from the second towards the first) and the points, keys in Bullet's order."""
    pairs: dict[tuple[int, int], list] = {}
    for c in points:
        if c[9] <= 0.0:
            continue
        a = c[1] if c[3] < 0 else c[1] + ((c[3] + 1) << 20)
        b = c[2] if c[4] < 0 else c[2] + ((c[4] + 1) << 20)
        if a not in watched and b not in watched:
            continue
        flipped = a > b
        key = (b, a) if flipped else (a, b)
        entry = pairs.setdefault(key, [0.0, np.zeros(3), np.zeros(3), []])
        weight = c[9] * dt
        entry[0] += weight
        entry[1] += weight * np.asarray(c[5])
        entry[2] += (-weight if flipped else weight) * np.asarray(c[7])
        entry[3].append(c[5])
    return pairs


def _summary(entry: list) -> tuple[float, np.ndarray, np.ndarray, float]:
    """Impulse, contact point, unit normal and how far the points reach across the normal."""
    impulse, weighted, normal_sum, points = entry
    point = weighted / impulse
    normal = normal_sum / (np.linalg.norm(normal_sum) or 1.0)
    offsets = np.asarray(points) - point
    across = offsets - np.outer(offsets @ normal, normal)
    return impulse, point, normal, float(np.sqrt((across ** 2).sum(axis=1).max()))


def _closing(world: World, dents: Dents, a: int, b: int, point: np.ndarray,
             normal: np.ndarray, impulse: float) -> tuple[float, float]:
    """How fast b's surface closes on a's at `point` along `normal` (b towards a), before the
    step and after it; the step's impulse pushed a along +normal and b along -normal."""
    a_after, a_before = _velocities(world, dents, a, point, impulse * normal)
    b_after, b_before = _velocities(world, dents, b, point, -impulse * normal)
    return float((b_before - a_before) @ normal), float((b_after - a_after) @ normal)


def _velocities(world: World, dents: Dents, key: int, point: np.ndarray,
                received: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """A body's surface velocity at `point` after the step and before it (zero for the
    ground and static bodies)."""
    name = world.names.get(key)
    live = world.bodies.get(name) if name is not None else None
    if live is None or live.static:
        return np.zeros(3), np.zeros(3)
    (com, _), (linear, angular) = world.read(live)
    lever = point - np.asarray(com)
    after = np.asarray(linear) + np.cross(angular, lever)
    watched = dents.keys.get(key)
    read = watched.before if watched is not None else dents.before.get(key)
    if read is None:  # a new touch: undo what the impulse and gravity gave it in the step
        return after, after - received / world.inertial_mass(name) - world.gravity * world.dt
    linear, angular = read
    return after, np.asarray(linear) + np.cross(angular, lever)
