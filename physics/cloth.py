"""Cloth and soft bodies in the step loop: MuJoCo's flexes, coupled both ways with PyBullet's
bodies (the soft bodies' own hooks are in physics.soft).

Every `every` PyBullet steps (a cloth step of 1/120 s; every step where a body moves) the
coupling copies each dynamic body's state into its MuJoCo shadow, moves the vertices that
bodies and pulls carry, puts the air's drag on every vertex, and steps MuJoCo. The contact
forces the cloth put on each shadow then act on the PyBullet body, at every PyBullet step
until the next cloth step: a plate rides a slowly pulled tablecloth and stays when it is
snatched. Vertices fastened to a moving body follow it, and do not pull back on it.

Air drag on a sheet is per triangle (`physics.air.drag_forces`).
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from bridge.air import Air
from bridge.cloth import grid_faces, held_vertices
from bridge.cloth_schema import Pull
from bridge.schema import GROUND, Scene
from bridge.transforms import quat_to_matrix
from physics.air import drag_forces
from physics.bodies import part_key
from physics.cloth_model import (
    COUPLED_ITERATIONS,
    FLEX_RADIUS,
    PARKED,
    SOLVER_ITERATIONS,
    Sheet,
    cloth_friction,
    flex_friction,
    model_xml,
    quiet_mujoco,
    shadows_of,
    sheets_of,
)
from physics.soft import SoftBodies
from physics.soft_model import palms_xml, solid_xml
from physics.world import World

# s: a cloth step where only static bodies can touch it. Where a body can move, the cloth
# steps with PyBullet (1/240 s by default): the exchange of contact forces between the two
# engines is explicit, and at 1/120 s a dish on a sliding tablecloth chattered on it
# (thrown off, or left where it should have been carried: measured)
CLOTH_DT = 1 / 120


@dataclass
class Grip:
    """A pull: vertices moved along a straight path at a steady velocity."""

    sheet: Sheet
    vertices: np.ndarray
    start: np.ndarray  # [n, 3] where they were when it began
    velocity: np.ndarray
    begins: float
    ends: float


class Deformables:
    """The scene's cloth and soft bodies, stepped alongside PyBullet."""

    def __init__(self, world: World, scene: Scene, air: Air | None):
        import mujoco

        self.mujoco = mujoco
        quiet_mujoco()
        # soft bodies step with PyBullet too: at 1/120 s their solve did not converge (measured)
        coupled = bool(scene.soft) or any(not live.static for live in world.bodies.values())
        self.every = 1 if coupled else max(1, round(CLOTH_DT / world.dt))
        fabric = flex_friction(scene.cloth, scene.soft)
        solids = [solid_xml(s, world.scene_dir) for s in scene.soft] + [palms_xml(scene)]
        xml = model_xml(world, scene.cloth, solids, fabric, self.every * world.dt,
                        COUPLED_ITERATIONS if coupled else SOLVER_ITERATIONS)
        self.model = mujoco.MjModel.from_xml_string(xml)
        self.data = mujoco.MjData(self.model)
        mujoco.mj_forward(self.model, self.data)
        self.sheets = sheets_of(self.model, scene.cloth, world)
        self.shadows = shadows_of(self.model, world)
        self.shadow_of = {s.body: s.name for s in self.shadows}
        self.faces = [grid_faces(*sheet.cloth.counts) for sheet in self.sheets]
        self.vertex_mass = [sheet.cloth.mass / len(sheet.rest) for sheet in self.sheets]
        self.fastened = [_fastening(world, sheet) for sheet in self.sheets]
        self.air = air
        self.grips: list[Grip] = []
        self.wrenches: dict[str, tuple[np.ndarray, np.ndarray]] = {}
        self.support: dict[str, tuple[float, np.ndarray]] = {}  # body -> static load, normal
        self.slippery: set[str] = set()  # bodies whose own friction cloth has taken over
        self.friction = {name: cloth_friction(world, name, fabric)
                         for name, live in world.bodies.items() if not live.static}
        self.frames: dict[str, list[np.ndarray]] = {s.cloth.name: [] for s in self.sheets}
        # m: a static body this near below a body holds it up through the cloth between
        # them, and such a body's shadow is lifted this far to sit on the cloth, not in it
        # (the thickest sheet's thickness, a millimetre more or less)
        thickness = 2 * max([FLEX_RADIUS, *(c.contact_radius for c in scene.cloth)])
        self.resting_gap, self.seat_lift = thickness + 0.001, thickness - 0.001
        self.softs = SoftBodies(self.model, self.data, scene, len(self.sheets), air,
                                world.scene_dir)

    def pull(self, world: World, pull: Pull, step: int) -> None:
        """Start a pull: its edge or corner moves at its velocity for its duration."""
        sheet = next(s for s in self.sheets if s.cloth.name == pull.cloth)
        vertices = held_vertices(sheet.cloth, pull.edge)
        vertices = vertices[sheet.qpos[vertices] >= 0]  # a vertex pinned still stays
        t = step * world.dt
        self.grips.append(Grip(sheet, vertices, self.positions(sheet)[vertices],
                               np.asarray(pull.velocity, float), t, t + pull.duration))

    def positions(self, sheet: Sheet) -> np.ndarray:
        """[V, 3] the sheet's vertices now."""
        return self.data.flexvert_xpos[sheet.flex_vertices]

    def before_step(self, world: World, step: int) -> None:
        if step % self.every == 0:
            self._advance(world, step * world.dt)
        for name, (force, torque) in self.wrenches.items():
            if name in world.bodies:
                world.apply_wrench(name, force, torque)

    def pushing(self) -> bool:
        """Whether the cloth is pushing on a body (work the energy monitor cannot see)."""
        return bool(self.wrenches)

    def record(self) -> None:
        for sheet in self.sheets:
            self.frames[sheet.cloth.name].append(self.positions(sheet).copy())
        self.softs.record()

    def recorded(self) -> dict[str, np.ndarray]:
        return {name: np.stack(frames) for name, frames in self.frames.items()}

    def _advance(self, world: World, t: float) -> None:
        self.model.opt.gravity[:] = world.gravity
        self._sync_shadows(world)
        self._drive(world, t)
        self.softs.apply(t)
        if self.air is not None:
            self._blow(t)
        self.mujoco.mj_step(self.model, self.data)
        self.wrenches = self._contact_wrenches(world)

    def _sync_shadows(self, world: World) -> None:
        qpos, qvel = self.data.qpos, self.data.qvel
        for shadow in self.shadows:
            live = world.bodies.get(shadow.name)
            q, v = shadow.qpos, shadow.dof
            if live is None:
                qpos[q:q + 7] = (0.0, 0.0, PARKED - shadow.body, 1.0, 0.0, 0.0, 0.0)
                qvel[v:v + 6] = 0.0
                continue
            (com, quat), (linear, angular) = world.read(live)
            qpos[q:q + 3] = com
            if shadow.name in self.slippery:  # PyBullet holds it on the table, not the cloth
                qpos[q:q + 3] += self.seat_lift * self._up(shadow.name)
            qpos[q + 3:q + 7] = (quat[3], quat[0], quat[1], quat[2])
            qvel[v:v + 3] = linear
            qvel[v + 3:v + 6] = quat_to_matrix(np.asarray(quat)).T @ np.asarray(angular)

    def _drive(self, world: World, t: float) -> None:
        """Place the vertices bodies and pulls carry, and give them their velocity."""
        self.grips = [g for g in self.grips if t < g.ends]
        for sheet, fastened in zip(self.sheets, self.fastened):
            for name, (vertices, local) in fastened.items():
                if name in world.bodies:
                    self._carry(world, sheet, name, vertices, local)
        for grip in self.grips:
            target = grip.start + grip.velocity * (t - grip.begins)
            self._place(grip.sheet, grip.vertices, target, np.broadcast_to(grip.velocity,
                                                                           target.shape))

    def _carry(self, world: World, sheet: Sheet, name: str, vertices: np.ndarray,
               local: np.ndarray) -> None:
        com, quat, linear, angular = world.state(name)
        origin, body_quat = world.origin(name, com, quat)
        target = origin + local @ quat_to_matrix(body_quat).T
        self._place(sheet, vertices, target, linear + np.cross(angular, target - com))

    def _place(self, sheet: Sheet, vertices: np.ndarray, target: np.ndarray,
               velocity: np.ndarray) -> None:
        q, v = sheet.qpos[vertices], sheet.dofs[vertices]
        for axis in range(3):
            self.data.qpos[q + axis] = target[:, axis] - sheet.rest[vertices, axis]
            self.data.qvel[v + axis] = velocity[:, axis]

    def _blow(self, t: float) -> None:
        for sheet, faces, mass in zip(self.sheets, self.faces, self.vertex_mass):
            moving = sheet.qpos >= 0
            points = self.positions(sheet)
            velocity = np.zeros_like(points)
            dofs = sheet.dofs[moving]
            velocity[moving] = np.stack([self.data.qvel[dofs + a] for a in range(3)], 1)
            force = drag_forces(points, velocity, faces, self.air, t)
            # explicit drag must not reverse a vertex's motion relative to the air in a step
            limit = mass * np.linalg.norm(self.air.velocity(points, t) - velocity, axis=1) \
                / self.model.opt.timestep
            size = np.linalg.norm(force, axis=1)
            force *= np.minimum(1.0, limit / np.maximum(size, 1e-12))[:, None]
            self.data.xfrc_applied[sheet.bodies[moving], :3] = force[moving]

    def after_step(self, world: World, points: list[tuple]) -> None:
        """Note how hard PyBullet's static bodies (and the ground) hold each body up, and
        along which normal, from the contacts of the step just taken."""
        self.support = {}
        for c in points:
            for mine, other, sign in ((c[1:5:2], c[2:5:2], 1.0), (c[2:5:2], c[1:5:2], -1.0)):
                name = world.names.get(part_key(*mine))
                held_by = world.names.get(part_key(*other))
                live = world.bodies.get(held_by)
                if name in world.bodies and (held_by == GROUND or live is not None
                                             and live.static):
                    force, normal = self.support.get(name, (0.0, np.zeros(3)))
                    self.support[name] = (force + c[9], normal + sign * c[9]
                                          * np.asarray(c[7]))

    def _contact_wrenches(self, world: World) -> dict[str, tuple[np.ndarray, np.ndarray]]:
        """Force and torque (about the centre of mass) the flexes put on each shadow; for a
        body that rests on a static one through the cloth, only the cloth's friction."""
        data, model = self.data, self.model
        wrenches: dict[str, tuple[np.ndarray, np.ndarray]] = {}  # from the sheets
        solid: dict[str, tuple[np.ndarray, np.ndarray]] = {}  # from the soft bodies
        found = np.zeros(6)
        geoms = data.contact.geom[:data.ncon]
        owners = np.where(geoms >= 0, model.geom_bodyid[np.maximum(geoms, 0)], -1)
        for i in np.flatnonzero(np.isin(owners, list(self.shadow_of)).any(axis=1)):
            side = 0 if owners[i, 0] in self.shadow_of else 1
            body = int(owners[i, side])
            self.mujoco.mj_contactForce(model, data, int(i), found)
            # the force acts on the contact's second object; the first feels its opposite
            force = data.contact.frame[i].reshape(3, 3).T @ found[:3] * (1 if side else -1)
            into = wrenches if data.contact.flex[i].max() < len(self.sheets) else solid
            _add_wrench(into, self.shadow_of[body], force,
                        np.cross(data.contact.pos[i] - data.xpos[body], force))
        resting = {name: self._on_cloth(name, *wrench) for name, wrench in wrenches.items()
                   if world.resting_near(name, self.resting_gap, self._up(name))}
        wrenches.update(resting)
        for name in set(resting) ^ self.slippery:
            if name in world.bodies:
                world.slide(name, name in resting)
        self.slippery = set(resting)
        for name, (force, torque) in solid.items():
            _add_wrench(wrenches, name, force, torque)
        return wrenches

    def _up(self, name: str) -> np.ndarray:
        """The normal of the static support PyBullet holds a body up with (against gravity
        where it has none)."""
        normal = self.support.get(name, (0.0, None))[1]
        if normal is None or np.linalg.norm(normal) < 1e-9:  # no load: a touch, or nothing
            normal = -self.model.opt.gravity
        return normal / max(float(np.linalg.norm(normal)), 1e-12)

    def _on_cloth(self, name: str, force: np.ndarray, torque: np.ndarray
                  ) -> tuple[np.ndarray, np.ndarray]:
        """The cloth's pull on a body that a static body holds up through it: PyBullet's
        contact carries the load (its normal force is steady; the cloth world's, read across
        two engines, is not), and the cloth gives the friction, at most mu x that load."""
        load = self.support.get(name, (0.0, None))[0]
        normal = self._up(name)
        along = force - (force @ normal) * normal
        size = float(np.linalg.norm(along))
        limit = self.friction[name] * load
        scale = min(1.0, limit / size) if size > 0 else 0.0
        return along * scale, (torque - (torque @ normal) * normal) * scale


def _add_wrench(wrenches: dict[str, tuple[np.ndarray, np.ndarray]], name: str,
                force: np.ndarray, torque: np.ndarray) -> None:
    total = wrenches.get(name, (np.zeros(3), np.zeros(3)))
    wrenches[name] = (total[0] + force, total[1] + torque)


def _fastening(world: World, sheet: Sheet) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """Per dynamic body it is fastened to, the vertices and where they sit in its frame."""
    found: dict[str, tuple[np.ndarray, np.ndarray]] = {}
    for name in sorted({body for _, body in sheet.carried}):
        vertices = np.array([k for k, body in sheet.carried if body == name])
        origin, quat = world.pose(name)
        local = (sheet.rest[vertices] - origin) @ quat_to_matrix(quat)
        found[name] = (vertices, local)
    return found
