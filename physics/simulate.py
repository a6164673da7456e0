"""The physics stage: scene -> recording and events, stepping PyBullet at a fixed rate.

What it records depends on the physics alone (the script's world, bodies, events, liquids,
water and physics section), never on the camera: every body is sampled every
`physics.record_every` steps, and the render stage samples that recording at its frames.
"""
from __future__ import annotations

import time
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

import numpy as np

from bridge.air import Air, Jet
from bridge.drag import STILL_AIR_TERMINAL
from bridge.errors import SceneError
from bridge.ropes import segment_names
from bridge.schema import Blow, Liquid, Scene, breakable_settings
from bridge.shot import framed_events
from bridge.soft import mesh_problem, soft_mesh
from bridge.soft_schema import MAX_SOFT_NODES
from bridge.timing import TimeMap
from bridge.trajectory import Trajectory, sample
from physics.air import AirDrag, fastest_air
from physics.bodies import LiveBody
from physics.breakable import BreakableJoints
from physics.cloth import Deformables
from physics.contacts import ContactRecorder, Episode
from physics.dents import Dents
from physics.events import EventScheduler
from physics.flames import Flames
from physics.flex_overlaps import flex_overlaps
from physics.fracture import Fractures
from physics.liquids import particle_count, start_positions
from physics.pins import pin_joint
from physics.recorder import StepRecorder, record_every
from physics.sleep import Sleep, can_sleep
from physics.spills import spills
from physics.springs import Springs
from physics.stability import CHECK_INTERVAL_S, StabilityMonitor
from physics.topples import topples
from physics.water import WaterVolumes
from physics.world import World

OVERLAP_TOLERANCE_M = 0.002  # deeper interpenetration at t = 0 is an error
PROGRESS_UPDATES = 100  # at most this many progress reports a run (a bar needs no more)


@dataclass
class SimResult:
    recording: Trajectory  # every body every `interval` seconds from t = 0
    events: dict  # collisions, fractures, events, spills, topples, joint breaks and
    # deformations: simulated time, no frames
    masses: dict[str, float]
    steps: int
    interval: float  # seconds between recorded samples
    time_map: TimeMap  # the script's video frames, for the views below
    timings_s: dict[str, float] = field(default_factory=dict)

    @cached_property
    def trajectory(self) -> Trajectory:
        """The recording at the script's video frames (what trajectory.npz holds)."""
        return sample(self.recording, self.time_map.times, self.interval)

    @cached_property
    def framed_events(self) -> dict:
        """The events with the first video frame that shows each (what events.json holds)."""
        return framed_events(self.events, self.time_map)


def simulate(scene: Scene, scene_dir: Path | None = None,
             progress: Callable[[int, int], None] | None = None) -> SimResult:
    """Run the scene for its duration, recording every body at the physics section's rate."""
    started = time.perf_counter()
    world = World(scene, scene_dir)
    try:
        _refuse_unplaceable(world, scene)
        loop = _Loop(world, scene)
        built = time.perf_counter()
        result = loop.run(progress)
        result.timings_s.update(build=built - started, loop=time.perf_counter() - built)
        return result
    finally:
        world.close()


class _Loop:
    """The step loop and the systems hooked into it (events, fracture, dents, liquids,
    water, springs)."""

    def __init__(self, world: World, scene: Scene):
        self.world, self.scene = world, scene
        total = int(np.ceil(scene.duration / world.dt - 1e-6))
        bodies = [b.name for b in scene.all_bodies()]
        self.every = record_every(scene.physics.record_every, total, len(bodies)
                                  + _fragments(scene), sum(map(particle_count, scene.liquids))
                                  + sum(np.prod(c.counts) for c in scene.cloth)
                                  + sum(len(soft_mesh(s, world.scene_dir).nodes)
                                        for s in scene.soft))
        self.last = self.every * -(-total // self.every)  # the first sample at or past the end
        self.check_every = max(1, round(CHECK_INTERVAL_S / world.dt))
        self.recorder = StepRecorder(world, bodies)
        self.contacts = ContactRecorder(world.dt)
        self.fractures = Fractures(world, scene) if any(
            breakable_settings(b) for b in scene.all_bodies()) else None
        shatter = self.fractures.shatter if self.fractures else None
        self.air, self.drag, self.flames = _air(world, scene)
        self.cloths = Deformables(world, scene, self.air) if scene.cloth or scene.soft else None
        self.scheduler = EventScheduler(scene.events, world.dt, shatter, self._blow,
                                        self.cloths)
        self.monitor = StabilityMonitor(scene.physics.max_speed, world.gravity)
        self.water = WaterVolumes(scene.water, world.gravity) if scene.water else None
        self.springs = Springs(world, scene.joints) if any(
            j.type == "spring" for j in scene.joints) else None
        self.breakable = BreakableJoints(world, scene.joints) if any(
            j.breaks_at and j.type != "spring" for j in scene.joints) else None
        for joint in scene.all_joints():
            if joint.name in world.constrained:
                world.pins[joint.name] = pin_joint(world, joint)
        self.dents = Dents(scene, world.scene_dir) if any(
            b.crushable for b in scene.all_bodies()) else None
        # springs store energy the monitor's sum does not count; motors do work
        self.unsummed = self.springs is not None or any(j.motor for j in scene.joints)
        self.fluids, self.walls = _fluids(world, scene)
        self.containers = [(liquid, world.bodies[liquid.inside].geometry)
                           for liquid in scene.liquids if liquid.inside is not None]
        self.dynamic_bounds = {b.name: world.bodies[b.name].geometry.bounds for b in
                               scene.all_bodies() if not b.static and b.name in world.bodies}
        self.sleep = Sleep(world) if can_sleep(world, scene) else None
        self.fluid = 0.0  # seconds stepping the liquids
        self.cloth = 0.0  # seconds stepping the cloth

    def run(self, progress: Callable[[int, int], None] | None) -> SimResult:
        samples = self.last // self.every + 1
        report_every = self.every * -(-samples // PROGRESS_UPDATES)
        for step in range(self.last + 1):
            recorded = step % self.every == 0
            if self.sleep is not None and self.sleep.asleep:
                self._asleep(step, recorded)
            else:
                if recorded:
                    self._record(step)
                elif self.sleep is not None:
                    self._observe(step, *self.recorder.current(self.world, self.sleep))
                if step % self.check_every == 0:
                    self._check(step, recorded)
                if step < self.last:
                    self._step(step)
            if recorded and progress and (step % report_every == 0 or step == self.last):
                progress(step // self.every + 1, samples)
        if self.sleep is not None and self.sleep.asleep:
            self.contacts.hold(self.last)
        return self._result()

    def _asleep(self, step: int, recorded: bool) -> None:
        """A step of a sleeping world: nothing moves until an event is due."""
        if recorded:  # the sleepers' held states, without a Bullet call
            self.recorder.record(self.world, step, self.sleep)
        if step == self.last:
            return
        if self.scheduler.busy(step):
            self.sleep.wake_all(step)
            self.contacts.hold(step)
            self._step(step)
        else:
            self.world.step()
            self.sleep.steps += 1
            self.sleep.body_steps += len(self.sleep.held)

    def _blow(self, world: World, blow: Blow, step: int) -> None:
        """Start a breath's jet, aimed where its target is now."""
        toward = blow.toward
        if isinstance(toward, str):
            flame = self.flames.find(toward) if self.flames is not None else None
            if flame is not None:
                toward = flame.base
            elif toward in world.bodies:
                toward = world.state(toward)[0]
            else:
                return  # the body it was aimed at is gone
        self.air.jets.append(Jet.aimed(blow, step * world.dt, np.asarray(toward, float)))

    def _record(self, step: int) -> None:
        self.recorder.record(self.world, step, self.sleep)
        if self.sleep is not None:
            self._observe(step, *self.recorder.latest())
        if self.flames is not None:
            self.flames.record(step * self.world.dt)
        if self.cloths is not None:
            self.cloths.record()
        for fluid in self.fluids:
            for name in fluid.slices:
                self.recorder.record_particles(name, fluid.positions(name))

    def _observe(self, step: int, bodies: tuple[LiveBody, ...], states: np.ndarray) -> None:
        """Wake the sleepers about to be reached, or all for an event acting in this very
        step; put to sleep the bodies still for long enough."""
        if self.scheduler.busy(step):
            self.sleep.wake_all(step)
        elif self.sleep.observe(bodies, states, step):
            self.monitor.external_work()  # the bodies' last slow motion was taken away

    def _check(self, step: int, recorded: bool) -> None:
        bodies, states = self.recorder.latest() if recorded else \
            self.recorder.current(self.world, self.sleep)
        if self.water is not None:
            self.monitor.external_work()  # buoyancy does work the energy sum cannot see
        self.monitor.check(bodies, states, step * self.world.dt)

    def _step(self, step: int) -> None:
        world, scheduler = self.world, self.scheduler
        fired = len(scheduler.fired)
        scheduler.before_step(world, step)
        if self.water is not None:
            self.water.before_step(world, step)
        if self.fractures is not None:
            self.fractures.before_step(world)
        if self.springs is not None:
            self.springs.before_step(world, step)
        if self.dents is not None:
            self.dents.before_step(world)
        if self.drag is not None:
            self.drag.before_step(world, step)
        if self.cloths is not None:
            started = time.perf_counter()
            self.cloths.before_step(world, step)
            self.cloth += time.perf_counter() - started
        pushed = self.walls is not None and self.walls.apply(world.dt, scheduler.held)
        world.step()
        if self.walls is not None:
            started = time.perf_counter()
            self.walls.update()
            for fluid in self.fluids:
                fluid.step(world.dt, self.walls, world.gravity)
            self.fluid += time.perf_counter() - started
        if self.breakable is not None:
            self.breakable.after_step(world, step + 1)
        if self.flames is not None:
            self.flames.after_step(world, step + 1)
        points = world.step_contacts()
        if self.cloths is not None:
            self.cloths.after_step(world, points)
        self.contacts.after_step(step + 1, points, world.names)
        reshaped = self.dents is not None and self.dents.after_step(world, step + 1, points)
        if self.fractures is not None:  # after the dents: a body it breaks is gone
            self.fractures.after_step(world, step + 1, self.contacts.peaks)
        if self.contacts.started:
            scheduler.on_contacts(self.contacts.started, step + 1)
        cloth = self.cloths is not None and self.cloths.pushing()
        if pushed or reshaped or self.unsummed or self.drag is not None or cloth or \
                len(scheduler.fired) != fired or \
                scheduler.forces or scheduler.pours or \
                (self.fractures is not None and self.fractures.broke):
            self.monitor.external_work()

    def _result(self) -> SimResult:
        dt = self.world.dt
        recording = self.recorder.trajectory(dt)
        if self.flames is not None:
            recording.flames, recording.smoke = self.flames.recorded()
        if self.cloths is not None:
            recording.cloth = self.cloths.recorded()
            recording.soft, recording.palms = self.cloths.softs.recorded()
        fractures = self.fractures.events if self.fractures else []
        events = {"collisions": [_collision(e, dt) for e in self.contacts.episodes()],
                  "fractures": fractures, "events": list(self.scheduler.fired),
                  "spills": spills(recording, self.containers, fractures),
                  "topples": topples(recording, self.dynamic_bounds),
                  "joint_breaks": self._joint_breaks(),
                  "deformations": self.dents.events(dt) if self.dents else [],
                  "flame_outs": self.flames.events() if self.flames else []}
        masses = dict(self.world.masses)
        masses.update({l.name: l.density * l.volume_ml * 1e-6 for l in self.scene.liquids})
        swaps = self.fractures.swap_seconds if self.fractures else []
        timings = {"bullet": self.world.stepping, "fluid": self.fluid, "cloth": self.cloth,
                   "swaps": len(swaps),
                   "asleep_steps": self.sleep.steps if self.sleep else 0,
                   "asleep_body_steps": self.sleep.body_steps if self.sleep else 0,
                   "swap_max": max(swaps, default=0.0)}
        return SimResult(recording, events, masses, self.last,
                         self.every * dt, self.scene.time_map(), timings)

    def _joint_breaks(self) -> list[dict]:
        breaks = [b for hook in (self.springs, self.breakable) if hook is not None
                  for b in hook.breaks]
        return sorted(breaks, key=lambda b: (b["time"], b["joint"]))


def _air(world: World, scene: Scene) -> tuple[Air | None, AirDrag | None, Flames | None]:
    """The scene's air (when it has wind, a blow, a flame or cloth), the drag it puts on light
    bodies (in still air too: those present at the start that fall slower than
    STILL_AIR_TERMINAL), and its flames; none in a vacuum."""
    if not scene.world.air:
        return None, None, None
    blows = any(e.blow is not None for e in scene.events)
    air = Air(scene.wind, scene.seed)
    drag = AirDrag(world, air, fastest_air(scene)) if scene.wind or blows else \
        AirDrag(world, air, STILL_AIR_TERMINAL, share=1.0)
    if not (scene.wind or blows or scene.flames or scene.cloth):
        # the drag keeps its own still air: soft bodies feel air only where the scene has
        # wind, a blow, a flame or cloth, as before
        return None, drag or None, None
    flames = Flames(world, scene.flames, air, scene.seed) if scene.flames else None
    return air, drag or None, flames


def _fragments(scene: Scene) -> int:
    """The most fragments the script's breakable bodies can make (for the recording budget)."""
    return sum(settings.pieces for b in scene.all_bodies()
               if (settings := breakable_settings(b)) is not None)


def _fluids(world: World, scene: Scene) -> tuple[list, object | None]:
    """The liquids, each in its container at t = 0 or waiting at its source, one solver per
    particle radius so that liquids of one radius meet, and the walls they
    meet; none without liquids (numba is imported only then: `validate` starts fast)."""
    if not scene.liquids:
        return [], None
    from physics.fluid import Fluid
    from physics.pbf_walls import Walls

    groups: dict[float, list[Liquid]] = {}
    for liquid in scene.liquids:
        groups.setdefault(liquid.particle_radius, []).append(liquid)
    fluids = []
    for liquids in groups.values():
        starts = [_start(liquid, world, scene.seed) for liquid in liquids]
        fluids.append(Fluid(liquids, starts))
    return fluids, Walls(world)


def _start(liquid: Liquid, world: World, seed: int) -> np.ndarray:
    """[N, 3] a liquid's particles at t = 0: filling its container (seeded from the scene
    seed and its name), or all absent (NaN) until they leave their source."""
    if liquid.inside is None:
        return np.full((particle_count(liquid), 3), np.nan)
    return start_positions(liquid, world.bodies[liquid.inside].geometry,
                           world.pose(liquid.inside),
                           zlib.crc32(f"{seed}/{liquid.name}".encode()))


def _collision(episode: Episode, dt: float) -> dict:
    return {
        "bodies": list(episode.bodies),
        "time": episode.start_step * dt,
        "end_time": episode.last_step * dt,
        "impulse": episode.impulse,
        "position": list(episode.position),
        "normal": list(episode.normal),
    }


def _refuse_unplaceable(world: World, scene: Scene) -> None:
    """Raise SceneError for soft bodies that cannot be meshed (always), and for bodies that
    overlap at t = 0 (unless the script allows it)."""
    unmeshed = _unmeshed(world, scene)
    items = list(unmeshed)
    if not scene.world.allow_interpenetration:
        items += _overlaps(world, scene)
        if scene.soft and not unmeshed:  # what cannot be meshed is not placed
            items += flex_overlaps(world, scene)
    if items:
        raise SceneError(items)


def _unmeshed(world: World, scene: Scene) -> list[tuple[tuple, str]]:
    """Mesh-file soft bodies their lattice cannot fill, and too many soft-body nodes (what
    validation cannot check without the script's folder)."""
    items = [(("soft", i, "resolution"), problem) for i, soft in enumerate(scene.soft)
             if soft.shape == "mesh" and (problem := mesh_problem(soft, world.scene_dir))]
    total = sum(len(soft_mesh(soft, world.scene_dir).nodes) for soft in scene.soft)
    if total > MAX_SOFT_NODES:
        message = f"{total} soft-body nodes in all; the limit is {MAX_SOFT_NODES}: lower " \
            "`resolution`"
        items.append((("soft",), message))
    return items


def _overlaps(world: World, scene: Scene) -> list[tuple[tuple, str]]:
    paths = {b.name: ("bodies", i, "position") for i, b in enumerate(scene.bodies)}
    paths.update({name: ("ropes", r, "start", "at") for r, rope in enumerate(scene.ropes)
                  for name in segment_names(rope)})
    index = {name: i for i, name in enumerate(paths)}
    items = []
    for a, b, depth in world.overlaps(OVERLAP_TOLERANCE_M):
        # blame the body written later in the script (the ground is never in `index`)
        which, other = (b, a) if index.get(b, -1) > index.get(a, -1) else (a, b)
        items.append((paths[which], World.overlap_message(which, other, depth)))
    return items


def check_overlaps(scene: Scene, scene_dir: Path | None) -> None:
    """Raise SceneError when bodies interpenetrate at t = 0 (unless the script allows it), or
    a soft body cannot be meshed (what `validate` checks with the script's folder at hand)."""
    world = World(scene, scene_dir)
    try:
        _refuse_unplaceable(world, scene)
    finally:
        world.close()
