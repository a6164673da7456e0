"""The trajectory artifact: per-instance poses and velocities at the render frame rate.

File layout (DESIGN.md): times [F]; pos/<name> [F,3] and quat/<name> [F,4] xyzw, the pose of
the asset origin; linvel/<name> [F,3], the velocity of the centre of mass; angvel/<name> [F,3]
in rad/s; NaN where the instance does not exist.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

FIELDS = ("pos", "quat", "linvel", "angvel")


@dataclass
class Trajectory:
    times: np.ndarray  # [F] seconds of simulated time
    pos: dict[str, np.ndarray] = field(default_factory=dict)
    quat: dict[str, np.ndarray] = field(default_factory=dict)
    linvel: dict[str, np.ndarray] = field(default_factory=dict)
    angvel: dict[str, np.ndarray] = field(default_factory=dict)
    particles: dict[str, np.ndarray] = field(default_factory=dict)  # [F, N, 3], for liquids

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
        for name, value in self.particles.items():
            arrays[f"particles/{name}"] = value
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
