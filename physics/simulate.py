"""The physics stage: scene -> trajectory and events, stepping PyBullet at a fixed rate."""
from __future__ import annotations

import time
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from bridge.errors import SceneError
from bridge.schema import Liquid, Scene, breakable_settings
from bridge.trajectory import Trajectory
from physics.contacts import ContactRecorder, Episode
from physics.events import EventScheduler
from physics.fracture import Fractures
from physics.liquids import LiquidParticles
from physics.recorder import FrameRecorder, SamplePlan, resample
from physics.stability import StabilityMonitor
from physics.water import WaterVolumes
from physics.world import World

OVERLAP_TOLERANCE_M = 0.002  # deeper interpenetration at t = 0 is an error


@dataclass
class SimResult:
    trajectory: Trajectory
    events: dict  # the events.json content: collisions, fractures, events
    masses: dict[str, float]
    steps: int
    timings_s: dict[str, float] = field(default_factory=dict)


def simulate(scene: Scene, scene_dir: Path | None = None,
             progress: Callable[[int, int], None] | None = None) -> SimResult:
    """Run the scene and record it at the video frames' simulated times."""
    started = time.perf_counter()
    world = World(scene, scene_dir)
    try:
        if not scene.world.allow_interpenetration:
            _refuse_overlaps(world, scene)
        loop = _Loop(world, scene)
        built = time.perf_counter()
        result = loop.run(progress)
        result.timings_s.update(build=built - started, loop=time.perf_counter() - built)
        return result
    finally:
        world.close()


class _Loop:
    """The step loop and the systems hooked into it (events, fracture, liquids, water)."""

    def __init__(self, world: World, scene: Scene):
        self.world, self.scene = world, scene
        self.time_map = scene.time_map()
        self.plan = SamplePlan.for_times(self.time_map.times, world.dt)
        self.steps = self.plan.steps
        names = [b.name for b in scene.all_bodies()]
        self.recorder = FrameRecorder(names, self.steps * world.dt)
        self.contacts = ContactRecorder(world.dt)
        self.fractures = Fractures(world, scene) if any(
            breakable_settings(b) for b in scene.all_bodies()) else None
        shatter = self.fractures.shatter if self.fractures else None
        self.scheduler = EventScheduler(scene.events, world.dt, shatter)
        self.monitor = StabilityMonitor(scene.physics.max_speed)
        self.water = WaterVolumes(scene.water, world.gravity) if scene.water else None
        self.liquids = {liquid.name: _pour(world, scene, liquid) for liquid in scene.liquids}
        self.bullet = 0.0  # seconds inside stepSimulation alone: the benchmark's yardstick

    def run(self, progress: Callable[[int, int], None] | None) -> SimResult:
        frame = 0
        for step in range(self.steps[-1] + 1):
            if step == self.steps[frame]:
                self._record(frame)
                if progress:
                    progress(frame + 1, len(self.steps))
                frame += 1
                if frame == len(self.steps):
                    break
            self._step(step)
        return self._result()

    def _record(self, frame: int) -> None:
        world = self.world
        self.recorder.record(world, frame)
        for name, liquid in self.liquids.items():
            self.recorder.record_particles(name, frame, liquid.positions())
        if self.water is not None:
            self.monitor.external_work()  # buoyancy does work the energy sum cannot see
        self.monitor.check(self.recorder, frame, _dynamic_mass(world),
                           float(np.linalg.norm(world.gravity)))

    def _step(self, step: int) -> None:
        world, scheduler = self.world, self.scheduler
        fired = len(scheduler.fired)
        scheduler.before_step(world, step)
        if self.water is not None:
            self.water.before_step(world, step)
        if self.fractures is not None:
            self.fractures.before_step(world)
        before = time.perf_counter()
        world.step()
        self.bullet += time.perf_counter() - before
        self.contacts.after_step(step + 1, world.contact_points(), world.names)
        if self.fractures is not None:
            self.fractures.after_step(world, step + 1, self.contacts.peaks)
        if self.contacts.started:
            scheduler.on_contacts(self.contacts.started, step + 1)
        if len(scheduler.fired) != fired or scheduler.forces or (
                self.fractures is not None and self.fractures.broke):
            self.monitor.external_work()

    def _result(self) -> SimResult:
        dt, frame_of = self.world.dt, self.time_map.frame_of
        fractures = self.fractures.events if self.fractures else []
        events = {
            "collisions": [_collision(e, dt, frame_of) for e in self.contacts.episodes()],
            "fractures": [{**f, "frame": frame_of(f["time"])} for f in fractures],
            "events": [{**f, "frame": frame_of(f["time"])} for f in self.scheduler.fired],
        }
        masses = dict(self.world.masses)
        masses.update({l.name: l.density * l.volume_ml * 1e-6 for l in self.scene.liquids})
        swaps = self.fractures.swap_seconds if self.fractures else []
        timings = {"bullet": self.bullet, "swaps": len(swaps), "swap_max": max(swaps, default=0.0)}
        trajectory = resample(self.recorder.trajectory, self.plan, self.time_map.times)
        return SimResult(trajectory, events, masses, int(self.steps[-1]), timings)


def _pour(world: World, scene: Scene, liquid: Liquid) -> LiquidParticles:
    """Fill the liquid's container at t = 0, seeded from the scene seed and the liquid name."""
    container = world.bodies[liquid.inside]
    seed = zlib.crc32(f"{scene.seed}/{liquid.name}".encode())
    world.has_particles = True
    return LiquidParticles(world.client, liquid, container.geometry, world.pose(liquid.inside),
                           seed)


def _dynamic_mass(world: World) -> float:
    return sum(b.mass for b in world.bodies.values() if not b.static)


def _collision(episode: Episode, dt: float, frame_of: Callable[[float], int]) -> dict:
    start = episode.start_step * dt
    return {
        "bodies": list(episode.bodies),
        "time": start,
        "frame": frame_of(start),
        "end_time": episode.last_step * dt,
        "impulse": episode.impulse,
        "position": list(episode.position),
        "normal": list(episode.normal),
    }


def _refuse_overlaps(world: World, scene: Scene) -> None:
    index = {b.name: i for i, b in enumerate(scene.bodies)}
    items = []
    for a, b, depth in world.overlaps(OVERLAP_TOLERANCE_M):
        # blame the body written later in the script (the ground is never in `index`)
        which, other = (b, a) if index.get(b, -1) > index.get(a, -1) else (a, b)
        message = (f"'{which}' overlaps '{other}' by {depth * 1000:.1f} mm at t = 0; move it "
                   f"apart (e.g. raise it by {depth:.3f} m) or set "
                   "world.allow_interpenetration: true")
        items.append((("bodies", index[which], "position"), message))
    if items:
        raise SceneError(items)


def check_overlaps(scene: Scene, scene_dir: Path | None) -> None:
    """Raise SceneError when bodies interpenetrate at t = 0 (what `validate` checks)."""
    world = World(scene, scene_dir)
    try:
        _refuse_overlaps(world, scene)
    finally:
        world.close()
