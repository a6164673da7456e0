"""The physics stage: scene -> trajectory and events, stepping PyBullet at a fixed rate."""
from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from bridge.errors import SceneError
from bridge.schema import Scene
from bridge.trajectory import Trajectory
from physics.contacts import ContactRecorder, Episode
from physics.events import EventScheduler
from physics.recorder import FrameRecorder
from physics.stability import StabilityMonitor
from physics.world import World

OVERLAP_TOLERANCE_M = 0.002  # deeper interpenetration at t = 0 is an error


@dataclass
class SimResult:
    trajectory: Trajectory
    events: dict  # the events.json content: collisions, fractures, events
    masses: dict[str, float]
    steps: int
    timings_s: dict[str, float] = field(default_factory=dict)


def frame_steps(scene: Scene) -> np.ndarray:
    """The physics step at which each frame is sampled (frame i is at t = i / fps)."""
    frames = np.arange(scene.num_frames)
    return np.rint(frames / (scene.fps * scene.physics.timestep)).astype(int)


def simulate(scene: Scene, scene_dir: Path | None = None,
             progress: Callable[[int, int], None] | None = None) -> SimResult:
    """Run the scene and record it at the render frame rate."""
    started = time.perf_counter()
    world = World(scene, scene_dir)
    try:
        if not scene.world.allow_interpenetration:
            _refuse_overlaps(world, scene)
        built = time.perf_counter()
        result = _run(world, scene, progress)
        result.timings_s.update(build=built - started, loop=time.perf_counter() - built)
        return result
    finally:
        world.close()


def _run(world: World, scene: Scene, progress: Callable[[int, int], None] | None) -> SimResult:
    steps = frame_steps(scene)
    dt = world.dt
    names = [b.name for b in scene.all_bodies()]
    masses = {n: world.bodies[n].mass for n in world.bodies}
    recorder = FrameRecorder(names, steps * dt)
    contacts = ContactRecorder(dt)
    scheduler = EventScheduler(scene.events, dt)
    monitor = StabilityMonitor(scene.physics.max_speed)
    frame, fired, bullet = 0, 0, 0.0
    for step in range(steps[-1] + 1):
        if step == steps[frame]:
            recorder.record(world, frame)
            monitor.check(recorder, frame, _dynamic_mass(world), float(np.linalg.norm(
                world.gravity)))
            if progress:
                progress(frame + 1, len(steps))
            frame += 1
            if frame == len(steps):
                break
        scheduler.before_step(world, step)
        if len(scheduler.fired) != fired or scheduler.forces:
            fired = len(scheduler.fired)
            masses.update({n: b.mass for n, b in world.bodies.items()})
            monitor.external_work()
        before = time.perf_counter()
        world.step()
        bullet += time.perf_counter() - before
        contacts.after_step(step + 1, world.contact_points(), world.names)
        if contacts.started:
            scheduler.on_contacts(contacts.started, step + 1)
    events = {
        "collisions": [_collision(e, dt, scene.fps) for e in contacts.episodes()],
        "fractures": [],
        "events": [{**f, "frame": round(f["time"] * scene.fps)} for f in scheduler.fired],
    }
    # `bullet`: time inside stepSimulation alone, the benchmark's yardstick for overhead
    return SimResult(recorder.trajectory, events, masses, int(steps[-1]), {"bullet": bullet})


def _dynamic_mass(world: World) -> float:
    return sum(b.mass for b in world.bodies.values() if not b.static)


def _collision(episode: Episode, dt: float, fps: int) -> dict:
    start = episode.start_step * dt
    return {
        "bodies": list(episode.bodies),
        "time": start,
        "frame": round(start * fps),
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
