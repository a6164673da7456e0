"""The air acting on light bodies: quadratic drag toward the air's velocity.

F = 1/2 rho Cd A |u - v| (u - v) (bridge/drag.py has k = 1/2 rho Cd A). Only bodies the air
can move are pushed: in moving air, those whose drag in the fastest air of the scene is at
least 5% of their weight (paper, a leaf, a beach ball; not a brick); in still air, those
that fall slower than STILL_AIR_TERMINAL (a feather). Heavy bodies skip the per-step cost
and feel nothing they would notice.
"""
from __future__ import annotations

import numpy as np

from bridge.air import Air, peak_factor
from bridge.drag import AIR_DENSITY, drag_factor, most_drag_factor
from bridge.schema import Scene
from physics.world import World

NORMAL_DRAG, SKIN_DRAG = 1.2, 0.02  # a surface's, per triangle (see `drag_forces`)
LIGHT_SHARE = 0.05  # of its weight the drag must reach for a body to feel the air
MIN_REFERENCE_SPEED = 5.0  # m/s


def fastest_air(scene: Scene) -> float:
    """The fastest the scene's air blows, m/s (mean, gusts and flutter at once)."""
    winds = [float(np.linalg.norm(w.velocity)) * peak_factor(w.gusts, w.turbulence)
             for w in scene.wind]
    blows = [e.blow.speed for e in scene.events if e.blow is not None]
    return max([MIN_REFERENCE_SPEED, *winds, *blows])


class AirDrag:
    """Drag on the bodies light enough for the air to move: those whose drag at
    `reference_speed` reaches `share` of their weight."""

    def __init__(self, world: World, air: Air, reference_speed: float,
                 share: float = LIGHT_SHARE):
        self.air = air
        gravity = max(float(np.linalg.norm(world.gravity)), 1.0)
        self.names, self.factors, self.masses = [], [], []
        for name, live in world.bodies.items():
            if live.static or live.articulated:
                continue
            least = share * live.mass * gravity / reference_speed ** 2
            if most_drag_factor(live.geometry.visual.bounds) < least:
                continue
            factor = drag_factor(live.body.asset, live.geometry.visual.convex_hull.area)
            if factor >= least:
                self.names.append(name)
                self.factors.append(factor)
                self.masses.append(live.mass)
        self.factors = np.asarray(self.factors)
        self.masses = np.asarray(self.masses)

    def __bool__(self) -> bool:
        return bool(self.names)

    def before_step(self, world: World, step: int) -> None:
        present = [i for i, name in enumerate(self.names) if name in world.bodies]
        if not present:
            return
        lives = [world.bodies[self.names[i]] for i in present]
        states = [world.read(live) for live in lives]  # Bullet's tuples: this runs every step
        centres = np.array([pose[0] for pose, _ in states])
        velocities = np.array([velocity[0] for _, velocity in states])
        relative = self.air.velocity(centres, step * world.dt) - velocities
        speed = np.linalg.norm(relative, axis=1, keepdims=True)
        force = self.factors[present, None] * speed * relative
        # explicit drag must not reverse the relative velocity within one step
        limit = self.masses[present, None] * speed / world.dt
        scale = np.minimum(1.0, limit / np.maximum(np.linalg.norm(force, axis=1,
                                                                  keepdims=True), 1e-12))
        for live, f, at in zip(lives, (force * scale).tolist(), centres.tolist()):
            world.push(live, f, at)


def drag_forces(points: np.ndarray, velocity: np.ndarray, faces: np.ndarray, air: Air,
                t: float, closed: bool = False) -> np.ndarray:
    """[V, 3] the air's drag on a surface's vertices, each taking a third of its triangles':
    1/2 rho A (Cn |u_n| u_n n + Ct |u_t| u_t), with u the air's velocity relative to the
    triangle split into its normal and tangential parts (a flat plate's Cn 1.2; Ct 0.02,
    skin friction). On a `closed` surface (its faces wound outward) only the faces the air
    meets count, so a ball's drag coefficient comes to 0.6 (a sphere's measured: 0.47)."""
    a, b, c = points[faces[:, 0]], points[faces[:, 1]], points[faces[:, 2]]
    normal = np.cross(b - a, c - a) / 2
    area = np.linalg.norm(normal, axis=1)
    unit = normal / np.maximum(area, 1e-12)[:, None]
    centre = (a + b + c) / 3
    moving = velocity[faces].mean(axis=1)
    relative = air.velocity(centre, t) - moving
    across = np.sum(relative * unit, axis=1)
    if closed:  # the leeward faces' share is in the windward ones' coefficient
        area = np.where(across < 0, area, 0.0)
    along = relative - across[:, None] * unit
    force = 0.5 * AIR_DENSITY * area[:, None] * (
        NORMAL_DRAG * np.abs(across)[:, None] * across[:, None] * unit
        + SKIN_DRAG * np.linalg.norm(along, axis=1)[:, None] * along)
    out = np.zeros_like(points)
    for corner in range(3):
        np.add.at(out, faces[:, corner], force / 3)
    return out
