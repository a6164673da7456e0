"""The trajectory artifacts: per-instance poses and velocities over simulated time.

The physics stage records every body at a fixed step rate (simulation.npz, independent of the
camera); `sample` takes that recording to the video frames' times (trajectory.npz), for any
time map, slow motion included. Both files share one layout (DESIGN.md): times [F]; pos/<name> [F,3] and quat/<name> [F,4] xyzw, the pose of
the asset origin; linvel/<name> [F,3], the velocity of the centre of mass; angvel/<name> [F,3]
in rad/s; NaN where the instance does not exist. Flames add flames/<name> [F,8] (base xyz,
tip xyz, width, lit) and smoke/<name> [F,P,4] (each smoke puff's xyz and age, NaN while absent).
Cloth adds cloth/<name> [F,V,3]: its vertices, row by row from the bottom-left corner (vertex
j * columns + i is i along its width and j up its height). Soft bodies add soft/<name>
[F,N,3]: their nodes, in the order `bridge.soft.soft_mesh` builds them (its tetrahedra and
surface triangles index them); squeezes and presses add palms/<event index> [F,K,3], where
the centre of each of the event's K palms is while it presses (NaN before and after).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

FIELDS = ("pos", "quat", "linvel", "angvel")
# what liquids, flames, cloth, soft bodies and the hands that press them add
EXTRAS = ("particles", "flames", "smoke", "cloth", "soft", "palms")


@dataclass
class Trajectory:
    times: np.ndarray  # [F] seconds of simulated time
    pos: dict[str, np.ndarray] = field(default_factory=dict)
    quat: dict[str, np.ndarray] = field(default_factory=dict)
    linvel: dict[str, np.ndarray] = field(default_factory=dict)
    angvel: dict[str, np.ndarray] = field(default_factory=dict)
    particles: dict[str, np.ndarray] = field(default_factory=dict)  # [F, N, 3], for liquids
    flames: dict[str, np.ndarray] = field(default_factory=dict)  # [F, 8]
    smoke: dict[str, np.ndarray] = field(default_factory=dict)  # [F, P, 4]
    cloth: dict[str, np.ndarray] = field(default_factory=dict)  # [F, V, 3]
    soft: dict[str, np.ndarray] = field(default_factory=dict)  # [F, N, 3]
    palms: dict[str, np.ndarray] = field(default_factory=dict)  # [F, K, 3]

    @property
    def names(self) -> list[str]:
        return list(self.pos)

    @property
    def num_frames(self) -> int:
        return len(self.times)

    def frame_of(self, time: float) -> int:
        """The first frame at or after `time`."""
        return int(np.searchsorted(self.times, time - 1e-9))

    def exists(self, name: str) -> np.ndarray:
        """[F] bool: frames in which the instance exists."""
        return ~np.isnan(self.pos[name][:, 0])

    def save(self, path: Path) -> None:
        arrays: dict[str, np.ndarray] = {"times": self.times}
        for key in FIELDS:
            for name, value in getattr(self, key).items():
                arrays[f"{key}/{name}"] = value
        for group in EXTRAS:
            for name, value in getattr(self, group).items():
                arrays[f"{group}/{name}"] = value
        with open(path, "wb") as f:
            np.savez(f, **arrays)

    @classmethod
    def load(cls, path: Path) -> Trajectory:
        with np.load(path) as data:
            traj = cls(times=data["times"])
            for key in data.files:
                if "/" in key:
                    group, name = key.split("/", 1)
                    getattr(traj, group)[name] = data[key]
        return traj


@dataclass(frozen=True)
class SamplePlan:
    """How each video frame blends the two recorded samples around its simulated time."""

    lower: np.ndarray  # [F] sample index at or before the frame's time
    upper: np.ndarray  # [F] sample index at or after it
    weight: np.ndarray  # [F] 0 at the lower sample, 1 at the upper

    @classmethod
    def for_times(cls, times: np.ndarray, interval: float, count: int) -> SamplePlan:
        """For samples taken every `interval` seconds from t = 0 (`count` of them)."""
        exact = np.asarray(times, float) / interval
        snapped = np.rint(exact)
        on_sample = np.abs(exact - snapped) < 1e-6  # float noise in k / fps, not a real offset
        low = np.where(on_sample, snapped, np.floor(exact)).astype(int)
        high = np.where(on_sample, snapped, np.ceil(exact)).astype(int)
        weight = np.where(on_sample, 0.0, exact - low)
        last = count - 1
        return cls(np.minimum(low, last), np.minimum(high, last), weight)


def sample(recording: Trajectory, times: np.ndarray, interval: float) -> Trajectory:
    """The recording (samples every `interval` s from t = 0) at each of `times`: positions and
    velocities blended linearly, rotations by slerp. An instance that exists at only one of
    the two samples takes the earlier one, so a frame shows what existed at the last sample
    before its time."""
    plan = SamplePlan.for_times(times, interval, recording.num_frames)
    out = Trajectory(times=np.asarray(times, float))
    if np.all(plan.weight == 0):
        for key in (*FIELDS, *EXTRAS):
            getattr(out, key).update({n: v[plan.lower] for n, v in getattr(recording, key).items()})
        return out
    for key in ("pos", "linvel", "angvel", *EXTRAS):
        getattr(out, key).update({n: _blend(v, plan, _lerp)
                                  for n, v in getattr(recording, key).items()})
    out.quat.update({n: _blend(v, plan, _slerp) for n, v in recording.quat.items()})
    return out


def _blend(values: np.ndarray, plan: SamplePlan, mix) -> np.ndarray:
    low, high = values[plan.lower], values[plan.upper]
    weight = plan.weight.reshape((-1,) + (1,) * (values.ndim - 1))
    mixed = mix(low, high, weight)
    # Where the later sample lacks the instance (removed, broken), hold the earlier state.
    return np.where(np.isnan(high) | (weight == 0), low, mixed)


def _lerp(a: np.ndarray, b: np.ndarray, w: np.ndarray) -> np.ndarray:
    return a + (b - a) * w


def _slerp(a: np.ndarray, b: np.ndarray, w: np.ndarray) -> np.ndarray:
    """Shortest-arc spherical blend of [F,4] unit quaternions."""
    dot = np.sum(a * b, axis=-1, keepdims=True)
    b = np.where(dot < 0, -b, b)
    dot = np.clip(np.abs(dot), -1.0, 1.0)
    angle = np.arccos(dot)
    small = angle < 1e-6
    sin = np.where(small, 1.0, np.sin(angle))
    wa = np.where(small, 1 - w, np.sin((1 - w) * angle) / sin)
    wb = np.where(small, w, np.sin(w * angle) / sin)
    out = wa * a + wb * b
    return out / np.linalg.norm(out, axis=-1, keepdims=True)
