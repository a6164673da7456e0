"""Numerical blow-up detection: NaN, runaway speed, energy that grows with no work done."""
from __future__ import annotations

import numpy as np

from bridge.errors import SimulationError
from physics.recorder import FrameRecorder

ENERGY_SLACK = 0.5  # allowed growth, as a fraction of the scene's energy scale
HEIGHT_SCALE_M = 0.1  # potential energy of lifting every body this far sets the scale's floor

_FIX = ("Check for bodies placed inside each other or launched very fast, or lower "
        "physics.timestep.")


class StabilityMonitor:
    """Checked at every recorded frame; raises SimulationError with the body and the time."""

    def __init__(self, max_speed: float):
        self.max_speed = max_speed
        self.reference: float | None = None  # total energy after the last external work
        self.scale = 0.0

    def external_work(self) -> None:
        """An event or a held force changed the energy on purpose: measure again."""
        self.reference = None

    def check(self, recorder: FrameRecorder, frame: int, masses: float, gravity: float) -> None:
        t = recorder.trajectory
        time = t.times[frame]
        for name in t.names:
            pos, vel = t.pos[name][frame], t.linvel[name][frame]
            if np.isnan(t.quat[name][frame]).any() != np.isnan(pos).any() or (
                    not np.isnan(pos).any() and not np.isfinite(vel).all()):
                raise SimulationError(f"the simulation produced NaN for '{name}' at "
                                      f"t = {time:.3f} s. {_FIX}")
            speed = float(np.linalg.norm(vel)) if np.isfinite(vel).all() else 0.0
            if speed > self.max_speed:
                raise SimulationError(
                    f"'{name}' reached {speed:.1f} m/s at t = {time:.3f} s, beyond "
                    f"physics.max_speed = {self.max_speed:g} m/s. {_FIX}")
        self._check_energy(recorder, frame, masses, gravity)

    def _check_energy(self, recorder: FrameRecorder, frame: int, masses: float,
                      gravity: float) -> None:
        energy = recorder.kinetic[frame] + recorder.potential[frame]
        if self.reference is None:
            self.reference = energy
            self.scale = recorder.kinetic[frame] + masses * gravity * HEIGHT_SCALE_M + 1e-6
            return
        growth = energy - self.reference
        if growth > ENERGY_SLACK * self.scale:
            raise SimulationError(
                f"energy grew by {growth:.3g} J with no external work by "
                f"t = {recorder.trajectory.times[frame]:.3f} s: the simulation is unstable. "
                f"{_FIX}")
