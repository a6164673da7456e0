"""Camera moves over the frames of a shot, as arrays of positions and look-at targets.

Each move takes `u`, the normalised shot time of each frame (0 at the first, 1 at the last),
and a base position and target (usually from framing), and returns (positions [F,3],
targets [F,3]). Angles are degrees; positive turns are counter-clockwise seen from above.
"""
from __future__ import annotations

import numpy as np
from scipy.interpolate import CubicSpline
from scipy.spatial.transform import Rotation

EASES = ("linear", "ease_in_out")
MIN_DOLLY_GAP = 0.05  # metres a dolly must stay short of its target
MAX_PITCH_DEG = 89.0  # beyond this the heading of a tilted view is lost
SHAKE_ROLL = 0.3  # handheld roll is weaker than yaw and pitch


def ease(u: np.ndarray, kind: str) -> np.ndarray:
    """Eased progress in [0,1] at normalised times u: linear, or smoothstep 3u^2 - 2u^3."""
    u = np.clip(np.asarray(u, float), 0.0, 1.0)
    if kind == "linear":
        return u
    if kind == "ease_in_out":
        return u * u * (3 - 2 * u)
    raise ValueError(f"unknown ease {kind!r}; valid: {', '.join(EASES)}")


_ease = ease  # the moves' `ease` parameter shadows the function inside them


def _spin(vectors: np.ndarray, radians: np.ndarray) -> np.ndarray:
    """[F,3] vectors turned about +z by [F] angles."""
    c, s = np.cos(radians), np.sin(radians)
    x, y = vectors[..., 0], vectors[..., 1]
    return np.stack([c * x - s * y, s * x + c * y, np.broadcast_to(vectors[..., 2], c.shape)],
                    axis=-1)


def _still(point: np.ndarray, n: int) -> np.ndarray:
    return np.tile(np.asarray(point, float), (n, 1))


def orbit(position: np.ndarray, target: np.ndarray, degrees: float, u: np.ndarray,
          ease: str = "linear") -> tuple[np.ndarray, np.ndarray]:
    """Circle the camera about the vertical axis through the target, keeping radius and height."""
    turn = np.radians(degrees) * _ease(u, ease)
    offset = np.asarray(position, float) - np.asarray(target, float)
    return np.asarray(target, float) + _spin(offset, turn), _still(target, len(turn))


def dolly(position: np.ndarray, target: np.ndarray, distance: float, u: np.ndarray,
          ease: str = "ease_in_out") -> tuple[np.ndarray, np.ndarray]:
    """Move the camera along its line to the target; positive distance moves in."""
    position, target = np.asarray(position, float), np.asarray(target, float)
    gap = np.linalg.norm(target - position)
    if distance > gap - MIN_DOLLY_GAP:
        raise ValueError(f"dolly of {distance:g} m would come within {MIN_DOLLY_GAP} m of the "
                         f"target or pass it: the camera starts {gap:.3g} m away")
    step = distance * _ease(u, ease)
    return position + np.outer(step, (target - position) / gap), _still(target, len(step))


def pan(position: np.ndarray, target: np.ndarray, degrees: float, u: np.ndarray,
        ease: str = "ease_in_out") -> tuple[np.ndarray, np.ndarray]:
    """Turn the view about the vertical axis through the fixed camera; positive turns left."""
    turn = np.radians(degrees) * _ease(u, ease)
    offset = np.asarray(target, float) - np.asarray(position, float)
    return _still(position, len(turn)), np.asarray(position, float) + _spin(offset, turn)


def tilt(position: np.ndarray, target: np.ndarray, degrees: float, u: np.ndarray,
         ease: str = "ease_in_out") -> tuple[np.ndarray, np.ndarray]:
    """Pitch the view of the fixed camera up (positive) or down about its horizontal right axis."""
    position = np.asarray(position, float)
    offset = np.asarray(target, float) - position
    level = np.hypot(offset[0], offset[1])
    start = np.degrees(np.arctan2(offset[2], level))
    # Easing stays within [0,1], so the pitch is extreme at the ends of the move.
    if max(abs(start), abs(start + degrees)) >= MAX_PITCH_DEG:
        raise ValueError(f"tilt of {degrees:g} deg from a pitch of {start:.3g} deg would reach "
                         f"+/-{MAX_PITCH_DEG:g} deg, where the view's heading is lost")
    heading = offset[:2] / level
    rad, length = np.radians(start + degrees * _ease(u, ease)), np.linalg.norm(offset)
    view = np.column_stack([np.outer(np.cos(rad), heading), np.sin(rad)]) * length
    return _still(position, len(rad)), position + view


def crane(position: np.ndarray, target: np.ndarray, height: float, u: np.ndarray,
          ease: str = "ease_in_out") -> tuple[np.ndarray, np.ndarray]:
    """Raise (positive) or lower the camera while it keeps looking at the fixed target."""
    rise = height * _ease(u, ease)
    positions = _still(position, len(rise))
    positions[:, 2] += rise
    return positions, _still(target, len(rise))


def _fill_missing(subject: np.ndarray) -> np.ndarray:
    """NaN rows hold the last valid position, or the first valid one before it appears."""
    subject = np.array(subject, float)
    valid = np.isfinite(subject).all(axis=1)
    if not valid.any():
        raise ValueError("the tracked subject never exists in this shot")
    index = np.maximum.accumulate(np.where(valid, np.arange(len(subject)), -1))
    index[index < 0] = np.argmax(valid)
    return subject[index]


def _slope_at_start(values: np.ndarray, times: np.ndarray, window: float
                    ) -> tuple[np.ndarray, np.ndarray]:
    """Least-squares line over the first `window` seconds: (value, slope) at the first time."""
    n = max(2, int(np.searchsorted(times, times[0] + window, side="right")))
    t = times[:n] - times[0]
    slope, value = np.polyfit(t, values[:n], 1)
    return value, slope


def _spring(goal: np.ndarray, times: np.ndarray, omega: float) -> np.ndarray:
    """A critically damped spring pulled towards `goal` [F,3], stepped in closed form."""
    x, v = _slope_at_start(goal, times, 2 / omega)
    x = x - 2 * v / omega  # start in the steady state of the opening motion: no transient
    out = [x]
    for k in range(1, len(times)):
        dt = times[k] - times[k - 1]
        rate = (goal[k] - goal[k - 1]) / dt
        # Exact for a goal moving linearly over the step: relative to the ramp's steady state
        # (lagging 2*rate/omega), the error decays as (e0 + (e0' + omega e0) t) exp(-omega t).
        e, de = x - goal[k - 1] + 2 * rate / omega, v - rate
        b, decay = de + omega * e, np.exp(-omega * dt)
        x = goal[k] - 2 * rate / omega + (e + b * dt) * decay
        v = rate + (de - omega * b * dt) * decay
        out.append(x)
    return np.array(out)


def smooth_path(path: np.ndarray, times: np.ndarray, smoothing_s: float) -> np.ndarray:
    """Zero-phase smoothing of [F,3] points: a critically damped spring run forward then back."""
    if smoothing_s < 0:
        raise ValueError("smoothing_s must be >= 0")
    times = np.asarray(times, float)
    if np.any(np.diff(times) <= 0):
        raise ValueError("times must increase strictly")
    if smoothing_s == 0 or len(times) < 2:
        return np.array(path, float)
    # omega = 2/smoothing_s: one pass alone would trail a steady motion by smoothing_s; the
    # backward pass leads by as much, so the two cancel and only the jitter is filtered out.
    omega = 2.0 / smoothing_s
    forward = _spring(np.asarray(path, float), times, omega)
    return _spring(forward[::-1], -times[::-1], omega)[::-1]


def track(position: np.ndarray, target: np.ndarray, subject: np.ndarray, times: np.ndarray,
          smoothing_s: float) -> tuple[np.ndarray, np.ndarray]:
    """Follow a moving body [F,3] (NaN rows where absent), keeping the base camera offset."""
    aim = smooth_path(_fill_missing(subject), times, smoothing_s)
    offset = np.asarray(position, float) - np.asarray(target, float)
    return aim + offset, aim


def _noise(times: np.ndarray, frequency_hz: float, rng: np.random.Generator) -> np.ndarray:
    """[F,3] smooth noise: random keys every 1/frequency_hz seconds through a cubic spline."""
    spacing = 1.0 / frequency_hz
    start = times[0] - rng.uniform(0.5, 1.5) * spacing  # keys do not line up with frame 0
    count = int(np.ceil((times[-1] - start) / spacing)) + 2
    keys = start + spacing * np.arange(count)
    return CubicSpline(keys, rng.uniform(-1.0, 1.0, (count, 3)))(times)


def shake(quaternions: np.ndarray, times: np.ndarray, amplitude_deg: float,
          frequency_hz: float, rng: np.random.Generator) -> np.ndarray:
    """[F,4] xyzw quaternions with smooth handheld yaw, pitch and weaker roll, <= amplitude_deg."""
    quaternions = np.array(quaternions, float)
    if amplitude_deg == 0:
        return quaternions
    if amplitude_deg < 0 or frequency_hz <= 0:
        raise ValueError("shake needs amplitude_deg >= 0 and frequency_hz > 0")
    # Camera axes are x right, y up, z backward: pitch, yaw, roll.
    wobble = _noise(np.asarray(times, float), frequency_hz, rng) * [1.0, 1.0, SHAKE_ROLL]
    peak = np.linalg.norm(wobble, axis=1).max()
    wobble *= np.radians(amplitude_deg) / max(peak, 1e-12)
    shaken = Rotation.from_quat(quaternions) * Rotation.from_rotvec(wobble)
    return shaken.as_quat()
