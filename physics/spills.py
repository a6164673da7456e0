"""Spills: when a liquid leaves its container, found on the recording after the run.

A liquid spills at the first recorded step where at least SPILL_FRACTION of its particles lie
outside the container's hull (a particle radius of margin), or where the container stops
existing because it broke, whichever comes first. The entry gives where the escaping liquid
is (the centroid of the particles outside, or of all of them after a break), so a camera can
frame it and a check can find it on screen.
"""
from __future__ import annotations

import numpy as np

from bridge.assets.geometry import Geometry
from bridge.schema import Liquid
from bridge.trajectory import Trajectory
from physics.liquids import inside_hull

SPILL_FRACTION = 0.05  # of the particles outside: a few splashed over the rim are no spill
COARSE = 10  # samples between the hull tests of the first pass; the second finds the step


def spills(recording: Trajectory, liquids: list[tuple[Liquid, Geometry]],
           fractures: list[dict]) -> list[dict]:
    """One entry per liquid that spills: liquid, container, time, fraction, position, cause."""
    found = [_spill(recording, liquid, geometry, fractures) for liquid, geometry in liquids]
    return [entry for entry in found if entry is not None]


def _spill(recording: Trajectory, liquid: Liquid, geometry: Geometry,
           fractures: list[dict]) -> dict | None:
    outside = _Outside(recording, liquid, geometry)
    broke = next((f["time"] for f in fractures if f["body"] == liquid.inside), None)
    times = recording.times
    coarse = [i for i in range(0, len(times), COARSE) if broke is None or times[i] < broke]
    first = next((i for i in coarse if outside.fraction(i) >= SPILL_FRACTION), None)
    if first is not None:  # the step it began: scan the samples before the coarse hit
        first = next(i for i in range(max(first - COARSE + 1, 0), first + 1)
                     if outside.fraction(i) >= SPILL_FRACTION)
        return _entry(liquid, times[first], outside.fraction(first),
                      outside.escaped(first), "overflow")
    if broke is None:
        return None
    after = min(int(np.searchsorted(times, broke - 1e-9)), len(times) - 1)
    return _entry(liquid, broke, 1.0, recording.particles[liquid.name][after], "fracture")


def _entry(liquid: Liquid, time: float, fraction: float, points: np.ndarray,
           cause: str) -> dict:
    return {"liquid": liquid.name, "container": liquid.inside, "time": float(time),
            "fraction": round(float(fraction), 4),
            "position": [float(v) for v in np.mean(points, axis=0)], "cause": cause}


class _Outside:
    """Which particles are outside the container at a sample (memoised: scans overlap)."""

    def __init__(self, recording: Trajectory, liquid: Liquid, geometry: Geometry):
        self.particles = recording.particles[liquid.name]
        self.pos, self.quat = recording.pos[liquid.inside], recording.quat[liquid.inside]
        self.geometry, self.margin = geometry, liquid.particle_radius
        self.masks: dict[int, np.ndarray] = {}

    def mask(self, i: int) -> np.ndarray:
        if i not in self.masks:
            pose = (self.pos[i], self.quat[i])
            self.masks[i] = ~inside_hull(self.particles[i], self.geometry,
                                                         pose, self.margin)
        return self.masks[i]

    def fraction(self, i: int) -> float:
        if np.isnan(self.pos[i]).any():
            return 1.0
        mask = self.mask(i)
        return float(mask.mean()) if len(mask) else 0.0  # a cavity too small held none

    def escaped(self, i: int) -> np.ndarray:
        return self.particles[i][self.mask(i)]
