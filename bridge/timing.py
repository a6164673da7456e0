"""The video time map: which simulated time each video frame shows, and in which shot.

Without slow motion, frame k shows t = k / fps. A shot's `slow_motion` or `ramp` sets the
playback speed s(t) (simulated seconds per video second) over its span, so video time is
V(t) = integral of dt / s(t). Frame k shows t = V^-1(k / fps); shot i starts on frame
round(V(from_i) * fps), so every cut lands on a whole frame.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from bridge.camera_schema import Shot


@dataclass(frozen=True)
class TimeMap:
    times: np.ndarray  # [F] simulated time shown by each video frame
    shot: np.ndarray  # [F] index of the shot each frame belongs to
    cuts: tuple[int, ...]  # first frame of each shot

    @property
    def num_frames(self) -> int:
        return len(self.times)

    def frame_of(self, t: float) -> int:
        """The first frame that shows simulated time t (or the last frame)."""
        index = int(np.searchsorted(self.times, t - 1e-9, side="left"))
        return min(index, self.num_frames - 1)


def _speed_knots(shot: Shot, start: float, end: float) -> tuple[np.ndarray, np.ndarray]:
    """(times, speeds) over [start, end], linear between knots."""
    if shot.ramp:
        at = np.array([k.at for k in shot.ramp], float)
        speed = np.array([k.speed for k in shot.ramp], float)
        inside = at[(at > start) & (at < end)]
        knots = np.concatenate([[start], inside, [end]])
        return knots, np.interp(knots, at, speed)
    speed = 1.0 if shot.slow_motion is None else shot.slow_motion
    return np.array([start, end]), np.array([speed, speed])


def _video_time(times: np.ndarray, speeds: np.ndarray) -> np.ndarray:
    """V at each knot, from 0: exact for linear speed between knots (log of the ratio)."""
    dt, s0, s1 = np.diff(times), speeds[:-1], speeds[1:]
    same = np.isclose(s0, s1, rtol=1e-12, atol=0)
    with np.errstate(divide="ignore", invalid="ignore"):
        sloped = dt * np.log(s1 / s0) / (s1 - s0)
    return np.concatenate([[0.0], np.cumsum(np.where(same, dt / s0, sloped))])


def _invert(v: np.ndarray, times: np.ndarray, speeds: np.ndarray, target: np.ndarray
            ) -> np.ndarray:
    """t with V(t) = target, inside the knots (speed linear in t between them)."""
    i = np.clip(np.searchsorted(v, target, side="right") - 1, 0, len(v) - 2)
    dv = target - v[i]
    s0, slope = speeds[i], (speeds[i + 1] - speeds[i]) / np.diff(times)[i]
    flat = np.abs(slope) < 1e-12
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        curved = s0 * np.expm1(slope * dv) / slope
    return times[i] + np.where(flat, s0 * dv, curved)


def time_map(shots: list[Shot], duration: float, fps: int) -> TimeMap:
    """The frames of a shot list (an empty list is one shot at normal speed)."""
    if not shots:
        n = max(1, round(duration * fps))
        return TimeMap(np.arange(n) / fps, np.zeros(n, int), (0,))
    starts = [min(s.from_, duration) for s in shots]
    ends = starts[1:] + [duration]
    offset, pieces = 0.0, []
    for shot, start, end in zip(shots, starts, ends):
        knots, speeds = _speed_knots(shot, start, end)
        v = _video_time(knots, speeds) if end > start else np.zeros(2)
        pieces.append((offset, knots, speeds, v))
        offset += v[-1]
    n = max(1, round(offset * fps))
    cuts = tuple(min(round(p[0] * fps), n) for p in pieces)
    video = np.arange(n) / fps
    times = np.empty(n)
    shot_of = np.searchsorted(np.array(cuts), np.arange(n), side="right") - 1
    for i, (start_v, knots, speeds, v) in enumerate(pieces):
        mine = shot_of == i
        if mine.any():
            local = np.clip(video[mine] - start_v, 0.0, v[-1])
            times[mine] = _invert(v, knots, speeds, local)
    return TimeMap(np.minimum(times, duration), shot_of, cuts)
