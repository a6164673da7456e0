"""The render stage: trajectory -> rgb.mp4, depth, segmentation, flow and per-frame labels."""
from __future__ import annotations

import ctypes
import functools
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from bridge import key_events
from bridge.camera_schema import Shot
from bridge.instances import Instance
from bridge.schema import Scene
from bridge.shot import ALL_PASSES, ANNOTATIONS, DEFAULT_PASSES
from bridge.trajectory import Trajectory
from renderer.annotations import boxes_by_id, event_image_positions, instance_labels
from renderer.camera import CameraTrack, camera_track, trajectory_corners
from renderer.liquid_ahead import SurfacesAhead
from renderer.offscreen import Offscreen
from renderer.outputs import ShotWriter
from renderer.passes import render_frame
from renderer.scene_builder import (
    FLAT_MARKING,
    ShotScene,
    add_surroundings,
    build_scene,
    liquid_surfaces,
    set_frame,
)
from renderer.shadows import shadow_view
from renderer.shots import shots_track
from renderer.sightlines import static_triangles

# A break or a spill: wide, with what led up to it and where the pieces and liquid go. An
# impact: close, on the bodies as they meet (a wide of a fast ball's path leaves it a speck).
# A topple: close, the body going over (a wide of one domino or pin leaves it a speck).
AUTO_EVENT_PRESETS = {"fracture": "wide", "spill": "wide", "impact": "close_up",
                      "topple": "close_up"}
NO_GROUND_SHADOW_REACH = 50.0  # metres: without a ground, shadow points stop this far out


@dataclass
class RenderResult:
    camera: dict  # the `camera` entry of metadata.json
    bbox_2d: dict[str, list]  # name -> [F] [x0, y0, x1, y1] (x1, y1 exclusive) or None
    visibility: dict[str, list[int]]  # name -> [F] visible pixel counts
    timings_s: dict[str, float] = field(default_factory=dict)  # setup, gl, outputs, total


@functools.cache
def _keep_freed_memory() -> None:
    """Serve frame-sized numpy temporaries from the heap rather than from fresh mmap pages,
    once per process (the first render asks for it; importing the renderer changes nothing).

    glibc maps each large block afresh and returns it on free, so every page faults again on
    first touch; measured here, that tripled the flow time. A no-op without glibc."""
    try:
        libc = ctypes.CDLL("libc.so.6")
    except OSError:
        return
    m_trim_threshold, m_mmap_threshold = -1, -3  # glibc's mallopt parameter numbers
    libc.mallopt(m_mmap_threshold, 32 << 20)  # glibc's ceiling for this threshold
    libc.mallopt(m_trim_threshold, 256 << 20)


def _shadow_points(corners: np.ndarray, direction: np.ndarray, reach: float) -> np.ndarray:
    """The bodies' corners and where their shadows fall on the plane z = 0."""
    if len(corners) == 0:
        return np.array([[-1.0, -1.0, 0.0], [1.0, 1.0, 1.0]])
    if direction[2] >= 0:
        return corners
    travel = np.maximum(corners[:, 2], 0.0) / -direction[2]
    cast = corners + travel[:, None] * direction
    cast[:, :2] = np.clip(cast[:, :2], -reach, reach)  # a low sun's shadows end at the edge
    cast[:, 2] = 0.0
    return np.concatenate([corners, cast])


def _render_frames(renderer: Offscreen, shot: ShotScene, trajectory: Trajectory,
                   track: CameraTrack, writer: ShotWriter, rgb: bool,
                   progress: Callable[[int, int], None] | None) -> float:
    """Render every frame into the writer; returns the seconds spent posing and in GL."""
    gl_s = 0.0
    ahead = SurfacesAhead(functools.partial(liquid_surfaces, shot, trajectory),
                          track.num_frames) if shot.liquids else None
    try:
        for frame in range(track.num_frames):
            tick = time.perf_counter()
            set_frame(shot, trajectory, frame, track.pose(frame), track.fov_deg[frame],
                      ahead.get(frame) if ahead is not None else None)
            renderer.remesh(shot.remeshed)
            rendered = render_frame(renderer, shot, rgb)
            gl_s += time.perf_counter() - tick
            writer.submit(frame, rendered)
            if progress is not None:
                progress(frame + 1, track.num_frames)
    finally:
        if ahead is not None:
            ahead.close()
    return gl_s


def _camera_track(scene: Scene, shot: ShotScene, trajectory: Trajectory, events: dict,
                  corners: np.ndarray) -> CameraTrack:
    """The shot list's camera; else a posed or keyframed one; else the automatic camera,
    which frames the scene's key event (its first break or spill, else its first topple,
    else its first impact; AUTO_EVENT_PRESETS), or with no such event fits everything that
    exists."""
    camera = scene.camera
    if not camera.shots and not camera.keyframes and camera.position is None \
            and camera.look_at is None:
        found = key_events.key_events(scene, events, trajectory.names)
        if found:
            event = found[0].subject
            framed = Shot(preset=AUTO_EVENT_PRESETS[event.event], subject=event)
            scene = scene.model_copy(update={"camera": camera.model_copy(
                update={"shots": [framed]})})
    if scene.camera.shots:
        static = {b.name for b in scene.all_bodies() if b.static}
        return shots_track(scene, shot.bounds, trajectory, events,
                           static_triangles(shot.nodes, trajectory, static))
    return camera_track(camera, scene.resolution, np.arange(scene.num_frames) / scene.fps,
                        corners)


def render_shot(scene: Scene, trajectory: Trajectory, instances: list[Instance], out_dir: Path,
                scene_dir: Path | None = None, passes: frozenset[str] = DEFAULT_PASSES,
                progress: Callable[[int, int], None] | None = None,
                events: dict | None = None) -> RenderResult:
    """Render every frame into `out_dir` (the shot-folder layout), with annotations.npz:
    3D boxes and image positions per instance, and where `events` are seen."""
    unknown = set(passes) - ALL_PASSES
    if unknown:
        raise ValueError(f"unknown render passes {sorted(unknown)}; valid: {sorted(ALL_PASSES)}")
    frames = scene.num_frames
    if trajectory.num_frames < frames:
        raise ValueError(f"trajectory has {trajectory.num_frames} frames, the scene needs {frames}")
    started = time.perf_counter()
    _keep_freed_memory()
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    shot = build_scene(scene, instances, scene_dir, (events or {}).get("deformations", []))
    corners = trajectory_corners(shot.bounds, trajectory)
    add_surroundings(shot, scene, corners)
    track = _camera_track(scene, shot, trajectory, events or {}, corners)
    if shot.cutaway is not None:
        shot.cutaway.plan(np.array([track.pose(f)[:3, 3] for f in range(track.num_frames)]))
    ground = scene.world.ground
    reach = ground.size / 2 if ground is not None else NO_GROUND_SHADOW_REACH
    renderer = Offscreen(*scene.resolution)
    try:
        renderer.set_ids(shot.seg_colors)
        renderer.set_layers(list(shot.liquids.values()),
                            shot.water + [nodes.smoke for nodes in shot.flames.values()])
        floor = [node for node in [*shot.surroundings, shot.ground] if node is not None]
        # a flame glows: it casts no shadow
        renderer.set_receivers_only([node.mesh for node in floor]
                                    + [nodes.flame.mesh for nodes in shot.flames.values()])
        renderer.set_draw_first(floor)
        renderer.set_markings([n.mesh for n in shot.surroundings
                               if n.mesh.bounds[1][2] <= FLAT_MARKING])
        # beyond the flat markings, the surroundings lie outside every shadow map
        renderer.set_unshadowed([n.mesh for n in shot.surroundings
                                 if n.mesh.bounds[1][2] > FLAT_MARKING])
        renderer.set_surface(shot.sky, shot.patterns if scene.style.textures else {},
                             scene.seed)
        for node, direction in shot.suns.items():
            renderer.shadow_views[node] = shadow_view(
                direction, _shadow_points(corners, direction / np.linalg.norm(direction), reach))
        renderer.read_normals = "normals" in passes
        renderer.multisample = scene.style.antialias == "msaa"
        writer = ShotWriter(out_dir, frozenset(passes), scene.fps, track, trajectory, instances,
                            boxes_by_id(shot.bounds, instances), scene.style.motion_blur,
                            smooth=scene.style.antialias == "filter")
        setup_s = time.perf_counter() - started
        try:
            gl_s = _render_frames(renderer, shot, trajectory, track, writer,
                                  bool({"rgb", "normals"} & passes), progress)
        finally:
            writer.close()
    finally:
        renderer.delete()
    bbox, visibility = writer.labels()
    labels = instance_labels(shot.bounds, trajectory, instances, track)
    labels.update(event_image_positions(events or {}, track, labels))
    with open(out_dir / ANNOTATIONS, "wb") as f:
        np.savez(f, **labels)
    return RenderResult(track.metadata(), bbox, visibility,
                        {"setup": setup_s, "gl": gl_s, "outputs": writer.busy_s,
                         "total": time.perf_counter() - started})
