"""The rigid walls a fluid meets: every body's convex collision parts and the ground.

A part is its half-spaces n . x + c <= 0 in the body frame (the planes the cavity fill uses).
A particle closer than its radius to a part is pushed out along one plane: the one that
separated it from the part at the start of the substep, seen in the part's frame as it was
then. A particle squeezed against a thin glass wall is thus put back on the side it came
from, never through to the other side, so containers hold their liquid.

The walls move: each body's pose is interpolated across the physics step, and what a
particle is pushed by a moving wall is its momentum change, which the body feels back as
the impulse of a contact between two masses: the particle's, and the body's effective mass
at that point along the push (its mass, less where the push also turns it). The solver
moves the particle as if the wall could not give; a body as heavy as a cup barely does,
but a light one (a shard of a cup about as heavy as a few drops) must not be handed the
whole of the particle's momentum change: it would then rebound from the drop faster than
the drop came, meet the next drop harder still, and the exchange, explicit from one step to
the next, would grow without bound.
"""
from __future__ import annotations

import math

import numpy as np
from numba import njit, prange

from bridge.assets.geometry import Geometry
from bridge.transforms import box_corners, quat_to_matrix
from physics.liquids import part_hulls
from physics.pbf import CACHE
from physics.world import World

SAME_WAY = 0.7  # walls whose normals agree this well (45 degrees) are one wall
TOUCHING = 0.25  # a particle this share of its radius into a wall still touches it


@njit(cache=CACHE, parallel=True)
def collide(x0: np.ndarray, xp: np.ndarray, radius: float, normals: np.ndarray,
            offsets: np.ndarray, part_start: np.ndarray, part_size: np.ndarray,
            part_lo: np.ndarray, part_hi: np.ndarray, body_parts: np.ndarray,
            body_lo: np.ndarray, body_hi: np.ndarray, rot0: np.ndarray, pos0: np.ndarray,
            rot1: np.ndarray, pos1: np.ndarray, ground: float, friction: float,
            push: np.ndarray, hit: np.ndarray) -> None:
    """Push the predicted positions `xp` out of every wall; add each push to `push` and the
    body pushed to `hit` (-1: none or the ground). With `friction` > 0 a touching
    particle also loses that share of its slip along the wall.

    Points are tuples throughout, here and in the helpers: a small array is a heap
    allocation, and a few of them a particle cost more than the arithmetic."""
    for i in prange(len(xp)):
        p = (xp[i, 0], xp[i, 1], xp[i, 2])
        for b in range(len(body_lo)):
            if not _near(p, body_lo[b], body_hi[b], radius):
                continue
            end = _to_local(rot1[b], pos1[b], p)
            start = _to_local(rot0[b], pos0[b], (x0[i, 0], x0[i, 1], x0[i, 2]))
            touched = -1
            for part in range(body_parts[b], body_parts[b + 1]):
                if not (_near(end, part_lo[part], part_hi[part], radius)
                        or _near(start, part_lo[part], part_hi[part], radius)):
                    continue
                q = _entry(start, end, radius, normals, offsets, part_start[part],
                           part_size[part])
                if q < 0:
                    continue
                depth = radius - (normals[q, 0] * end[0] + normals[q, 1] * end[1]
                                  + normals[q, 2] * end[2] + offsets[q])
                end = (end[0] + depth * normals[q, 0], end[1] + depth * normals[q, 1],
                       end[2] + depth * normals[q, 2])
                touched = q
            if touched < 0:
                continue
            p = _to_world(rot1[b], pos1[b], end)
            if friction > 0.0:
                p = _slowed(p, x0[i], _to_world(rot0[b], pos0[b], end),
                            _turned(rot1[b], normals[touched]), friction)
            hit[i] = b
        p0, p1, p2 = p
        if p2 < ground + radius * (1.0 + TOUCHING):
            # touching, not only pressed in: the wall's pressure holds a resting particle a
            # hair above the floor, and a floor that only held back what sank would let
            # spilled liquid skate on that cushion
            p2 = max(p2, ground + radius)
            if friction > 0.0:
                p0 -= friction * (p0 - x0[i, 0])
                p1 -= friction * (p1 - x0[i, 1])
        push[i, 0] += p0 - xp[i, 0]
        push[i, 1] += p1 - xp[i, 1]
        push[i, 2] += p2 - xp[i, 2]
        xp[i, 0], xp[i, 1], xp[i, 2] = p0, p1, p2


@njit(cache=CACHE, inline="always")
def _slowed(moved: tuple, x0: np.ndarray, was: tuple, n: tuple, friction: float) -> tuple:
    """`moved`, less the `friction` share of its slip along a wall of normal `n`: its path
    from `x0` less the wall's own from `was`, the wall point a substep ago."""
    s0 = (moved[0] - x0[0]) - (moved[0] - was[0])
    s1 = (moved[1] - x0[1]) - (moved[1] - was[1])
    s2 = (moved[2] - x0[2]) - (moved[2] - was[2])
    along = s0 * n[0] + s1 * n[1] + s2 * n[2]
    s0, s1, s2 = s0 - along * n[0], s1 - along * n[1], s2 - along * n[2]
    return (moved[0] - friction * s0, moved[1] - friction * s1, moved[2] - friction * s2)


@njit(cache=CACHE, parallel=True)
def nearest_walls(xp: np.ndarray, reach: float, normals: np.ndarray, offsets: np.ndarray,
                  part_start: np.ndarray, part_size: np.ndarray, part_lo: np.ndarray,
                  part_hi: np.ndarray, body_parts: np.ndarray, body_lo: np.ndarray,
                  body_hi: np.ndarray, rot: np.ndarray, pos: np.ndarray,
                  ground: float) -> tuple:
    """[N, 2] distances to the two nearest walls within `reach` that face different ways
    (a floor and a side; inf: none), [N, 2, 3] their normals, pointing into the liquid, and
    [N, 2] their bodies (-1: the ground or none).

    Parts side by side (the segments of a round wall) face nearly one way: only the nearer
    counts, so a joint is not counted twice."""
    n = len(xp)
    distance = np.full((n, 2), np.inf)
    normal = np.zeros((n, 2, 3))
    body = np.full((n, 2), -1, np.int64)
    for i in prange(n):
        point = (xp[i, 0], xp[i, 1], xp[i, 2])
        if xp[i, 2] - ground < reach:
            _keep(distance[i], normal[i], body[i], xp[i, 2] - ground, (0.0, 0.0, 1.0), -1)
        for b in range(len(body_lo)):
            if not _near(point, body_lo[b], body_hi[b], reach):
                continue
            local = _to_local(rot[b], pos[b], point)
            for part in range(body_parts[b], body_parts[b + 1]):
                if not _near(local, part_lo[part], part_hi[part], reach):
                    continue
                a, s = _separating(local, normals, offsets, part_start[part],
                                   part_size[part])
                if 0.0 <= s < reach:  # inside a part: no wall (see _entry)
                    _keep(distance[i], normal[i], body[i], s, _turned(rot[b], normals[a]), b)
    return distance, normal, body


@njit(cache=CACHE, inline="always")
def _keep(distance: np.ndarray, normal: np.ndarray, body: np.ndarray, d: float, n: tuple,
          b: int) -> None:
    """Fold a wall into the two kept: it replaces one facing its way when nearer, else
    takes a free or farther slot."""
    for k in range(2):
        if distance[k] < np.inf and (normal[k, 0] * n[0] + normal[k, 1] * n[1]
                                     + normal[k, 2] * n[2]) > SAME_WAY:
            if d < distance[k]:
                _set(distance, normal, body, k, d, n, b)
            return
    far = 0 if distance[0] > distance[1] else 1
    if d < distance[far]:
        _set(distance, normal, body, far, d, n, b)


@njit(cache=CACHE, inline="always")
def _set(distance: np.ndarray, normal: np.ndarray, body: np.ndarray, k: int, d: float,
         n: tuple, b: int) -> None:
    distance[k], body[k] = d, b
    normal[k, 0], normal[k, 1], normal[k, 2] = n


@njit(cache=CACHE, inline="always")
def _to_local(rot: np.ndarray, pos: np.ndarray, point: tuple) -> tuple:
    d0, d1, d2 = point[0] - pos[0], point[1] - pos[1], point[2] - pos[2]
    return (rot[0, 0] * d0 + rot[1, 0] * d1 + rot[2, 0] * d2,
            rot[0, 1] * d0 + rot[1, 1] * d1 + rot[2, 1] * d2,
            rot[0, 2] * d0 + rot[1, 2] * d1 + rot[2, 2] * d2)


@njit(cache=CACHE, inline="always")
def _to_world(rot: np.ndarray, pos: np.ndarray, point: tuple) -> tuple:
    x, y, z = _turned(rot, point)
    return (x + pos[0], y + pos[1], z + pos[2])


@njit(cache=CACHE, inline="always")
def _turned(rot: np.ndarray, v: tuple | np.ndarray) -> tuple:
    """The direction `v` (a tuple, or a row of an array) turned by `rot`."""
    return (rot[0, 0] * v[0] + rot[0, 1] * v[1] + rot[0, 2] * v[2],
            rot[1, 0] * v[0] + rot[1, 1] * v[1] + rot[1, 2] * v[2],
            rot[2, 0] * v[0] + rot[2, 1] * v[1] + rot[2, 2] * v[2])


@njit(cache=CACHE, inline="always")
def _near(point: tuple, lo: np.ndarray, hi: np.ndarray, radius: float) -> bool:
    for k in range(3):
        if point[k] < lo[k] - radius or point[k] > hi[k] + radius:
            return False
    return True


@njit(cache=CACHE)
def _entry(start: tuple, end: tuple, radius: float, normals: np.ndarray,
           offsets: np.ndarray, first: int, size: int) -> int:
    """The plane through which the path start -> end (part frame) enters the part grown by
    `radius`, or -1 when it does not (Cyrus-Beck clipping). A fast wall that sweeps past a
    particle within one substep is caught: the path crosses the part though neither end is
    in it. A path that starts inside is left alone: the particle was in the part before it
    was there (a shard's convex hull appears around liquid when its glass breaks), and
    pushing it out across the part at once would fling it at metres a second."""
    enter, leave, plane = 0.0, 1.0, -1
    for q in range(first, first + size):
        # a particle left touching a wall starts a hair inside the grown part: it counts as
        # outside, so the wall holds it
        s0 = (normals[q, 0] * start[0] + normals[q, 1] * start[1] + normals[q, 2] * start[2]
              + offsets[q] - radius + TOUCHING * radius)
        s1 = (normals[q, 0] * end[0] + normals[q, 1] * end[1] + normals[q, 2] * end[2]
              + offsets[q] - radius)
        if s0 > 0.0 and s1 > 0.0:
            return -1  # wholly outside this plane
        if s0 > 0.0:  # crosses inwards
            t = s0 / (s0 - s1)
            if plane < 0 or t > enter:
                enter, plane = t, q
        elif s1 > 0.0:  # crosses outwards
            leave = min(leave, s0 / (s0 - s1))
    if enter > leave or plane < 0:
        return -1  # missed, or started inside: a shard's hull made round liquid is no wall
    return plane


@njit(cache=CACHE)
def _separating(point: tuple, normals: np.ndarray, offsets: np.ndarray, first: int,
                size: int) -> tuple:
    """The plane that separates `point` from the part most, and by how much (a lower bound
    of its distance to the part; below 0 inside)."""
    best, most = first, -math.inf
    for q in range(first, first + size):
        s = (normals[q, 0] * point[0] + normals[q, 1] * point[1] + normals[q, 2] * point[2]
             + offsets[q])
        if s > most:
            best, most = q, s
    return best, most


class Walls:
    """The world's bodies as packed arrays for `collide`, with their poses at the start and
    the end of the last physics step; what the fluid pushed on each, as a wrench."""

    def __init__(self, world: World):
        self.world = world
        self.names: list[str] = []
        self._hulls: dict[int, tuple[Geometry, list]] = {}  # by id(geometry), the geometry kept
        self._last: dict[str, tuple[np.ndarray, np.ndarray]] = {}
        self.ground = 0.0 if world.scene.world.ground is not None else -np.inf
        self.update()

    def update(self) -> None:
        """Read every body's pose after a physics step (the previous one becomes the start)."""
        names = list(self.world.bodies)
        if names != self.names:
            self.names = names
            self._pack()
        # one read of each body: its asset-origin pose, and the centre of mass the fluid's
        # torques are taken about with the inverse mass and world inverse inertia each body
        # meets a particle with, fixed for the step
        states = [self.world.state(n) for n in names]
        poses = {n: self.world.origin(n, s[0], s[1]) for n, s in zip(names, states)}
        start = [self._last.get(name, poses[name]) for name in names]
        self.pos0 = np.array([s[0] for s in start]).reshape(-1, 3)
        self.quat0 = np.array([s[1] for s in start]).reshape(-1, 4)
        self.pos1 = np.array([poses[n][0] for n in names]).reshape(-1, 3)
        self.quat1 = np.array([poses[n][1] for n in names]).reshape(-1, 4)
        self._last = poses
        self.com = np.array([s[0] for s in states]).reshape(-1, 3)
        self.inverse_mass, self.inverse_inertia = _inverses(
            [self.world.bodies[n] for n in names], [s[1] for s in states])
        self.impulse = np.zeros((len(names), 3))
        self.angular = np.zeros((len(names), 3))
        self._bounds()

    def _pack(self) -> None:
        normals, offsets, sizes, lo, hi, body_parts = [], [], [], [], [], [0]
        for name in self.names:
            for planes, points in self._hulls_of(self.world.bodies[name].geometry):
                normals.append(planes[:, :3])
                offsets.append(planes[:, 3])
                sizes.append(len(planes))
                lo.append(points.min(axis=0))
                hi.append(points.max(axis=0))
            body_parts.append(len(sizes))
        self.normals = np.concatenate(normals) if normals else np.zeros((0, 3))
        self.offsets = np.concatenate(offsets) if offsets else np.zeros(0)
        self.part_size = np.array(sizes, np.int64)
        self.part_start = np.concatenate([[0], np.cumsum(sizes)[:-1]]).astype(np.int64)
        self.part_lo = np.array(lo).reshape(-1, 3)
        self.part_hi = np.array(hi).reshape(-1, 3)
        self.body_parts = np.array(body_parts, np.int64)
        self._corners = np.array([box_corners(self.world.bodies[n].geometry.visual.bounds)
                                  for n in self.names]).reshape(-1, 8, 3)

    @property
    def parts(self) -> tuple:
        """The packed parts, in the order `collide` and `nearest_walls` take them."""
        return (self.normals, self.offsets, self.part_start, self.part_size, self.part_lo,
                self.part_hi, self.body_parts, self.body_lo, self.body_hi)

    def _hulls_of(self, geometry: Geometry) -> list:
        kept = self._hulls.get(id(geometry))
        if kept is None:
            kept = self._hulls[id(geometry)] = (geometry, part_hulls(geometry))
        return kept[1]

    def _bounds(self) -> None:
        """Each body's rotations at the start and end of the step, its corners there, and
        its world box over both (one batched call each: a call per body cost more than the
        fluid's kernels in a scene of shards)."""
        self.rot0, self.rot1 = quat_to_matrix(self.quat0), quat_to_matrix(self.quat1)
        self._start_corners = _placed(self._corners, self.rot0, self.pos0)
        self._end_corners = _placed(self._corners, self.rot1, self.pos1)
        both = np.concatenate([self._start_corners, self._end_corners], axis=1)
        self.body_lo = both.min(axis=1, initial=np.inf).reshape(-1, 3)
        self.body_hi = both.max(axis=1, initial=-np.inf).reshape(-1, 3)

    def sweep(self, names: set[str], carried: np.ndarray) -> float:
        """The farthest any of the bodies `names` moved over the step against the
        displacement `carried` (the liquid's own mean motion), in metres."""
        chosen = [b for b, name in enumerate(self.names) if name in names]
        if not chosen:
            return 0.0
        moved = self._end_corners[chosen] - self._start_corners[chosen] - carried
        return float(np.sqrt((moved ** 2).sum(axis=-1)).max())

    def named(self, bodies: np.ndarray) -> set[str]:
        """The names of the bodies at these indices (-1, the ground, left out)."""
        seen = np.zeros(len(self.names) + 1, bool)
        seen[bodies + 1] = True  # a mark a body, not a sort of every particle's
        return {self.names[b] for b in np.flatnonzero(seen[1:])}

    def at(self, fraction: float) -> tuple[np.ndarray, np.ndarray]:
        """[B, 3, 3] rotations and [B, 3] positions a `fraction` through the step."""
        if fraction == 0.0:
            return self.rot0, self.pos0
        if fraction == 1.0:
            return self.rot1, self.pos1
        quat = (1 - fraction) * self.quat0 + fraction * _same_side(self.quat0, self.quat1)
        quat /= np.linalg.norm(quat, axis=1, keepdims=True)
        return quat_to_matrix(quat), (1 - fraction) * self.pos0 + fraction * self.pos1

    def react(self, push: np.ndarray, hit: np.ndarray, wall_push: np.ndarray,
              wall_body: np.ndarray, mass: np.ndarray, dt: float, where: np.ndarray) -> None:
        """Add to each body the impulse of each particle it pushed: by contact (`push`,
        `hit`) and by the pressure of the liquid the wall stands in for (`wall_push`,
        `wall_body`, one column per wall) (see `_react`)."""
        _react(push, hit, wall_push, wall_body, mass, dt, where, self.com, self.inverse_mass,
               self.inverse_inertia, self.impulse, self.angular)

    def apply(self, dt: float, held: frozenset[str] = frozenset()) -> bool:
        """Give each dynamic body the fluid's push of the last step as a force and torque
        for the next, except the `held` ones (a hand takes the push of a jug it pours);
        True when any body was pushed."""
        pushed = False
        for b, name in enumerate(self.names):
            live = self.world.bodies.get(name)  # a body that broke since is gone
            if live is None or live.static or name in held or not self.impulse[b].any():
                continue
            self.world.apply_wrench(name, self.impulse[b] / dt, self.angular[b] / dt)
            pushed = True
        return pushed


def _placed(corners: np.ndarray, rot: np.ndarray, pos: np.ndarray) -> np.ndarray:
    """[B, 8, 3] each body's box corners [B, 8, 3] turned by [B, 3, 3] and moved by [B, 3]."""
    return np.einsum("bij,bkj->bki", rot, corners) + pos[:, None, :]


@njit(cache=CACHE)
def _react(push: np.ndarray, hit: np.ndarray, wall_push: np.ndarray, wall_body: np.ndarray,
           mass: np.ndarray, dt: float, where: np.ndarray, com: np.ndarray,
           inverse_mass: np.ndarray, inverse_inertia: np.ndarray, impulse: np.ndarray,
           angular: np.ndarray) -> None:
    """A push p over `dt` is a change of relative velocity p / dt; between the particle's
    mass m and the body's effective mass M along the push there it takes the impulse
    m M / (m + M) p / dt (m p / dt against an immovable wall). One thread, particles in
    order: the sums are deterministic."""
    for column in range(1 + wall_body.shape[1]):
        for i in range(len(mass)):
            b = hit[i] if column == 0 else wall_body[i, column - 1]
            if b < 0:
                continue
            p = push[i] if column == 0 else wall_push[i, column - 1]
            arm = (where[i, 0] - com[b, 0], where[i, 1] - com[b, 1], where[i, 2] - com[b, 2])
            length = math.sqrt(p[0] * p[0] + p[1] * p[1] + p[2] * p[2])
            turn = (_cross(arm, (p[0] / length, p[1] / length, p[2] / length))
                    if length > 0.0 else (0.0, 0.0, 0.0))
            inverse = inverse_mass[b]
            for r in range(3):
                for c in range(3):
                    inverse += turn[r] * inverse_inertia[b, r, c] * turn[c]
            share = 1.0 / (1.0 + mass[i] * inverse)  # M / (m + M)
            scale = -(mass[i] * share)
            kick = (scale * p[0] / dt, scale * p[1] / dt, scale * p[2] / dt)
            spin = _cross(arm, kick)
            for k in range(3):
                impulse[b, k] += kick[k]
                angular[b, k] += spin[k]


@njit(cache=CACHE, inline="always")
def _cross(a: tuple, b: tuple) -> tuple:
    return (a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0])


def _inverses(bodies: list, quats: list) -> tuple[np.ndarray, np.ndarray]:
    """[B] inverse masses and [B, 3, 3] world inverse inertias (0 for a static body: it
    does not give)."""
    moving = [not live.static and live.mass > 0 for live in bodies]
    inverse_mass = np.array([1.0 / live.mass if m else 0.0 for live, m in zip(bodies, moving)])
    moments = np.array([live.inertia if m else (0.0, 0.0, 0.0)
                        for live, m in zip(bodies, moving)], float).reshape(-1, 3)
    inverse = np.divide(1.0, moments, out=np.zeros_like(moments), where=moments > 0)
    axes = quat_to_matrix(np.asarray(quats, float).reshape(-1, 4))  # principal axes, world
    return inverse_mass, np.einsum("bij,bj,bkj->bik", axes, inverse, axes)


def _same_side(q0: np.ndarray, q1: np.ndarray) -> np.ndarray:
    """q1, negated where that is nearer q0 (q and -q are one rotation), for interpolation."""
    return np.where((q0 * q1).sum(axis=1, keepdims=True) < 0, -q1, q1)
