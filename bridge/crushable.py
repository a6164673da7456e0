"""Crushable bodies: thin-walled structures (a car's body, a can, a bin) that dent where they
are hit hard, and how hard that is.

A dent takes the energy an impact dissipates at the contact and spends it against the body's
crush force: depth = energy / force. The default force is the mean crushing force of a
thin-walled tube (Wierzbicki and Abramowicz): P = 13.06 * sigma_0 * t^(5/3) * C^(1/3), with
sigma_0 the material's yield strength, t the wall and C the body's middle extent. A 3 mm steel
shell the size of a car's body gives about 250 kN, what a 1.4 t car crushing 0.6 m at 56 km/h
against a rigid barrier averages; a 0.1 mm aluminium can about 230 N.
"""
from __future__ import annotations

from typing import Annotated

from pydantic import Field

from bridge.materials import Material
from bridge.schema_types import Positive, StrictModel

TUBE_COEFFICIENT = 13.06  # mean crushing force of a square tube, in sigma_0 t^(5/3) C^(1/3)
DEFAULT_WALL_M = 0.001
DENT_SHARE = 1.25  # two crush forces closer than this ratio share an impact's energy
SHELLS = {"can": 0.0001}  # m: the wall of assets that are shells, although drawn solid


class Crushable(StrictModel):
    """Dents where a contact dissipates enough energy against its crush force."""

    wall: Positive | None = Field(
        None, description="m, the thickness of its shell; default: its asset's `wall`, a "
        "drinks can's 0.1 mm, or 1 mm")
    crush_force: Positive | None = Field(
        None, description="N it crushes at; default: from its material's yield strength, its "
        "wall and its size")
    max_depth: Annotated[float, Field(gt=0, le=0.9)] = Field(
        0.4, description="the deepest a dent goes, as a share of the body's extent along it")


def crushable_settings(value: Crushable | bool) -> Crushable | None:
    """The body's dent settings, or None when it does not dent."""
    if isinstance(value, Crushable):
        return value
    return Crushable() if value else None


def crush_force(settings: Crushable, material: Material, asset: str | None,
                params: dict[str, float], extents: tuple[float, float, float]) -> float:
    """Newtons the body crushes at (see the module docstring); `params` are its asset's
    merged parameters, `extents` its body-frame sizes."""
    if settings.crush_force is not None:
        return settings.crush_force
    if material.yield_strength is None:
        raise ValueError(f"material '{material.name}' does not dent")
    wall = settings.wall or params.get("wall") or SHELLS.get(asset or "", DEFAULT_WALL_M)
    middle = sorted(extents)[1]
    return TUBE_COEFFICIENT * material.yield_strength * 1e6 * wall ** (5 / 3) * middle ** (1 / 3)
