"""Scripted events: fired at a time or on first contact, applied to the world as step hooks."""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from bridge.assets.openings import lip
from bridge.schema import Blow, Event, Pour
from bridge.transforms import quat_to_matrix
from physics.contacts import Episode
from physics.world import World

if TYPE_CHECKING:  # the deformables import MuJoCo, only where a scene has them
    from physics.cloth import Deformables


@dataclass
class Pending:
    event: Event
    index: int  # position in the script's `events`
    step: int | None  # step at which it fires; None until its contact trigger happens


class EventScheduler:
    """Fires events at their step; holds forces for their duration; logs what fired."""

    def __init__(self, events: list[Event], dt: float,
                 shatter: Callable[[World, str, int], None] | None = None,
                 blow: Callable[[World, Blow, int], None] | None = None,
                 deformables: Deformables | None = None):
        self.dt = dt
        self.shatter = shatter  # breaks a body on a `break` event
        self.blow = blow  # starts a breath's jet on a `blow` event
        self.deformables = deformables  # pulls cloth, squeezes and presses soft bodies
        self.pending = [Pending(e, i, None if e.at is None else self._step_of(e.at + e.delay))
                        for i, e in enumerate(events)]
        # body, force, last step, point (body frame; None: the centre of mass)
        self.forces: list[tuple[str, np.ndarray, int, np.ndarray | None]] = []
        self.pours: list[Tilt] = []
        self.fired: list[dict] = []

    @property
    def held(self) -> frozenset[str]:
        """The bodies a hand holds (being poured, or held after): they move as it does."""
        return frozenset(tilt.body for tilt in self.pours)

    def _step_of(self, t: float) -> int:
        return round(t / self.dt)

    def on_contacts(self, started: list[Episode], step: int) -> None:
        """Arm contact-triggered events whose pair just touched for the first time."""
        pairs = {e.bodies for e in started}
        for item in self.pending:
            trigger = item.event.on_contact
            if item.step is None and trigger and tuple(sorted(trigger)) in pairs:
                item.step = step + self._step_of(item.event.delay)

    def busy(self, step: int) -> bool:
        """Whether an event fires at `step`, or a force or a pour is being held."""
        return bool(self.forces or self.pours) or any(
            item.step is not None and item.step <= step for item in self.pending)

    def before_step(self, world: World, step: int) -> None:
        """Apply events due at this step, then the forces still being held."""
        # each list tested before it is filtered: this runs at every step, mostly with none
        due = [item for item in self.pending if item.step is not None and item.step <= step] \
            if self.pending else ()
        for item in due:
            self.pending.remove(item)
            self._fire(world, item, step)
        if self.forces:
            self.forces = [f for f in self.forces if f[2] >= step and f[0] in world.bodies]
            for body, force, _, point in self.forces:
                world.apply_force(body, force, None if point is None else world.to_world(
                    body, point))
        if self.pours:
            self.pours = [tilt for tilt in self.pours if tilt.body in world.bodies]
            for tilt in self.pours:
                tilt.hold(world, step)

    def _fire(self, world: World, item: Pending, step: int) -> None:
        event = item.event
        action = event.action
        value = event.value
        target = event.target
        if target is not None and target not in world.bodies and action != "spawn":
            return  # the body was removed earlier; nothing left to act on
        if action == "push":
            point = None if value.point is None else np.asarray(value.point)
            world.apply_impulse(value.body, np.asarray(value.impulse), point)
        elif action == "force":
            last = step + self._step_of(value.duration) - 1
            point = None if value.point is None else np.asarray(value.point, float)
            self.forces.append((value.body, np.asarray(value.force, float), last, point))
        elif action == "set_velocity":
            angular = None if value.angular is None else np.radians(value.angular)
            world.set_velocity(value.body, value.linear, angular)
        elif action == "release":
            world.release(value)
        elif action == "remove":
            world.remove(value)
        elif action == "spawn":
            world.add_body(value)
        elif action == "gravity":
            world.set_gravity(np.asarray(value))
        elif action == "break" and self.shatter is not None:
            self.shatter(world, value, step)
        elif action == "drive":
            world.drive(value.vehicle, value.speed)
        elif action == "brake":
            world.drive(value, 0.0)
        elif action == "steer":
            world.steer(value.vehicle, value.angle)
        elif action == "blow" and self.blow is not None:
            self.blow(world, value, step)
        elif action == "pull" and self.deformables is not None:
            self.deformables.pull(world, value, step)
        elif action == "squeeze" and self.deformables is not None:
            self.deformables.softs.squeeze(world, value, step, item.index)
        elif action == "press" and self.deformables is not None:
            self.deformables.softs.press(world, value, step, item.index)
        elif action == "cut":
            world.cut(value)
        elif action == "pour":
            if world.bodies[value.body].static:
                world.release(value.body)
            self.pours.append(Tilt.start(world, value, step, self.dt))
        self.fired.append(self._record(item, step))

    def _record(self, item: Pending, step: int) -> dict:
        fields = item.event.model_dump(mode="json", exclude_none=True, by_alias=True)
        return {"kind": item.event.action, "time": step * self.dt, "index": item.index, **fields}


@dataclass
class Tilt:
    """A hand turning a container about a fixed pivot on its rim, then holding it still."""

    body: str
    pivot: np.ndarray  # world point on the rim
    spin: np.ndarray  # rad/s about the pivot while turning
    last: int  # the last step it turns

    @classmethod
    def start(cls, world: World, pour: Pour, step: int, dt: float) -> Tilt:
        toward = np.array([pour.toward[0], pour.toward[1], 0.0])
        toward /= np.linalg.norm(toward)
        origin, quat = world.pose(pour.body)
        points = world.bodies[pour.body].geometry.visual.vertices @ quat_to_matrix(quat).T \
            + origin
        pivot = lip(points, toward, origin)
        axis = np.cross([0.0, 0.0, 1.0], toward)  # tips the top towards `toward`
        steps = max(1, round(pour.duration / dt))
        return cls(pour.body, pivot, axis * np.radians(pour.angle) / (steps * dt), step + steps - 1)

    def hold(self, world: World, step: int) -> None:
        """Set this step's velocities and cancel gravity, so the body moves as the hand does."""
        spin = self.spin if step <= self.last else np.zeros(3)
        com = world.state(self.body)[0]
        world.set_velocity(self.body, np.cross(spin, com - self.pivot), spin)
        world.apply_force(self.body, -world.bodies[self.body].mass * world.gravity)
