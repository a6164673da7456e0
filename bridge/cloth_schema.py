"""The script's cloth: sheets of a fabric, pinned or free, and the pull action.

A cloth is a rectangle `size` wide (u) and tall (v), meshed as a grid of `resolution`
vertices. At rotation [0, 0, 0] it lies flat, u along x and v along y, centred on `at`;
[90, 0, 0] stands it up, v then pointing up (a curtain, a flag). Its edges are named in its
own frame: `top` is +v, `bottom` -v, `left` -u, `right` +u, whatever way it is turned.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Literal

from pydantic import Field, model_validator
from pydantic_core import PydanticCustomError

from bridge.schema_types import RGB, Name, Positive, StrictModel, Vec3, refuse_zero

MAX_CLOTHS = 8
MAX_CLOTH_VERTICES = 8192  # all sheets together: eight 32 x 32 sheets
CONTACT_RADIUS = 0.002  # m: half a sheet's contact thickness, unless the script says
MAX_CONTACT_RADIUS = 0.03
MIN_SPACING = 0.005  # m between vertices: more than the sheet's 4 mm contact thickness
MAX_CLOTH_SIDE = 10.0  # m
MIN_VERTICES, MAX_VERTICES = 3, 64  # along one side
TARGET_SPACING = 0.04  # m between vertices when the script gives no resolution
DEFAULT_SIDE_VERTICES = 32  # at most, when the script gives no resolution
EDGES = ("top", "bottom", "left", "right")
CORNERS = ("top_left", "top_right", "bottom_left", "bottom_right")
PINNINGS = ("none", "corners", "top_corners", "edges", *EDGES)


@dataclass(frozen=True)
class Fabric:
    """A fabric's mechanics. Its stretch stiffness is Young's modulus x thickness (1e4 N/m
    for cotton: a hanging sheet stretches a hundredth of a percent); the moduli are chosen, not
    measured. Bending is not simulated: a fabric folds where it is pushed."""

    areal_density: float  # kg/m^2
    young: float  # Pa
    thickness: float  # m
    friction: float
    color: tuple[float, float, float]


FABRICS = {  # areal densities: typical weights of the cloth (cotton sheeting 150 g/m^2 ...)
    "cotton": Fabric(0.15, 2e7, 5e-4, 0.5, (0.92, 0.9, 0.86)),
    "silk": Fabric(0.06, 2e7, 2e-4, 0.3, (0.85, 0.2, 0.25)),
    "denim": Fabric(0.40, 2e7, 1e-3, 0.6, (0.2, 0.3, 0.5)),
    "canvas": Fabric(0.35, 3e7, 8e-4, 0.6, (0.76, 0.7, 0.55)),
    "rubber_sheet": Fabric(1.0, 2e6, 1e-3, 1.0, (0.25, 0.25, 0.27)),
}
FabricName = Literal["cotton", "silk", "denim", "canvas", "rubber_sheet"]
Edge = Literal["top", "bottom", "left", "right"]
Corner = Literal["top_left", "top_right", "bottom_left", "bottom_right"]
Fraction = Annotated[float, Field(ge=0, le=1)]
Side = Annotated[float, Field(gt=0, le=MAX_CLOTH_SIDE)]
Count = Annotated[int, Field(ge=MIN_VERTICES, le=MAX_VERTICES)]


class Pin(StrictModel):
    """One point of a cloth held: fixed where it is, or carried by a body."""

    point: Corner | tuple[Fraction, Fraction] = Field(
        description="a corner, or [u, v] as fractions of the width and height from the "
        "bottom-left corner ([0.5, 1]: the middle of the top edge)")
    to: Name | None = Field(None, description="the body it is fastened to (it moves with "
                            "it); default: held still where it is at t = 0")


class Cloth(StrictModel):
    """A sheet of fabric (a flag, a tablecloth, a curtain, a towel)."""

    name: Name
    size: tuple[Side, Side] = Field(description="[width, height] in metres")
    at: Vec3 = Field(description="its centre at t = 0, m")
    rotation: Vec3 = Field((0.0, 0.0, 0.0), description="xyz Euler degrees; [0, 0, 0] lies "
                           "flat (u along x, v along y), [90, 0, 0] stands it up")
    resolution: tuple[Count, Count] | None = Field(
        None, description="vertices along its width and height; default about one every "
        "4 cm, at most 32 a side")
    material: FabricName = "cotton"
    contact_radius: Annotated[float, Field(gt=0, le=MAX_CONTACT_RADIUS)] = Field(
        CONTACT_RADIUS, description="m: half its thickness where it touches bodies. Its "
        "vertices touch, not the fabric between them: raise it (about a third of the vertex "
        "spacing) so that thin parts, a chair's back or a rail, catch a coarse sheet")
    color: RGB | None = Field(None, description="default: the fabric's")
    pinned: Literal["none", "corners", "top_corners", "edges", "top", "bottom", "left",
                    "right"] | list[Pin] = Field(
        "none", description="what holds it still: `corners`, `top_corners`, `edges` (all "
        "four: a trampoline, a drum), one edge, or a list of pins")

    @model_validator(mode="after")
    def _spaced(self) -> Cloth:
        least = max(MIN_SPACING, 2 * self.contact_radius + 0.001)
        for side, count, axis in zip(self.size, self.counts, ("width", "height")):
            if side / (count - 1) < least:
                most = int(side / least) + 1
                raise PydanticCustomError(
                    "resolution", "its vertices would be {gap} mm apart along its {axis}; "
                    "they must be at least {least} mm apart (its contact thickness): give "
                    "`resolution` at most {most} there, or a larger `size`",
                    {"gap": f"{side / (count - 1) * 1000:.1f}", "axis": axis,
                     "least": f"{least * 1000:g}", "most": most})
        return self

    @property
    def fabric(self) -> Fabric:
        return FABRICS[self.material]

    @property
    def counts(self) -> tuple[int, int]:
        """Vertices along u and v."""
        if self.resolution is not None:
            return self.resolution
        return tuple(min(DEFAULT_SIDE_VERTICES, max(MIN_VERTICES, round(side / TARGET_SPACING)
                                                    + 1)) for side in self.size)

    @property
    def mass(self) -> float:
        return self.fabric.areal_density * self.size[0] * self.size[1]


class Pull(StrictModel):
    """Grab one edge or corner of a cloth and move it at a velocity, then let go."""

    cloth: Name
    edge: Edge | Corner = Field(description="what is grabbed: an edge or a corner")
    velocity: Vec3 = Field(description="m/s the grabbed part moves at")
    duration: Positive = Field(description="seconds it is pulled for; then it is let go")

    @model_validator(mode="after")
    def _moving(self) -> Pull:
        refuse_zero(self.velocity, "pull", "velocity", "give the pull a direction and speed, "
                    "e.g. [3, 0, 0]")
        return self
