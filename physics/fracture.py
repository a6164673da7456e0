"""Fracture: breakable bodies swap for their pre-computed fragments when a contact is too hard.

A body breaks when one contact's impulse in a step, read as a force over a reference step,
exceeds its threshold. The default threshold grows with the material's fracture toughness and
the amount of material: F = c * K_IC * V^(1/3), with V the solid volume. c is calibrated so
that a glass tumbler (200 N) breaks dropped 1 m onto stone (about 420 N) and not from 3 cm
(about 80 N); a wine glass (180 N) then breaks falling off a table, an egg (24 N) from 10 cm,
and a glass bottle (240 N) survives 2 m onto a thick foam mat (about 200 N). The force is read
over a fixed reference step, so a rigid impact (impulse m * dv in one step) gives the same
verdict at any `physics.timestep`, while a soft foam contact spreads its impulse over many
steps and stays below it. Fragments take over the parent's pre-impact pose and velocity, v + w x r, plus a small
seeded separation kick whose total momentum is zero.

The threshold is at least WEIGHT_MARGIN times the body's weight: the force grows with the
size, the weight with its cube, and a big block of ice (0.2 x 0.2 x 0.35 m, 13 kg: 168 N)
standing on the floor met it as it settled (203 N). A body does not break under its own
weight at rest; what strikes it still must pass the force above. A fixed (static) body does
not rest on anything, and keeps the force alone.
"""
from __future__ import annotations

import time
from dataclasses import dataclass, field

import numpy as np

from bridge.assets.build import (
    geometry_for,
    mass_properties,
    properties_with_mass,
    solid_volume,
)
from bridge.assets.fracture import Fragment, fracture_seed, fragments_of
from bridge.assets.registry import default_material
from bridge.instances import fragment_name
from bridge.materials import MATERIALS
from bridge.schema import Body, Breakable, Scene, breakable_settings
from bridge.transforms import quat_to_matrix
from physics.bodies import Solid
from physics.world import World

REFERENCE_STEP_S = 1 / 240
THRESHOLD_COEFFICIENT = 5.8e-3  # sqrt(m); see the module docstring
SEPARATION_SPEED = 0.15  # m/s, mean of the seeded separation kick
WEIGHT_MARGIN = 3.0  # a resting body's contact peaks at 1.6 times its weight as it settles


@dataclass
class Breakage:
    """A breakable body (or fragment) that is still whole, and what it breaks into."""

    body: Body  # the script body it comes from
    settings: Breakable
    seed: int
    pieces: tuple[int, ...]  # () for the body itself, (k,) for its fragment k
    threshold: float  # N
    fragments: list[tuple[Fragment, Solid]] = field(default_factory=list)


class Fractures:
    """Watches breakable bodies after each step and swaps broken ones for their fragments."""

    def __init__(self, world: World, scene: Scene):
        self.scene = scene
        self.watched: dict[str, Breakage] = {}
        self.events: list[dict] = []
        self.broke = False  # set when a step broke something (the energy check restarts)
        self._before: dict[str, tuple] = {}
        self.swap_seconds: list[float] = []  # wall time of each swap, for the benchmark
        for body in scene.all_bodies():
            settings = breakable_settings(body)
            if settings is not None:
                seed = fracture_seed(scene.seed, body.name, settings)
                mass = mass_properties(geometry_for(body, world.scene_dir), body).mass
                self._watch(world, body.name, body, settings, seed, (), mass)

    def _watch(self, world: World, name: str, body: Body, settings: Breakable, seed: int,
               pieces: tuple[int, ...], mass: float) -> None:
        """Prepare `name`'s fragments now, so that the swap itself is cheap."""
        fragments = fragments_of(body, world.scene_dir, seed, settings, pieces)
        total = sum(solid_volume(f.geometry) for f in fragments)
        prepared = [(f, world.solid(f.geometry, properties_with_mass(
            f.geometry, mass * solid_volume(f.geometry) / total))) for f in fragments]
        resting = 0.0 if body.static else WEIGHT_MARGIN * mass * float(
            np.linalg.norm(world.gravity))  # a fixed body bears no weight of its own
        threshold = settings.threshold or max(default_threshold(body, fragments), resting)
        self.watched[name] = Breakage(body, settings, seed, pieces, threshold, prepared)
        if len(pieces) + 1 < settings.depth:
            for k, (_, solid) in enumerate(prepared):
                self._watch(world, fragment_name(name, k), body, settings, seed, pieces + (k,),
                            solid.props.mass)

    def before_step(self, world: World) -> None:
        """Remember the pre-impact state of everything that might break in this step."""
        self._before = {name: world.state(name) for name in self.watched if name in world.bodies}

    def after_step(self, world: World, step: int, impulses: dict[int, tuple[float, int]]
                   ) -> None:
        """Break each watched body whose largest contact impulse this step is over its limit."""
        self.broke = False
        for name in list(self.watched):
            live = world.bodies.get(name)
            if live is None or live.key not in impulses:
                continue
            impulse, other = impulses[live.key]
            if impulse / REFERENCE_STEP_S > self.watched[name].threshold:
                self.shatter(world, name, step, impulse, world.names.get(other, "?"))

    def shatter(self, world: World, name: str, step: int, impulse: float = 0.0,
                by: str = "event") -> None:
        """Swap `name` for its fragments at its pre-step pose, with its pre-step velocity."""
        started = time.perf_counter()
        breakage = self.watched.pop(name)
        com, quat, linear, angular = self._before.get(name) or world.state(name)
        origin = world.origin(name, com, quat)
        world.remove(name)
        names = []
        rng = np.random.default_rng([breakage.seed, step, len(breakage.pieces)])
        centres = origin[0] + np.array([s.offset[0] for _, s in breakage.fragments]) @ \
            quat_to_matrix(origin[1]).T
        kicks = _separation(breakage, com, centres, rng)
        velocities = linear + np.cross(angular, centres - com) + kicks
        for k, ((_, solid), velocity) in enumerate(zip(breakage.fragments, velocities,
                                                      strict=True)):
            child = fragment_name(name, k)
            world.create(child, breakage.body, solid, origin, velocity, angular, static=False)
            names.append(child)
        self.broke = True
        self.swap_seconds.append(time.perf_counter() - started)
        self.events.append({"body": name, "time": step * world.dt, "step": step,
                            "impulse": impulse, "force": impulse / REFERENCE_STEP_S,
                            "threshold": breakage.threshold, "by": by, "fragments": names})


def default_threshold(body: Body, fragments: list[Fragment]) -> float:
    """Peak contact force (N) that breaks the body: c * K_IC * size.

    The size is the cube root of the solid's volume, not its extent: a thin wine glass is
    weaker than a squat tumbler although it is taller, because it holds less glass.
    """
    material = MATERIALS[body.material or default_material(body.asset)]
    toughness = material.toughness if material.toughness is not None else 50.0
    size = sum(solid_volume(f.geometry) for f in fragments) ** (1 / 3)
    return THRESHOLD_COEFFICIENT * toughness * 1e6 * size


def _separation(breakage: Breakage, com: np.ndarray, centres: np.ndarray,
                rng: np.random.Generator) -> np.ndarray:
    """Outward kicks, seeded, with the momentum they add removed so the total is unchanged."""
    masses = np.array([solid.props.mass for _, solid in breakage.fragments])
    outward = centres - com
    outward /= np.maximum(np.linalg.norm(outward, axis=1, keepdims=True), 1e-9)
    kicks = outward * SEPARATION_SPEED * rng.uniform(0.5, 1.5, size=(len(masses), 1))
    drift = (masses[:, None] * kicks).sum(axis=0) / masses.sum()
    return kicks - drift
