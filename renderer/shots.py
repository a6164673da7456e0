"""Shot lists: each shot frames its subjects with a preset, then moves and shakes.

A shot's frames are those the time map gives it. Moves run in video time (u goes from 0 on
the shot's first frame to 1 on its last), so a slow-motion shot moves the camera at the pace
the viewer sees, and tracking smooths over video seconds too.
"""
from __future__ import annotations

import warnings
import zlib
from collections.abc import Callable

import numpy as np

from bridge import key_events
from bridge.camera_schema import Camera, EventSubject, Shot
from bridge.schema import Scene
from bridge.trajectory import Trajectory
from bridge.transforms import look_at_quat
from renderer import moves, sightlines
from renderer.camera import CameraTrack, box_corners_per_frame
from renderer.framing import DEFAULT_AZIMUTH_DEG, frame_preset

DEFAULT_PRESET = "medium"
# An automatic angle turns this far either way, nearest first, until a static body cuts no
# more than HIDDEN_ALLOWED of the sight lines to what it frames (a leg passing across for a
# moment); each line ends SEEN_CORE of the way from the framed points' middle to a point.
AZIMUTH_TURNS = (20.0, -20.0, 40.0, -40.0, 60.0, -60.0, 90.0, -90.0)
HIDDEN_ALLOWED = 0.05
SEEN_CORE = 0.5
SAMPLED_FRAMES = 24  # frames of a shot whose sight lines are tested, evenly spread
WHOLE_SCENE_PRESETS = ("wide", "top_down")  # with no subject named, they frame static bodies too
# An event shot frames what shows the event from just before it until it has begun to spread
# (the falling glass, then its shards and liquid), and the bulk of it: far-flung shards and
# drops would shrink the event to a speck, so the box spans the middle 80% of the points. An
# impact is where the bodies meet and the two frames from the contact on: a fast ball's path
# before and after would shrink it. A topple spans the body tipping, falling and lying.
# Whatever the frame rate, the window holds the frame that shows the event and the next.
EVENT_BEFORE_S = {"fracture": 0.05, "impact": 0.0, "spill": 0.05, "topple": 0.3}
EVENT_AFTER_S = {"fracture": 0.2, "impact": 0.0, "spill": 0.4, "topple": 0.3}
EVENT_BULK = (10, 90)  # percentiles of the event's points, per axis


class Subjects:
    """Box corners of named bodies, with their fragments, over one shot's frames; and the
    events of the run, which a shot may frame instead."""

    def __init__(self, bounds: dict[str, np.ndarray], trajectory: Trajectory,
                 frames: np.ndarray, scene: Scene, events: dict,
                 occluders: np.ndarray | None = None):
        self.bounds, self.trajectory, self.frames = bounds, trajectory, frames
        self.scene, self.events = scene, events
        # [T, 3, 3] world triangles of the static bodies, that an automatic angle sees past
        self.occluders = np.zeros((0, 3, 3)) if occluders is None else occluders
        static = {b.name for b in scene.all_bodies() if b.static}
        self.moving = [n for n in trajectory.names if _root(n) not in static]

    def corners(self, names: list[str] | None, everything: bool = False) -> np.ndarray:
        """[n, M, 3] corners (NaN while absent); None: every body that moves, or with
        `everything` every body (a wide shot shows the table the action happens on)."""
        if names is None:
            names = self.trajectory.names if everything else self.moving
        chosen = [n for n in self.trajectory.names if _root(n) in names or n in names]
        corners = box_corners_per_frame(self.bounds, self.trajectory, chosen, self.frames)
        for i, name in enumerate(chosen):
            if "/" in name:
                corners[~self._first_frame(name), 8 * i:8 * i + 8] = np.nan
        return corners

    def _first_frame(self, fragment: str) -> np.ndarray:
        """[n] True on the frame where the fragment appears: a close-up of a break frames
        the body where it breaks, not the floor the shards end up scattered over."""
        alive = self.trajectory.exists(fragment)
        first = np.zeros(len(alive), bool)
        if alive.any():
            first[np.argmax(alive)] = True
        return first[self.frames]

    def centre(self, name: str) -> np.ndarray:
        """[n, 3] where a tracking camera aims: the body's box centre, and once it breaks the
        middle of its pieces and the middle of the liquid it held, averaged. Medians, not
        means: a few shards sliding far would drag the camera off the break and its puddle."""
        group = [n for n in self.trajectory.names if _root(n) == name]
        boxes = box_corners_per_frame(self.bounds, self.trajectory, group, self.frames)
        centres = np.stack([_nanmean(boxes[:, 8 * i:8 * i + 8], axis=1)
                            for i in range(len(group))], axis=1) if group else None
        parts = [] if centres is None else [_nanmedian(centres, axis=1)]
        broken = (~self.trajectory.exists(name)[self.frames] if name in self.trajectory.pos
                  else np.ones(len(self.frames), bool))
        for liquid in self.scene.liquids:  # while whole, the body alone; then its liquid too
            if liquid.inside == name:
                spilled = _nanmedian(self.trajectory.particles[liquid.name][self.frames], axis=1)
                parts.append(np.where(broken[:, None], spilled, np.nan))
        if not parts:
            return np.full((len(self.frames), 3), np.nan)
        return _nanmean(np.stack(parts, axis=1), axis=1)

    def event_points(self, subject: EventSubject) -> np.ndarray:
        """[k, 3] world points of what shows the event, from a little before it until its
        pieces and liquid have spread (an event that never happens: its named bodies)."""
        event = key_events.find(subject, self.scene, self.events, self.trajectory.names)
        if event is None:
            names, frames = subject.names(), self.frames
        else:
            names = list(event.involved)
            times = self.trajectory.times
            window = ((times >= event.time - EVENT_BEFORE_S[subject.event])
                      & (times <= event.time + EVENT_AFTER_S[subject.event]))
            shown = int(np.searchsorted(times, event.time))
            window[shown:shown + 2] = True
            frames = np.flatnonzero(window)
        boxes = box_corners_per_frame(self.bounds, self.trajectory, names, frames)
        points = [boxes.reshape(-1, 3)]
        points += [self.trajectory.particles[n][frames].reshape(-1, 3) for n in names
                   if n in self.trajectory.particles]
        points = np.concatenate(points)
        points = points[np.isfinite(points).all(axis=1)]
        # where it happens, always: a fast ball has left the spot by the next frame
        where = [] if event is None or event.position is None else [event.position]
        if len(points) == 0:
            return np.array(where, float).reshape(-1, 3)
        low, high = np.percentile(points, EVENT_BULK, axis=0)
        for point in where:
            low, high = np.minimum(low, point), np.maximum(high, point)
        return np.array([[x, y, z] for x in (low[0], high[0]) for y in (low[1], high[1])
                         for z in (low[2], high[2])])


def _root(name: str) -> str:
    return name.split("/")[0]


def _nanmean(values: np.ndarray, axis: int) -> np.ndarray:
    with np.errstate(invalid="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # all-NaN rows stay NaN
        return np.nanmean(values, axis=axis)


def _nanmedian(values: np.ndarray, axis: int) -> np.ndarray:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # all-NaN rows stay NaN
        return np.nanmedian(values, axis=axis)


def shot_poses(shot: Shot, index: int, camera: Camera, fps: int, subjects: Subjects,
               aspect: float, seed: int) -> tuple[np.ndarray, np.ndarray, float]:
    """(positions [n,3], quaternions [n,4], vertical fov) over the shot's frames."""
    fov = shot.fov if shot.fov is not None else camera.vertical_fov(aspect)
    tracked = shot.move.track.body if shot.move and shot.move.kind == "track" else None
    if isinstance(shot.subject, EventSubject) and tracked is None:
        present = subjects.event_points(shot.subject)
    else:
        corners = subjects.corners(shot.subjects() if tracked is None else [tracked],
                                   everything=shot.preset in WHOLE_SCENE_PRESETS)
        if tracked is not None:  # frame the body as it is, not the whole path it will cover
            corners = corners[np.isfinite(corners).all(axis=-1).any(axis=1)][:1]
        present = corners[np.isfinite(corners).all(axis=-1)]
    frames = subjects.frames
    u = np.arange(len(frames)) / max(len(frames) - 1, 1)

    def posed(azimuth: float | None) -> tuple[np.ndarray, np.ndarray]:
        position, target = _base_pose(shot, present, fov, aspect, camera.near, azimuth)
        return _move(shot, position, target, u, subjects, frames / fps)

    positions, targets = _in_view(shot, posed, _seen(shot, tracked, subjects),
                                  subjects.occluders)
    quats = np.stack([look_at_quat(p, t) for p, t in zip(positions, targets)])
    if shot.shake is not None:
        rng = np.random.default_rng([seed, index, zlib.crc32(b"shake")])
        quats = moves.shake(quats, frames / fps, shot.shake.amplitude, shot.shake.frequency, rng)
    return positions, quats, fov


def _seen(shot: Shot, tracked: str | None, subjects: Subjects) -> np.ndarray:
    """[n, k, 3] the points that must stay in sight on each frame (NaN where absent): the
    tracked body, or the moving bodies the shot or its event frames; never a static body,
    which its own triangles would hide from itself (a table's box holds the air under it)."""
    if tracked is not None:
        return box_corners_per_frame(subjects.bounds, subjects.trajectory, [tracked],
                                     subjects.frames)
    names = shot.subjects()
    if isinstance(shot.subject, EventSubject):
        event = key_events.find(shot.subject, subjects.scene, subjects.events,
                                subjects.trajectory.names)
        names = list(event.involved) if event is not None else shot.subject.names()
    moving = {_root(n) for n in subjects.moving}
    return subjects.corners([n for n in names if _root(n) in moving] if names else None)


def _in_view(shot: Shot, posed: Callable[[float | None], tuple[np.ndarray, np.ndarray]],
             seen: np.ndarray, occluders: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The shot's camera path; where its angle is left to the preset and a static body
    hides what it frames (`seen`: [n, k, 3] points a frame, NaN where absent), the first
    azimuth on either side that sees it (else the least hidden), so a table leg does not
    stand between the camera and a falling glass."""
    positions, targets = posed(None)
    free = shot.position is None and (shot.angle is None or shot.angle.azimuth is None)
    if not free or len(occluders) == 0:
        return positions, targets
    best, least = (positions, targets), _hidden(positions, seen, occluders)
    for turn in AZIMUTH_TURNS:
        if least <= HIDDEN_ALLOWED:
            break
        candidate = posed(DEFAULT_AZIMUTH_DEG + turn)
        hidden = _hidden(candidate[0], seen, occluders)
        if hidden < least:
            best, least = candidate, hidden
    return best


def _hidden(positions: np.ndarray, seen: np.ndarray, occluders: np.ndarray) -> float:
    """The fraction of sight lines a static body cuts: from each sampled frame's camera to
    the framed points pulled halfway to their middle (the subject's core, not its
    silhouette, which a leg may graze without hiding it)."""
    if seen.shape[1] == 0:
        return 0.0
    sampled = np.unique(np.linspace(0, len(seen) - 1, SAMPLED_FRAMES).round().astype(int))
    seen, positions = seen[sampled], positions[sampled]
    middle = _nanmean(seen, axis=1)[:, None]
    ends = middle + SEEN_CORE * (seen - middle)
    eyes = np.broadcast_to(positions[:, None], ends.shape)
    lines = np.concatenate([eyes, ends], axis=-1).reshape(-1, 6)
    lines = lines[np.isfinite(lines).all(axis=1)]
    lines, counts = np.unique(lines, axis=0, return_counts=True)
    hit = sightlines.blocked(lines[:, :3], lines[:, 3:], occluders)
    return float(counts[hit].sum() / max(counts.sum(), 1))


def _base_pose(shot: Shot, points: np.ndarray, fov: float, aspect: float, near: float,
               azimuth: float | None = None) -> tuple[np.ndarray, np.ndarray]:
    """The shot's fixed or preset camera; `azimuth` overrides the default one."""
    if shot.position is not None:
        target = (np.asarray(shot.look_at, float) if shot.look_at is not None
                  else _centre(points))
        return np.asarray(shot.position, float), target
    angle = shot.angle
    if azimuth is None:
        azimuth = DEFAULT_AZIMUTH_DEG if angle is None or angle.azimuth is None else angle.azimuth
    position, target = frame_preset(
        shot.preset or DEFAULT_PRESET, points, fov, aspect, near, azimuth_deg=azimuth,
        elevation_deg=None if angle is None else angle.elevation)
    if shot.look_at is not None:
        target = np.asarray(shot.look_at, float)
    return position, target


def _centre(points: np.ndarray) -> np.ndarray:
    if len(points) == 0:
        return np.zeros(3)
    return (points.min(axis=0) + points.max(axis=0)) / 2


def _move(shot: Shot, position: np.ndarray, target: np.ndarray, u: np.ndarray,
          subjects: Subjects, times: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    move = shot.move
    if move is None:
        return np.tile(position, (len(u), 1)), np.tile(target, (len(u), 1))
    kind, spec = move.kind, getattr(move, move.kind)
    if kind == "orbit":
        sign = 1.0 if spec.direction == "ccw" else -1.0
        return moves.orbit(position, target, sign * spec.degrees, u, spec.ease)
    if kind == "dolly":
        return moves.dolly(position, target, spec.distance, u, spec.ease)
    if kind in ("pan", "tilt"):
        return getattr(moves, kind)(position, target, spec.degrees, u, spec.ease)
    if kind == "crane":
        return moves.crane(position, target, spec.height, u, spec.ease)
    return moves.track(position, target, subjects.centre(spec.body), times, spec.smoothing)


def shots_track(scene: Scene, bounds: dict[str, np.ndarray], trajectory: Trajectory,
                events: dict, occluders: np.ndarray | None = None) -> CameraTrack:
    """The camera at every video frame of a scene whose camera is a shot list; `occluders`
    ([T,3,3] static triangles) turn an automatic angle until its target is in view."""
    camera, (w, h) = scene.camera, scene.resolution
    timing = scene.time_map()
    n = timing.num_frames
    positions, quats, fov = np.zeros((n, 3)), np.zeros((n, 4)), np.zeros(n)
    for index, shot in enumerate(camera.shots):
        frames = np.flatnonzero(timing.shot == index)
        if len(frames) == 0:
            continue
        subjects = Subjects(bounds, trajectory, frames, scene, events, occluders)
        positions[frames], quats[frames], fov[frames] = shot_poses(
            shot, index, camera, scene.fps, subjects, w / h, scene.seed)
    return CameraTrack(positions, quats, fov, w, h, camera.near, camera.far)
