"""The air's velocity anywhere, any time: wind fields plus breath jets (numpy only).

A breath is a turbulent round jet (Pope, Turbulent Flows, ch. 5): past a core about B = 5.8
mouth diameters long its centreline speed falls as U0 B d / x, its half-speed radius grows
as S x (S = 0.094, the `spread` angle's tangent), and across it the speed falls off as a
Gaussian. A jet starting up reaches out at about half its centreline speed, so a breath takes
a moment to arrive, and its tail leaves the mouth the same way when it stops. Wind is uniform
with sinusoidal gusts; its flutter is a few seeded sinusoids carried along with the mean wind
(frozen turbulence). Nothing blocks the air: a jet passes through bodies.
"""
from __future__ import annotations

import zlib
from dataclasses import dataclass

import numpy as np

from bridge.air_schema import Blow, Wind

CORE_DIAMETERS = 5.8  # B: the centreline decay constant of a round jet
FRONT_SHARE = 0.5  # a starting jet's front moves at this share of its centreline speed
WIND_RAMP_S = 0.25  # a wind picks up and dies away over this long
FLUTTER_MODES = 3
# m/s of air at a candle's wick that blows it out: chosen between a breath that does (5 m/s)
# and a draught that does not (0.5 m/s); no published measurement is cited yet (README)
CANDLE_BLOW_OUT_SPEED = 2.5
SMOKE_LIFE = 3.0  # s a smoke puff lasts (physics moves it, the renderer fades it)


@dataclass(frozen=True)
class Jet:
    origin: np.ndarray  # [3] the mouth
    axis: np.ndarray  # [3] unit, the way it blows
    speed: float  # m/s at the mouth
    diameter: float
    spread: float  # tangent of the half-speed angle
    start: float  # s
    duration: float

    @classmethod
    def aimed(cls, blow: Blow, start: float, target: np.ndarray) -> Jet:
        """The jet of `blow`, fired at `start` toward the world point `target`."""
        origin = np.asarray(blow.from_, float)
        axis = np.asarray(target, float) - origin
        norm = np.linalg.norm(axis)
        if norm < 1e-9:
            raise ValueError("a blow aimed at its own mouth has no direction")
        return cls(origin, axis / norm, blow.speed, blow.diameter,
                   float(np.tan(np.radians(blow.spread))), start, blow.duration)

    @property
    def core(self) -> float:
        return CORE_DIAMETERS * self.diameter

    def centreline(self, distance: np.ndarray | float) -> np.ndarray:
        """m/s on the axis at `distance` m from the mouth, once the jet is established."""
        return self.speed * np.minimum(1.0, self.core / np.maximum(distance, 1e-9))

    def reach(self, age: float) -> float:
        """How far the jet's front has got `age` seconds after it started (0 before)."""
        if age <= 0:
            return 0.0
        core_time = self.core / (FRONT_SHARE * self.speed)
        if age <= core_time:
            return FRONT_SHARE * self.speed * age
        return float(np.sqrt(self.core ** 2 + 2 * FRONT_SHARE * self.speed * self.core
                             * (age - core_time)))

    def velocity(self, points: np.ndarray, t: float) -> np.ndarray:
        """[N, 3] the jet's air velocity at `points` [N, 3] at time `t`."""
        age = t - self.start
        front, tail = self.reach(age), self.reach(age - self.duration)
        offset = points - self.origin
        along = offset @ self.axis
        if front <= 0:
            return np.zeros_like(points)
        across = np.linalg.norm(offset - along[:, None] * self.axis, axis=1)
        half = np.maximum(self.diameter / 2, self.spread * along)
        speed = self.centreline(along) * np.exp(-np.log(2) * (across / half) ** 2)
        speed = np.where((along > tail) & (along <= front), speed, 0.0)
        return speed[:, None] * self.axis


def peak_factor(gusts: float, turbulence: float) -> float:
    """The most a wind's speed reaches, as a multiple of its mean: its gusts plus every
    flutter mode at its crest at once."""
    return 1.0 + gusts + turbulence * FLUTTER_MODES / np.sqrt(FLUTTER_MODES / 2)


class Gale:
    """One wind field: the mean, swung by gusts, with a seeded flutter."""

    def __init__(self, wind: Wind, seed: int, index: int):
        self.wind = wind
        self.mean = np.asarray(wind.velocity, float)
        self.speed = float(np.linalg.norm(self.mean))
        rng = np.random.default_rng([seed, zlib.crc32(b"wind"), index])
        self.gust_phase = rng.uniform(0, 2 * np.pi)
        directions = rng.normal(size=(FLUTTER_MODES, 3))
        self.directions = directions / np.linalg.norm(directions, axis=1, keepdims=True)
        self.frequencies = rng.uniform(0.3, 2.5, FLUTTER_MODES)  # Hz
        self.phases = rng.uniform(0, 2 * np.pi, FLUTTER_MODES)

    def strength(self, t: float) -> float:
        """0 before it starts, ramping to 1, and back to 0 once it ends."""
        wind = self.wind
        rise = np.clip((t - wind.start) / WIND_RAMP_S, 0.0, 1.0)
        fall = 1.0 if wind.end is None else np.clip((wind.end - t) / WIND_RAMP_S, 0.0, 1.0)
        return float(min(rise, fall))

    def velocity(self, points: np.ndarray, t: float) -> np.ndarray:
        strength = self.strength(t)
        if strength == 0 or self.speed == 0:
            return np.zeros_like(points)
        gust = 1.0 + self.wind.gusts * np.sin(2 * np.pi * t / self.wind.gust_period
                                              + self.gust_phase)
        # the flutter travels with the mean wind: a point downwind sees it later
        local = t - points @ self.mean / self.speed ** 2
        waves = np.sin(2 * np.pi * self.frequencies * local[:, None] + self.phases)
        flutter = waves @ self.directions * (self.wind.turbulence * self.speed
                                             / np.sqrt(FLUTTER_MODES / 2))
        return strength * (gust * self.mean + flutter)


class Air:
    """The scene's air: its wind fields, and the jets blown so far."""

    def __init__(self, winds: list[Wind], seed: int):
        self.gales = [Gale(wind, seed, i) for i, wind in enumerate(winds)]
        self.jets: list[Jet] = []

    def velocity(self, points: np.ndarray, t: float) -> np.ndarray:
        """[N, 3] m/s at `points` [N, 3] at time `t`."""
        points = np.atleast_2d(np.asarray(points, float))
        total = np.zeros_like(points)
        for source in (*self.gales, *self.jets):
            total += source.velocity(points, t)
        return total
