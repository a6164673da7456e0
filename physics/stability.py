"""Numerical blow-up detection: NaN, runaway speed, energy that grows with no work done."""
from __future__ import annotations

import numpy as np

from bridge.errors import SimulationError
from bridge.transforms import quat_to_matrix
from physics.bodies import LiveBody

ENERGY_SLACK = 0.5  # allowed growth, as a fraction of the scene's energy scale
HEIGHT_SCALE_M = 0.1  # potential energy of lifting every body this far sets the scale's floor
CHECK_INTERVAL_S = 1 / 24  # simulated time between checks: fixed by physics, not the camera

_FIX = ("Check for bodies placed inside each other or launched very fast, or lower "
        "physics.timestep.")


class StabilityMonitor:
    """Checked every CHECK_INTERVAL_S of simulated time; raises SimulationError with the body
    and the time."""

    def __init__(self, max_speed: float, gravity: np.ndarray):
        self.max_speed = max_speed
        self.gravity = np.asarray(gravity, float)
        self.reference: float | None = None  # total energy after the last external work
        self.scale = 0.0
        self._bodies: tuple[LiveBody, ...] = ()
        self._mass = self._inertia = np.zeros(0)

    def external_work(self) -> None:
        """An event or a held force changed the energy on purpose: measure again."""
        self.reference = None

    def check(self, bodies: tuple[LiveBody, ...], states: np.ndarray, time: float) -> None:
        """`states` [B, 13]: each body's centre of mass, quaternion, velocity and spin."""
        finite = np.isfinite(states).all(axis=1)
        if not finite.all():
            name = bodies[int(np.argmin(finite))].name
            raise SimulationError(f"the simulation produced NaN for '{name}' at "
                                  f"t = {time:.3f} s. {_FIX}")
        speed = np.linalg.norm(states[:, 7:10], axis=1)
        if len(speed) and speed.max() > self.max_speed:
            fastest = int(np.argmax(speed))
            raise SimulationError(
                f"'{bodies[fastest].name}' reached {speed[fastest]:.1f} m/s at t = {time:.3f} s, "
                f"beyond physics.max_speed = {self.max_speed:g} m/s. {_FIX}")
        self._check_energy(bodies, states, time)

    def _dynamics(self, bodies: tuple[LiveBody, ...]) -> tuple[np.ndarray, np.ndarray]:
        """Mass [B] and principal inertia [B, 3], 0 for static bodies (they hold no energy)."""
        if bodies != self._bodies:
            self._bodies = bodies
            moving = np.array([not b.static for b in bodies], float)
            self._mass = np.array([b.mass for b in bodies], float) * moving
            self._inertia = np.array([b.inertia for b in bodies], float).reshape(-1, 3) \
                * moving[:, None]
        return self._mass, self._inertia

    def _check_energy(self, bodies: tuple[LiveBody, ...], states: np.ndarray,
                      time: float) -> None:
        mass, inertia = self._dynamics(bodies)
        com, quat, lin, ang = states[:, :3], states[:, 3:7], states[:, 7:10], states[:, 10:]
        local = np.einsum("bji,bj->bi", quat_to_matrix(quat), ang)  # spin in principal axes
        kinetic = 0.5 * float(mass @ np.sum(lin * lin, axis=1)
                              + np.sum(inertia * local * local))
        potential = -float(mass @ (com @ self.gravity))
        energy = kinetic + potential
        if self.reference is None:
            self.reference = energy
            self.scale = kinetic + float(mass.sum()) * float(np.linalg.norm(self.gravity)) \
                * HEIGHT_SCALE_M + 1e-6
            return
        growth = energy - self.reference
        if growth > ENERGY_SLACK * self.scale:
            raise SimulationError(
                f"energy grew by {growth:.3g} J with no external work by t = {time:.3f} s: "
                f"the simulation is unstable. {_FIX}")
