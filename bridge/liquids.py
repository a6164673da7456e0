"""The liquid library: what a named liquid weighs, how it flows and how it looks.

Densities, viscosities and surface tensions are typical figures at room temperature from
handbook tables (honey varies tenfold with its water content and temperature; the figure is
a runny table honey). Opacity is how much of what lies behind the liquid it hides through
a glass's depth: milk hides all of it, water almost none.

The particle fluid (physics/fluid.py) reads them all: the density as each particle's mass,
the viscosity and surface tension through a visual calibration (velocity smoothing and
cohesion), not as a viscous or capillary solver would.
"""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class LiquidKind:
    name: str
    density: float  # kg/m^3
    viscosity: float  # dynamic, Pa*s
    surface_tension: float  # N/m
    color: tuple[float, float, float]
    opacity: float  # 0 clear .. 1 opaque


LIQUID_KINDS: dict[str, LiquidKind] = {k.name: k for k in [
    LiquidKind("water", 1000, 0.0010, 0.072, (0.55, 0.75, 0.95), 0.25),
    LiquidKind("juice", 1045, 0.0020, 0.065, (1.0, 0.55, 0.1), 0.8),
    LiquidKind("milk", 1033, 0.0020, 0.046, (0.97, 0.97, 0.95), 1.0),
    LiquidKind("coffee", 1001, 0.0010, 0.062, (0.3, 0.18, 0.08), 0.9),
    LiquidKind("tea", 1000, 0.0010, 0.070, (0.6, 0.35, 0.1), 0.6),
    LiquidKind("oil", 915, 0.081, 0.032, (0.85, 0.7, 0.2), 0.5),
    LiquidKind("honey", 1420, 10.0, 0.050, (0.9, 0.6, 0.1), 0.8),
    LiquidKind("soda", 1040, 0.0011, 0.071, (0.3, 0.15, 0.05), 0.85),
    LiquidKind("wine", 990, 0.0015, 0.047, (0.45, 0.05, 0.1), 0.85),
    LiquidKind("beer", 1010, 0.0015, 0.042, (0.9, 0.65, 0.15), 0.6),
    LiquidKind("paint", 1300, 1.0, 0.035, (0.95, 0.95, 0.93), 1.0),  # white latex house paint
]}
