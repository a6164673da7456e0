"""Collision events: contact points merged into one event per contact episode.

An episode is a run of steps in which a pair of bodies touches, allowing short gaps (a body
chattering on a surface is one episode, not hundreds). Its impulse is the peak per-step normal
impulse, which for an impact is the momentum change of the impact itself.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

GAP_STEPS = 3  # steps without contact that still continue an episode
SPECULATIVE_M = 1e-4  # a force-free point farther apart than this is not a touch


@dataclass
class Episode:
    bodies: tuple[str, str]
    start_step: int
    last_step: int
    impulse: float = 0.0  # peak per-step normal impulse, N*s
    position: np.ndarray = field(default_factory=lambda: np.zeros(3))
    normal: np.ndarray = field(default_factory=lambda: np.zeros(3))  # from the second body to the first


class ContactRecorder:
    """After each step, folds Bullet's contact points into episodes."""

    def __init__(self, dt: float):
        self.dt = dt
        self.open: dict[tuple[str, str], Episode] = {}
        self.closed: list[Episode] = []
        self.started: list[Episode] = []  # episodes that began at the last step

    def after_step(self, step: int, points: list[tuple], names: dict[int, str]) -> None:
        self.started = []
        for pair, (impulse, position, normal) in self._per_pair(points, names).items():
            episode = self.open.get(pair)
            if episode is None:
                episode = Episode(pair, step, step)
                self.open[pair] = episode
                self.started.append(episode)
            episode.last_step = step
            if impulse > episode.impulse or episode.start_step == step:
                episode.impulse, episode.position, episode.normal = impulse, position, normal
        for pair in [k for k, e in self.open.items() if step - e.last_step > GAP_STEPS]:
            self.closed.append(self.open.pop(pair))

    def _per_pair(self, points: list[tuple], names: dict[int, str]
                  ) -> dict[tuple[str, str], tuple[float, np.ndarray, np.ndarray]]:
        """Total normal impulse, impulse-weighted position and normal, per touching pair."""
        sums: dict[tuple[str, str], list] = {}
        for c in points:
            a, b = names.get(c[1]), names.get(c[2])
            # Bullet also reports speculative points: near, not touching, pushing nothing
            if a is None or b is None or (c[8] > SPECULATIVE_M and c[9] <= 0.0):
                continue
            sign = 1.0
            if b < a:  # keep pairs sorted; Bullet's normal points from B to A, so flip it
                a, b, sign = b, a, -1.0
            weight = c[9] * self.dt
            entry = sums.setdefault((a, b), [0.0, np.zeros(3), np.zeros(3), 0])
            entry[0] += weight
            entry[1] += (weight + 1e-12) * np.asarray(c[6])
            entry[2] += (weight + 1e-12) * sign * np.asarray(c[7])
            entry[3] += weight + 1e-12
        return {pair: (imp, pos / w, _unit(nrm)) for pair, (imp, pos, nrm, w) in sums.items()}

    def episodes(self) -> list[Episode]:
        """All episodes, open ones included, in order of their start."""
        return sorted(self.closed + list(self.open.values()),
                      key=lambda e: (e.start_step, e.bodies))


def _unit(v: np.ndarray) -> np.ndarray:
    n = np.linalg.norm(v)
    return v / n if n > 0 else v
