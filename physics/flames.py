"""Flames on bodies: each rises by buoyancy, leans with the air at its base, flickers, and
goes out when that air stays faster than its blow-out speed; then smoke rises from it.

A flame is a small model, not a simulated gas: its axis points along the sum of its buoyant
rise (U_B up) and the air's velocity relative to its base, so tan(lean) = u / U_B in a cross
flow. U_B = sqrt(g H (T_f / T_a - 1)) is the buoyant velocity scale of a flame of height H;
with a mean flame-to-air temperature ratio of 3 it is 0.83 m/s for a 3.5 cm candle flame, so
a 0.5 m/s draught leans it 31 degrees. Smoke puffs ride the air, rising as their heat
fades.
"""
from __future__ import annotations

import zlib
from dataclasses import dataclass, field

import numpy as np

from bridge.air import CANDLE_BLOW_OUT_SPEED, SMOKE_LIFE, Air
from bridge.air_schema import Flame
from bridge.transforms import quat_to_matrix
from physics.world import World

BLOW_OUT_TIME = 0.03  # s the air must stay above the blow-out speed: a flame survives a shorter puff
TEMPERATURE_RATIO = 3.0  # mean flame gas / ambient temperature, for the buoyant velocity
FLICKER_HZ = 11.0  # a candle flame's flicker (10 to 12 Hz)
FLICKER_STILL, FLICKER_BLOWN = 0.03, 0.2  # height swing in still air and near blow-out
WIDTH_SHARE = 0.3  # a candle flame is about a third as wide as it is tall
STANDARD_GRAVITY = 9.81
SMOKE_PUFFS = 96  # per flame once it is out
SMOKE_SECONDS = 2.5  # it smokes this long after going out
SMOKE_RISE = 0.2  # m/s a fresh puff rises by its own heat, fading with its age
SMOKE_FADE = 1.5  # s
SMOKE_WANDER = 0.03  # m/s of each puff's own drift
FLAME_FIELDS = 8  # base xyz, tip xyz, width, lit (1 or 0)


@dataclass
class Burning:
    """One flame's state through the run."""

    flame: Flame
    local: np.ndarray  # [3] its base in its body's frame (asset origin)
    blow_out: float  # m/s
    phase: float  # its flicker's phase
    lit: bool = True
    over: float = 0.0  # seconds the air has stayed above its blow-out speed
    base: np.ndarray = field(default_factory=lambda: np.full(3, np.nan))
    tip: np.ndarray = field(default_factory=lambda: np.full(3, np.nan))
    out_at: float | None = None
    smoke: np.ndarray | None = None  # [SMOKE_PUFFS, 3] once out
    born: np.ndarray | None = None  # [SMOKE_PUFFS] when each puff leaves the wick
    wander: np.ndarray | None = None  # [SMOKE_PUFFS, 3]

    @property
    def row(self) -> np.ndarray:
        if not self.lit:
            return np.concatenate([self.base, self.base, [0.0, 0.0]])
        width = WIDTH_SHARE * self.flame.size
        return np.concatenate([self.base, self.tip, [width, 1.0]])


class Flames:
    """Every flame of the scene, stepped after each physics step."""

    def __init__(self, world: World, flames: list[Flame], air: Air, seed: int):
        self.air = air
        self.seed = seed
        self.burning = [_burning(world, flame, seed) for flame in flames]
        self.rows: dict[str, list[np.ndarray]] = {b.flame.name: [] for b in self.burning}
        self.puffs: dict[str, list[np.ndarray]] = {b.flame.name: [] for b in self.burning}
        self.outs: list[dict] = []
        for burning in self.burning:
            self._flare(world, burning, 0.0)

    def find(self, name: str) -> Burning | None:
        return next((b for b in self.burning if b.flame.name == name), None)

    def after_step(self, world: World, step: int) -> None:
        t = step * world.dt
        for burning in self.burning:
            if burning.lit:
                self._burn(world, burning, t)
            elif burning.smoke is not None:
                self._smoke(world, burning, t)

    def record(self, t: float) -> None:
        for burning in self.burning:
            name = burning.flame.name
            self.rows[name].append(burning.row)
            self.puffs[name].append(_puff_rows(burning, t))

    def recorded(self) -> tuple[dict[str, np.ndarray], dict[str, np.ndarray]]:
        """flames/<name> [F, 8] and smoke/<name> [F, SMOKE_PUFFS, 4] (xyz, age; NaN while a
        puff is not there)."""
        return ({n: np.stack(v) for n, v in self.rows.items()},
                {n: np.stack(v) for n, v in self.puffs.items()})

    def _place(self, world: World, burning: Burning) -> np.ndarray | None:
        """Put the base where its body is now (one read of it); the base's velocity, or None
        when its body is gone."""
        name = burning.flame.on
        if name not in world.bodies:
            return None
        com, quat, linear, angular = world.state(name)
        origin, orientation = world.origin(name, com, quat)
        burning.base = origin + quat_to_matrix(orientation) @ burning.local
        return linear + np.cross(angular, burning.base - com)

    def _flare(self, world: World, burning: Burning, t: float) -> float | None:
        """Shape the flame in the air at its base; that air's speed, or None when its body
        is gone."""
        moving = self._place(world, burning)
        if moving is None:
            return None
        relative = self.air.velocity(burning.base[None], t)[0] - moving
        speed = float(np.linalg.norm(relative))
        burning.tip = burning.base + _axis(burning, relative, speed, world.gravity, t)
        return speed

    def _burn(self, world: World, burning: Burning, t: float) -> None:
        speed = self._flare(world, burning, t)
        if speed is None:
            self._go_out(world, burning, t, 0.0, "its body is gone")
            return
        burning.over = burning.over + world.dt if speed > burning.blow_out else 0.0
        if burning.over >= BLOW_OUT_TIME - 1e-9:
            self._go_out(world, burning, t, speed, "blown out")

    def _go_out(self, world: World, burning: Burning, t: float, speed: float,
                cause: str) -> None:
        burning.lit, burning.out_at = False, t
        self.outs.append({"flame": burning.flame.name, "body": burning.flame.on, "time": t,
                          "position": burning.base.tolist(), "airspeed": round(speed, 3),
                          "cause": cause})
        if not np.all(np.isfinite(burning.base)):
            return
        rng = np.random.default_rng([self.seed, zlib.crc32(burning.flame.name.encode()), 1])
        spacing = (np.arange(SMOKE_PUFFS) / SMOKE_PUFFS) ** 2  # thick at first, then thinning
        burning.born = t + SMOKE_SECONDS * spacing
        burning.smoke = np.repeat(burning.base[None], SMOKE_PUFFS, axis=0)
        burning.wander = rng.normal(scale=SMOKE_WANDER, size=(SMOKE_PUFFS, 3))

    def _smoke(self, world: World, burning: Burning, t: float) -> None:
        age = t - burning.born
        out = age > 0
        if burning.flame.on in world.bodies:  # puffs still at the wick follow it
            self._place(world, burning)
            burning.smoke[~out] = burning.base
        if not out.any():
            return
        up = _up(world.gravity)
        points = burning.smoke[out]
        rise = SMOKE_RISE * np.exp(-age[out] / SMOKE_FADE)[:, None] * up
        velocity = self.air.velocity(points, t) + rise + burning.wander[out]
        burning.smoke[out] = points + velocity * world.dt

    def events(self) -> list[dict]:
        return list(self.outs)


def _burning(world: World, flame: Flame, seed: int) -> Burning:
    local = np.asarray(flame.at, float) if flame.at is not None else _top(world, flame.on)
    phase = np.random.default_rng([seed, zlib.crc32(flame.name.encode())]).uniform(0, 2 * np.pi)
    return Burning(flame, local, flame.blow_out_speed or CANDLE_BLOW_OUT_SPEED, phase)


def _top(world: World, body: str) -> np.ndarray:
    """The top centre of the body's shape, in its frame: a candle's wick."""
    low, high = world.bodies[body].geometry.bounds
    return np.array([(low[0] + high[0]) / 2, (low[1] + high[1]) / 2, high[2]])


def _up(gravity: np.ndarray) -> np.ndarray:
    g = float(np.linalg.norm(gravity))
    return -gravity / g if g > 1e-9 else np.zeros(3)


def buoyant_speed(height: float, gravity: float = STANDARD_GRAVITY) -> float:
    """m/s: the buoyant velocity scale U_B of a flame `height` m tall."""
    return float(np.sqrt(gravity * height * (TEMPERATURE_RATIO - 1)))


def _axis(burning: Burning, relative: np.ndarray, speed: float, gravity: np.ndarray,
          t: float) -> np.ndarray:
    """Base to tip: along the buoyant rise plus the air, as tall as the flame is now."""
    size = burning.flame.size
    rise = buoyant_speed(size, float(np.linalg.norm(gravity))) * _up(gravity)
    direction = rise + relative
    norm = float(np.linalg.norm(direction))
    direction = direction / norm if norm > 1e-9 else np.array([0.0, 0.0, 1.0])
    strain = min(1.0, speed / burning.blow_out)
    swing = FLICKER_STILL + (FLICKER_BLOWN - FLICKER_STILL) * strain
    flicker = 1.0 + swing * np.sin(2 * np.pi * FLICKER_HZ * t + burning.phase)
    return direction * size * flicker / np.sqrt(1.0 + strain ** 2)


def _puff_rows(burning: Burning, t: float) -> np.ndarray:
    rows = np.full((SMOKE_PUFFS, 4), np.nan)
    if burning.smoke is None:
        return rows
    age = t - burning.born
    alive = (age > 0) & (age < SMOKE_LIFE)
    rows[alive, :3] = burning.smoke[alive]
    rows[alive, 3] = age[alive]
    return rows
