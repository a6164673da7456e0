"""Numerical blow-up detection: NaN, runaway speed, energy that grows with no work done."""
from __future__ import annotations

import math

import numpy as np

from bridge.errors import SimulationError
from physics.bodies import LiveBody

ENERGY_SLACK = 0.5  # allowed growth, as a fraction of the scene's energy scale
HEIGHT_SCALE_M = 0.1  # potential energy of lifting every body this far sets the scale's floor
CHECK_INTERVAL_S = 1 / 24  # simulated time between checks: fixed by physics, not the camera

_FIX = ("Check for bodies placed inside each other or launched very fast, or lower "
        "physics.timestep.")


def _rotation_tensor() -> np.ndarray:
    """C [3, 3, 4, 4] with R_ij = C_ijkl q_k q_l for a unit xyzw quaternion q (a rotation
    matrix is quadratic in its quaternion)."""
    x, y, z, w = range(4)
    terms = {(0, 0): [(1, x, x), (-1, y, y), (-1, z, z), (1, w, w)],
             (1, 1): [(-1, x, x), (1, y, y), (-1, z, z), (1, w, w)],
             (2, 2): [(-1, x, x), (-1, y, y), (1, z, z), (1, w, w)],
             (0, 1): [(2, x, y), (-2, z, w)], (1, 0): [(2, x, y), (2, z, w)],
             (0, 2): [(2, x, z), (2, y, w)], (2, 0): [(2, x, z), (-2, y, w)],
             (1, 2): [(2, y, z), (-2, x, w)], (2, 1): [(2, y, z), (2, x, w)]}
    tensor = np.zeros((3, 3, 4, 4))
    for (i, j), products in terms.items():
        for sign, k, m in products:
            tensor[i, j, k, m] += sign
    return tensor


_ROTATION = _rotation_tensor().transpose(2, 3, 0, 1).reshape(16, 9)  # q_k q_l -> R_ij


class StabilityMonitor:
    """Checked every CHECK_INTERVAL_S of simulated time; raises SimulationError with the body
    and the time."""

    def __init__(self, max_speed: float, gravity: np.ndarray):
        self.max_speed = max_speed
        self.gravity = np.asarray(gravity, float)
        self.reference: float | None = None  # total energy after the last external work
        self.scale = 0.0
        self._bodies: tuple[LiveBody, ...] = ()
        self._mass, self._inertia = np.zeros(0), np.zeros((0, 3))

    def external_work(self) -> None:
        """An event or a held force changed the energy on purpose: measure again."""
        self.reference = None

    def check(self, bodies: tuple[LiveBody, ...], states: np.ndarray, time: float) -> None:
        """`states` [B, 13]: each body's centre of mass, quaternion, velocity and spin."""
        lin = states[:, 7:10]
        squared = np.einsum("ij,ij->i", lin, lin)  # this runs 24 times a simulated second
        kinetic, potential = self._energy(bodies, states, squared)
        if not math.isfinite(kinetic + potential):  # as it is when any state is NaN
            finite = np.isfinite(states).all(axis=1)
            if not finite.all():
                raise SimulationError(f"the simulation produced NaN for "
                                      f"'{bodies[int(np.argmin(finite))].name}' at "
                                      f"t = {time:.3f} s. {_FIX}")
        if len(squared) and squared.max() > self.max_speed ** 2:
            fastest = int(np.argmax(squared))
            raise SimulationError(
                f"'{bodies[fastest].name}' reached {np.sqrt(squared[fastest]):.1f} m/s at "
                f"t = {time:.3f} s, beyond physics.max_speed = {self.max_speed:g} m/s. {_FIX}")
        self._check_energy(kinetic, potential, time)

    def _dynamics(self, bodies: tuple[LiveBody, ...]) -> tuple[np.ndarray, np.ndarray]:
        """Mass [B] and principal inertia [B, 3], 0 for static bodies (they hold no energy)."""
        if bodies != self._bodies:
            self._bodies = bodies
            moving = np.array([not b.static for b in bodies], float)
            self._mass = np.array([b.mass for b in bodies], float) * moving
            self._inertia = np.array([b.inertia for b in bodies], float).reshape(-1, 3) \
                * moving[:, None]
        return self._mass, self._inertia

    def _energy(self, bodies: tuple[LiveBody, ...], states: np.ndarray, squared: np.ndarray
                ) -> tuple[float, float]:
        """Kinetic and potential energy of the moving bodies (squared: their speeds^2)."""
        mass, inertia = self._dynamics(bodies)
        quat = states[:, 3:7]
        # each spin in its body's principal axes, R^T w: R from the products q_k q_l by one
        # matrix product (a four-operand einsum costs half again as much); not
        # quat_to_matrix: scipy refuses a NaN quaternion, which must reach the NaN test below
        rotation = ((quat[:, :, None] * quat[:, None, :]).reshape(-1, 16) @ _ROTATION) \
            .reshape(-1, 3, 3)
        local = np.einsum("bji,bj->bi", rotation, states[:, 10:])
        # a product at a time: numpy's einsum of three operands plans its path in Python
        kinetic = 0.5 * (float(mass @ squared) + float(np.vdot(inertia * local, local)))
        return kinetic, -float(mass @ (states[:, :3] @ self.gravity))

    def _check_energy(self, kinetic: float, potential: float, time: float) -> None:
        energy = kinetic + potential
        if self.reference is None:
            self.reference = energy
            self.scale = kinetic + float(self._mass.sum()) * float(np.linalg.norm(self.gravity)) \
                * HEIGHT_SCALE_M + 1e-6
            return
        growth = energy - self.reference
        if growth > ENERGY_SLACK * self.scale:
            raise SimulationError(
                f"energy grew by {growth:.3g} J with no external work by t = {time:.3f} s: "
                f"the simulation is unstable. {_FIX}")
