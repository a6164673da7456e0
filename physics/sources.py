"""Streams from spouts and taps: a source liquid's particles leave its nozzle one by one at
the flow rate.

A particle stands for volume / count of the liquid, so at `rate_ml_s` one leaves every
volume / (count x rate) seconds; the k-th leaves at start + k times that. Each takes the next
slot of the nozzle (points 2r apart on the round opening, across the stream), and is placed
where it would be after leaving at its own moment, so the stream is as dense along its axis
as across it whatever the step: the nozzle's area at the source's speed carries the rate.
Until it leaves, a particle is absent (NaN) and the solver leaves it out.
"""
from __future__ import annotations

import math

import numpy as np

from bridge.schema import Liquid


class Stream:
    """One source liquid's particles, rows `part` of the fluid's arrays."""

    def __init__(self, liquid: Liquid, part: slice, spacing: float):
        source = liquid.source
        self.first, self.count = part.start, part.stop - part.start
        direction = np.asarray(source.direction, float)
        self.direction = direction / np.linalg.norm(direction)
        self.velocity = source.speed * self.direction
        self.start = source.start
        self.interval = liquid.volume_ml / max(1, self.count) / source.rate_ml_s
        self.slots = nozzle_slots(np.asarray(source.position, float), self.direction,
                                  source.nozzle_radius(), spacing)
        self.emitted = 0

    def emit(self, x: np.ndarray, v: np.ndarray, live: np.ndarray, now: float) -> None:
        """Let out every particle due by `now`, in place in the fluid's arrays."""
        if now < self.start:
            return
        due = min(self.count, math.floor((now - self.start) / self.interval + 1e-9) + 1)
        if due <= self.emitted:
            return
        k = np.arange(self.emitted, due)
        age = now - (self.start + k * self.interval)
        rows = self.first + k
        x[rows] = self.slots[k % len(self.slots)] + age[:, None] * self.velocity
        v[rows] = self.velocity
        live[rows] = True
        self.emitted = due


def nozzle_slots(centre: np.ndarray, direction: np.ndarray, radius: float,
                 spacing: float) -> np.ndarray:
    """As many points `spacing` apart across `direction` as the opening's area holds (at least
    one), nearest its centre first: a layer of them every `spacing` along the stream carries
    the opening's flow."""
    side = np.cross(direction, [0.0, 0.0, 1.0] if abs(direction[2]) < 0.9 else [1.0, 0.0, 0.0])
    side /= np.linalg.norm(side)
    up = np.cross(direction, side)
    count = max(1, round(math.pi * radius ** 2 / spacing ** 2))
    reach = math.ceil(math.sqrt(count)) + 1
    steps = np.arange(-reach, reach + 1, dtype=float)
    grid = np.stack(np.meshgrid(steps, steps, indexing="ij"), -1).reshape(-1, 2) * spacing
    order = np.lexsort((np.arctan2(grid[:, 1], grid[:, 0]), np.round(np.hypot(*grid.T), 9)))
    grid = grid[order[:count]]
    return centre + grid[:, :1] * side + grid[:, 1:] * up
