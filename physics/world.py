"""The PyBullet world: bodies from the script, their poses, and the actions events perform.

Bullet places a body at its centre of mass along its principal axes; the script and the
trajectory place it at its asset origin (bottom centre). `LiveBody.offset` converts between them.
"""
from __future__ import annotations

import math
import time
from itertools import pairwise
from pathlib import Path

import numpy as np
import pybullet as p

from bridge.assets.build import MassProperties, geometry_for, mass_properties
from bridge.assets.geometry import Geometry
from bridge.assets.registry import default_material
from bridge.joint_tree import Tree, joint_trees
from bridge.materials import MATERIALS, Material
from bridge.ropes import (
    constrained_joints,
    cut_joint,
    is_slack,
    rope_parts,
    segment_names,
    substeps,
)
from bridge.schema import GROUND, Body, Cut, Scene
from bridge.transforms import quat_from_euler_deg, quat_to_matrix
from physics.articulation import (
    Knuckle,
    Stop,
    Wheel,
    articulate,
    configure_joints,
    hold_stops,
    joint_states,
    knuckles,
    set_joint_states,
    wheels,
)
from physics.bodies import LiveBody, Solid, part_key, surface_friction
from physics.shapes import collision_shape

UNDER_COS = 0.7  # a static body is under another when their normal is within 45 deg of up


# Bullet pads every bounding box by its contact breaking threshold, and forgets a contact
# point that drifts that far. At its 2 cm default every pair of 350 rigid liquid spheres was
# tested each step (4x slower), so 1 mm; but on ice a block at rest, each of its points
# sliding a little in turn, lost them, sank 5 mm and spun 95 degrees in 3 s, as it does not
# at 5 mm. A world with a surface that slippery keeps its points to 5 mm. (Judged by the
# surface, not the pair: resin balls on resin, 0.09 a pair, roll on one point each, and a
# pool table's break kept its recorded outcome.) The threshold is Bullet's for the whole
# process, so each world sets its own again before it steps when another set a different one.
BREAKING_THRESHOLD, SLIPPERY_BREAKING_THRESHOLD = 0.001, 0.005
SLIPPERY = 0.2  # a surface's friction under which a resting body's points drift (ice: 0.12)
_applied_threshold = [BREAKING_THRESHOLD]  # the process's, as last set


def _breaking_threshold(scene: Scene) -> float:
    frictions = [b.friction if b.friction is not None else
                 MATERIALS[b.material or default_material(b.asset)].friction
                 for b in scene.all_bodies() if b.asset or b.material]
    if scene.world.ground is not None:
        frictions.append(MATERIALS[scene.world.ground.material].friction)
    slippery = bool(frictions) and min(frictions) < SLIPPERY
    return SLIPPERY_BREAKING_THRESHOLD if slippery else BREAKING_THRESHOLD


class World:
    """One PyBullet client in DIRECT mode, configured for deterministic stepping."""

    def __init__(self, scene: Scene, scene_dir: Path | None):
        self.scene = scene
        self.scene_dir = scene_dir
        self.dt = scene.physics.timestep
        self.client = p.connect(p.DIRECT)
        self.bodies: dict[str, LiveBody] = {}
        self.names: dict[int, str] = {}  # part_key -> name
        self.masses: dict[str, float] = {}  # every body ever created, removed ones included
        self.gravity = np.array(scene.world.gravity, dtype=float)
        self.stops: list[Stop] = []  # joint limits, held after each step
        self.substeps = 1  # Bullet steps per physics step (more for a stiff rope)
        self.forces: list[tuple] = []  # the step's forces and torques (at: None), for substeps
        self.points: list[tuple] = []  # the contacts of every substep of the last step
        self.stepping = 0.0  # seconds inside stepSimulation alone: the benchmarks' yardstick
        self.wheels: dict[str, list[Wheel]] = {}  # per vehicle, the hinges a drive turns
        self.assembly: dict[str, float] = {}  # a free tree's parts -> the tree's whole mass
        self.trees: dict[int, Tree] = {}  # multibody uid -> the tree it holds
        self.shapes: dict[str, Geometry] = {}  # bodies whose collision shape was dented
        self.driving: dict[str, float] = {}  # vehicle -> the speed it was last driven at
        self.knuckles: dict[str, list[Knuckle]] = {}  # per vehicle, the hinges that steer it
        self.steering: dict[str, float] = {}  # vehicle -> its steering angle, degrees
        self.pins: dict[str, list[int]] = {}  # a joint held by constraints -> their ids
        self.breaking = _breaking_threshold(scene)  # m: Bullet's contact breaking threshold
        self._configure()
        if scene.world.ground is not None:
            self._add_ground()
        placed = scene.placed_bodies()
        static = {body.name for body in placed if body.static}
        self.constrained = constrained_joints(scene.ropes, scene.cuts())  # pinned
        # bodies a Bullet constraint holds (a breakable joint, a slack rope's tie)
        self.pinned = {end for joint in scene.all_joints() if joint.type != "spring" and (
            joint.breaks_at is not None or joint.name in self.constrained)
            for end in (joint.a, joint.b)}
        trees, _ = joint_trees(scene.all_joints(), static, [body.name for body in placed],
                               self.constrained)
        jointed = {name for tree in trees for name in tree.bodies}
        for body in placed:
            if body.name not in jointed:
                self.add_body(body)
        for tree in trees:
            self._add_tree(tree)
        if scene.ropes:
            self._resolve_ropes()
            self._untouch_ties()

    def _configure(self) -> None:
        p.resetSimulation(physicsClientId=self.client)
        p.setPhysicsEngineParameter(
            fixedTimeStep=self.dt,
            numSubSteps=0,
            numSolverIterations=self.scene.physics.solver_iterations,
            deterministicOverlappingPairs=1,
            restitutionVelocityThreshold=0.05,
            # Always correct penetration by split impulse: Baumgarte correction would add
            # velocity at every impact (balls bounced up to 20% too high at 1/240 s).
            useSplitImpulse=1,
            splitImpulsePenetrationThreshold=1.0,
            contactBreakingThreshold=self.breaking,
            physicsClientId=self.client,
        )
        _applied_threshold[0] = self.breaking
        p.setGravity(*self.gravity, physicsClientId=self.client)

    def _add_ground(self) -> None:
        ground = self.scene.world.ground
        shape = p.createCollisionShape(p.GEOM_PLANE, physicsClientId=self.client)
        # maximal coordinates like every body, so ground contacts take the rigid-body solver path
        uid = p.createMultiBody(0, shape, useMaximalCoordinates=True, physicsClientId=self.client)
        self._set_dynamics(uid, MATERIALS[ground.material], None, None)
        self.names[uid] = GROUND

    def add_body(self, body: Body) -> None:
        """Create `body` at its script pose and velocity."""
        geometry = geometry_for(body, self.scene_dir)
        solid = self.solid(geometry, mass_properties(geometry, body))
        pose = (np.asarray(body.position, float), quat_from_euler_deg(body.rotation))
        self.create(body.name, body, solid, pose, np.asarray(body.velocity, float),
                    np.radians(body.angular_velocity), body.static)

    def _resolve_ropes(self) -> None:
        """Step Bullet finely enough for the stiffest rope (see bridge.ropes.substeps); the
        script's timestep still paces events and the recording. Each substep is a call of
        its own, so that the contacts of every substep are read (`step`)."""
        mass = {name: live.mass for name, live in self.bodies.items() if not live.static}
        self.substeps = max(substeps(rope, mass, self.dt) for rope in self.scene.ropes)
        p.setPhysicsEngineParameter(fixedTimeStep=self.dt / self.substeps,
                                    physicsClientId=self.client)

    def _untouch_ties(self) -> None:
        """A rope's end link never collides with the body it is tied to: its knot sits on
        that body's surface, where the link, hanging off at an angle, dips into it. Nor do a
        slack rope's neighbouring links, free bodies that overlap at their bends."""
        for rope in self.scene.ropes:
            names = segment_names(rope)
            pairs = [(tie.body, link) for tie, link in ((rope.start, names[0]),
                                                        (rope.end, names[-1]))
                     if tie is not None and tie.body in self.bodies]
            if is_slack(rope):
                pairs += list(pairwise(names))
            # the links either side of a cut start end to end, no longer one tree's
            cut = {cut_joint(rope, c.at) for c in self.scene.cuts() if c.rope == rope.name}
            pairs += [(j.a, j.b) for j in rope_parts(rope)[1] if j.name in cut
                      and j.a in self.bodies and j.b in self.bodies]
            for one, two in ((self.bodies[a], self.bodies[b]) for a, b in pairs):
                p.setCollisionFilterPair(one.uid, two.uid, one.link, two.link, 0,
                                         physicsClientId=self.client)

    def _add_tree(self, tree: Tree) -> None:
        uid, parts = articulate(self.client, tree, self.scene, self.scene_dir, self.shapes)
        self.trees[uid] = tree
        for live in parts:
            self.adopt(live)
        if tree.root is not None:
            for live in parts:
                self.assembly[live.name] = sum(part.mass for part in parts)
        self.stops += configure_joints(self.client, uid, tree)
        for vehicle, driven in wheels(uid, tree, self.scene).items():
            self.wheels.setdefault(vehicle, []).extend(driven)
        for vehicle, steered in knuckles(uid, tree, self.scene).items():
            self.knuckles.setdefault(vehicle, []).extend(steered)
            if vehicle in self.steering:  # a rebuilt tree keeps its steering
                self.steer(vehicle, self.steering[vehicle])
        if tree.root is not None:
            root = self.bodies[tree.root].body
            self.set_velocity(tree.root, np.asarray(root.velocity, float),
                              np.radians(root.angular_velocity))

    def solid(self, geometry: Geometry, props: MassProperties) -> Solid:
        """A collision shape for `geometry` in its centre-of-mass frame (build once, reuse)."""
        offset = (np.asarray(props.com, float), np.asarray(props.inertia_quat, float))
        return Solid(geometry, props, collision_shape(self.client, geometry, offset))

    def create(self, name: str, body: Body, solid: Solid, pose: tuple[np.ndarray, np.ndarray],
               linear: np.ndarray, angular: np.ndarray, static: bool) -> LiveBody:
        """A Bullet body for `solid` with its origin at `pose`, moving at the COM velocity."""
        com, quat = p.multiplyTransforms(*pose, *solid.offset, physicsClientId=self.client)
        uid = p.createMultiBody(
            0.0 if static else solid.props.mass, solid.shape, basePosition=com,
            baseOrientation=quat, useMaximalCoordinates=True, physicsClientId=self.client)
        live = self.adopt(LiveBody(name, uid, body, solid, static))
        if not static:
            self._set_velocity(live, linear, angular)
        return live

    def adopt(self, live: LiveBody) -> LiveBody:
        """Name a Bullet body part and give it its script body's material and inertia."""
        self.bodies[live.name] = live
        self.names[live.key] = live.name
        self.masses[live.name] = live.mass
        body = live.body
        material = MATERIALS[body.material or default_material(body.asset)]
        self._set_dynamics(live.uid, material, body,
                           None if live.static else (live.mass, live.inertia), live.link)
        return live

    def _set_dynamics(self, uid: int, material: Material, body: Body | None,
                      inertia: tuple[float, np.ndarray] | None, link: int = -1) -> None:
        kwargs = {
            "lateralFriction": body.friction if body and body.friction is not None
            else material.friction,
            "restitution": body.restitution if body and body.restitution is not None
            else material.restitution,
            "rollingFriction": material.rolling_friction,
            "spinningFriction": material.spinning_friction,
            "linearDamping": 0.0, "angularDamping": 0.0,
            "frictionAnchor": 1,  # stops resting stacks creeping sideways
        }
        if material.contact_stiffness is not None:
            kwargs.update(contactStiffness=material.contact_stiffness,
                          contactDamping=material.contact_damping)
        if inertia is not None:
            # the mass must come along: Bullet zeroes it when given the inertia alone
            kwargs.update(mass=float(inertia[0]), localInertiaDiagonal=inertia[1].tolist())
        p.changeDynamics(uid, link, physicsClientId=self.client, **kwargs)

    def reshape(self, name: str, geometry: Geometry) -> None:
        """Give a body another collision shape (a dented one) where it stands, moving as it
        moves; its mass properties stay (a joint-held body's whole tree is rebuilt). Bullet
        hands the freed id to the body created next, so its part keys stay."""
        live = self.bodies[name]
        self.shapes[name] = geometry
        if live.articulated:
            self._rebuild_tree(live.uid)
            return
        pose = self.pose(name)
        _, (linear, angular) = self.read(live)
        shape = collision_shape(self.client, geometry, live.solid.offset)
        self.remove(name)
        self.create(name, live.body, Solid(geometry, live.solid.props, shape), pose,
                    np.asarray(linear), np.asarray(angular), live.static)

    def _rebuild_tree(self, uid: int) -> None:
        """Build a multibody again from its tree with the shapes in `self.shapes`, in the
        state it is in now: base pose and velocity, joint positions and speeds, drives."""
        tree = self.trees.pop(uid)
        client = self.client
        base = (p.getBasePositionAndOrientation(uid, physicsClientId=client),
                p.getBaseVelocity(uid, physicsClientId=client))
        joints = joint_states(client, uid, tree)
        for name in tree.bodies:
            del self.names[self.bodies.pop(name).key]
        p.removeBody(uid, physicsClientId=client)
        self.stops = [stop for stop in self.stops if stop[0] != uid]
        self.wheels = {vehicle: [w for w in driven if w[0] != uid]
                       for vehicle, driven in self.wheels.items()}
        self.knuckles = {vehicle: [k for k in steered if k[0] != uid]
                         for vehicle, steered in self.knuckles.items()}
        self._add_tree(tree)
        new_uid = self.bodies[tree.bodies[0]].uid
        if tree.root is not None:
            p.resetBasePositionAndOrientation(new_uid, *base[0], physicsClientId=client)
            p.resetBaseVelocity(new_uid, *base[1], physicsClientId=client)
        set_joint_states(client, new_uid, tree, joints)
        for vehicle, speed in self.driving.items():
            self.drive(vehicle, speed)

    def reshapes(self, name: str) -> bool:
        """Whether `reshape` can rebuild the body: not while a Bullet constraint (a breakable
        joint, a slack rope's tie), which a rebuild would drop, holds it or its tree."""
        live = self.bodies[name]
        tree = self.trees.get(live.uid) if live.articulated else None
        return not self.pinned & set(tree.bodies if tree else [name])

    def inertial_mass(self, name: str) -> float:
        """The mass a push on the body moves: its own, or its whole vehicle's or tree's."""
        return self.assembly.get(name, self.bodies[name].mass)

    def remove(self, name: str) -> None:
        live = self.bodies.pop(name)
        del self.names[live.key]
        p.removeBody(live.uid, physicsClientId=self.client)

    def cut(self, cut: Cut) -> None:
        """Cut a rope: its joint that `cut` goes through lets go for good."""
        rope = next((r for r in self.scene.ropes if r.name == cut.rope), None)
        if rope is None:  # the script's checks refuse it; a scene built without them
            return
        for constraint in self.pins.pop(cut_joint(rope, cut.at), []):  # a second cut: none
            p.removeConstraint(constraint, physicsClientId=self.client)

    def release(self, name: str) -> None:
        """A static body becomes dynamic where it stands (Bullet cannot re-mass a fixed body)."""
        live = self.bodies[name]
        pose = self.pose(name)
        self.remove(name)
        self.create(name, live.body, live.solid, pose, np.zeros(3), np.zeros(3), static=False)

    def state(self, name: str) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """Centre-of-mass position, principal-frame quaternion, COM velocity, angular velocity."""
        (com, quat), (lin, ang) = self.read(self.bodies[name])
        return np.asarray(com), np.asarray(quat), np.asarray(lin), np.asarray(ang)

    def com(self, live: LiveBody) -> tuple:
        """The centre of mass now, as Bullet's tuple."""
        if live.link < 0:
            return p.getBasePositionAndOrientation(live.uid, physicsClientId=self.client)[0]
        return p.getLinkState(live.uid, live.link, 0, 1, physicsClientId=self.client)[0]

    def read(self, live: LiveBody) -> tuple[tuple[tuple, tuple], tuple[tuple, tuple]]:
        """((COM position, principal-frame quaternion), (COM velocity, angular velocity)) as
        Bullet's tuples, for a free body or a link alike."""
        if live.link < 0:
            return (p.getBasePositionAndOrientation(live.uid, physicsClientId=self.client),
                    p.getBaseVelocity(live.uid, physicsClientId=self.client))
        state = p.getLinkState(live.uid, live.link, 1, 1, physicsClientId=self.client)
        return (state[0], state[1]), (state[6], state[7])

    def pose(self, name: str) -> tuple[np.ndarray, np.ndarray]:
        """Position and xyzw quaternion of the body's asset origin, world frame."""
        com, quat, _, _ = self.state(name)
        return self.origin(name, com, quat)

    def origin(self, name: str, com: np.ndarray, quat: np.ndarray
               ) -> tuple[np.ndarray, np.ndarray]:
        """The asset origin's pose from the centre-of-mass pose (Bullet's C code: fast)."""
        pos, q = p.multiplyTransforms(com, quat, *self.bodies[name].to_origin,
                                      physicsClientId=self.client)
        return np.asarray(pos), np.asarray(q)

    def apply_impulse(self, name: str, impulse: np.ndarray,
                      point: np.ndarray | None = None) -> None:
        """An instantaneous impulse at the centre of mass, or at `point` (body frame)."""
        live = self.bodies[name]
        if live.static:
            return
        if live.articulated:
            self._impulse_as_force(live, np.asarray(impulse, float), point)
            return
        com, quat, lin, ang = self.state(name)
        ang = np.asarray(ang)
        if point is not None:
            lever = self.to_world(name, point) - com
            rot = quat_to_matrix(quat)  # principal axes in the world frame
            torque = rot.T @ np.cross(lever, impulse)
            ang = ang + rot @ (torque / live.inertia)
        self._set_velocity(live, lin + np.asarray(impulse) / live.mass, ang)

    def _impulse_as_force(self, live: LiveBody, impulse: np.ndarray,
                          point: np.ndarray | None) -> None:
        """A joint-held body's velocity is its joints' to set: the impulse is delivered as a
        force over the next step instead, which the joints share out as they must."""
        at = self.com(live) if point is None else self.to_world(live.name, point)
        self.push(live, list(impulse / self.dt), list(at))

    def to_world(self, name: str, point: np.ndarray) -> np.ndarray:
        """A point given in the body's own frame (from its origin), in the world frame now."""
        origin, quat = self.pose(name)
        return origin + quat_to_matrix(quat) @ np.asarray(point)

    def apply_force(self, name: str, force: np.ndarray, at: np.ndarray | None = None) -> None:
        """Force at the centre of mass (or the world point `at`) for the next step only
        (Bullet clears it after a step)."""
        live = self.bodies[name]
        self.push(live, list(force), list(self.com(live) if at is None else at))

    def push(self, live: LiveBody, force: list[float], at: list[float]) -> None:
        """Force at the world point `at` for the next step (kept for its substeps)."""
        p.applyExternalForce(live.uid, live.link, force, at, p.WORLD_FRAME,
                             physicsClientId=self.client)
        if self.substeps > 1:
            self.forces.append((live.uid, live.link, force, at))

    def apply_wrench(self, name: str, force: np.ndarray, torque: np.ndarray) -> None:
        """Force at the centre of mass and torque (world frame) for the next step only."""
        live = self.bodies[name]
        self.apply_force(name, force)
        p.applyExternalTorque(live.uid, live.link, list(torque), p.WORLD_FRAME,
                              physicsClientId=self.client)
        if self.substeps > 1:
            self.forces.append((live.uid, live.link, list(torque), None))

    def set_velocity(self, name: str, linear: np.ndarray | None,
                     angular: np.ndarray | None) -> None:
        live = self.bodies[name]
        lin, ang = p.getBaseVelocity(live.uid, physicsClientId=self.client)
        self._set_velocity(live, np.asarray(lin if linear is None else linear, float),
                           np.asarray(ang if angular is None else angular, float))

    def _set_velocity(self, live: LiveBody, linear: np.ndarray, angular: np.ndarray) -> None:
        p.resetBaseVelocity(live.uid, linear.tolist(), angular.tolist(),
                            physicsClientId=self.client)

    def drive(self, vehicle: str, speed: float) -> None:
        """Turn the vehicle's wheels to roll it at `speed` m/s along its own +x (0: brake)."""
        self.driving[vehicle] = speed
        for uid, index, rate, torque in self.wheels[vehicle]:
            p.setJointMotorControl2(uid, index, p.VELOCITY_CONTROL, targetVelocity=rate * speed,
                                    force=torque, physicsClientId=self.client)

    def steer(self, vehicle: str, angle: float) -> None:
        """Turn the vehicle's steering hinges to `angle` degrees (positive: left), as hard
        as their motors allow, and hold them there."""
        self.steering[vehicle] = angle
        for uid, index, sign, torque in self.knuckles.get(vehicle, []):
            p.setJointMotorControl2(uid, index, p.POSITION_CONTROL,
                                    targetPosition=sign * math.radians(angle), force=torque,
                                    physicsClientId=self.client)

    def set_gravity(self, gravity: np.ndarray) -> None:
        self.gravity = np.asarray(gravity, dtype=float)
        p.setGravity(*self.gravity, physicsClientId=self.client)

    def resting_near(self, name: str, distance: float, up: np.ndarray) -> bool:
        """Whether a static body or the ground lies within `distance` below a body (along
        -`up`): a wall beside it does not count."""
        live = self.bodies[name]
        for key, other in self.names.items():
            target = self.bodies.get(other)
            if other != GROUND and (target is None or not target.static):
                continue
            uid, link = (key, -1) if other == GROUND else (target.uid, target.link)
            # each point's normal (on the static one) points toward the body
            if any(np.dot(c[7], up) > UNDER_COS for c in p.getClosestPoints(
                    live.uid, uid, distance, live.link, link, physicsClientId=self.client)):
                return True
        return False

    def slide(self, name: str, slippery: bool) -> None:
        """Take a body's friction away (cloth between it and what holds it up decides its
        friction: physics/cloth.py), or give it back."""
        live = self.bodies[name]
        friction = 0.0 if slippery else surface_friction(live.body)
        p.changeDynamics(live.uid, live.link, lateralFriction=friction,
                         physicsClientId=self.client)

    def step(self) -> None:
        """One physics step: `substeps` Bullet steps, the step's external forces held over
        all of them (Bullet clears them after each)."""
        if _applied_threshold[0] != self.breaking:  # another world in this process set its own
            p.setPhysicsEngineParameter(contactBreakingThreshold=self.breaking,
                                        physicsClientId=self.client)
            _applied_threshold[0] = self.breaking
        if self.substeps == 1:  # the forces were applied as they were set
            self._bullet_step()
        else:
            self.points = []
            for k in range(self.substeps):
                if k:
                    self._reapply()
                self._bullet_step()
                self.points += [_share(c, self.substeps) for c in self.contact_points()]
        self.forces = []

    def _bullet_step(self) -> None:
        """One stepSimulation, timed, and the joint stops held after it."""
        started = time.perf_counter()
        p.stepSimulation(physicsClientId=self.client)
        self.stepping += time.perf_counter() - started
        if self.stops:
            hold_stops(self.client, self.stops)

    def _reapply(self) -> None:
        """The step's forces again, for a substep after the first (Bullet cleared them)."""
        for uid, link, force, at in self.forces:
            if at is None:  # a torque
                p.applyExternalTorque(uid, link, force, p.WORLD_FRAME,
                                      physicsClientId=self.client)
            else:
                p.applyExternalForce(uid, link, force, at, p.WORLD_FRAME,
                                     physicsClientId=self.client)

    def step_contacts(self) -> list[tuple]:
        """The contacts of the step just taken: of every substep, each force a share of the
        step's (so force times dt still sums to the step's impulse), or the last one's."""
        return self.points if self.substeps > 1 else self.contact_points()

    def contact_points(self) -> list[tuple]:
        """Contacts between bodies (and the ground), as Bullet holds them now."""
        return p.getContactPoints(physicsClientId=self.client)

    @staticmethod
    def overlap_message(which: str, other: str, depth: float) -> str:
        """What to say of `which` starting `depth` metres inside `other`, with the fix."""
        return (f"'{which}' overlaps '{other}' by {depth * 1000:.1f} mm at t = 0; move it "
                f"apart (e.g. raise it by {depth:.3f} m) or set "
                "world.allow_interpenetration: true")

    def overlaps(self, tolerance: float) -> list[tuple[str, str, float]]:
        """Pairs that interpenetrate deeper than `tolerance` metres, deepest first."""
        p.performCollisionDetection(physicsClientId=self.client)
        deepest: dict[tuple[str, str], float] = {}
        for c in self.contact_points():
            a, b = sorted((self.names[part_key(c[1], c[3])], self.names[part_key(c[2], c[4])]))
            if c[8] < -tolerance:
                deepest[(a, b)] = min(deepest.get((a, b), 0.0), c[8])
        return sorted(((a, b, -d) for (a, b), d in deepest.items()), key=lambda x: -x[2])

    def close(self) -> None:
        if p.isConnected(self.client):
            p.disconnect(self.client)


def _share(point: tuple, substeps: int) -> tuple:
    """A contact point of one substep, its normal and friction forces as a share of the step."""
    return (*point[:9], point[9] / substeps, point[10] / substeps, point[11],
            point[12] / substeps, point[13])
