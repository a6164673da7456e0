"""The script's soft bodies (a rubber duck, a sponge, a jelly) and the actions that deform them:
`squeeze` (two hands pressing its two sides together) and `press` (a push on one side).

A soft body is a solid of one material, meshed into tetrahedra: a `shape` fitted to `size`
([length along x, width along y, height along z] in its own frame, turned by `rotation`),
centred on `at`. A rigid body pushed into it (a `force` event on a weight) presses it too.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Literal

from pydantic import Field, model_validator
from pydantic_core import PydanticCustomError

from bridge.schema_types import RGB, Name, Positive, StrictModel, Vec3, refuse_zero

MAX_SOFTS = 8
MAX_SOFT_NODES = 4000  # all soft bodies together
MAX_SOFT_SIDE = 2.0  # m
MIN_RESOLUTION, MAX_RESOLUTION = 3, 16  # nodes along the longest side
DEFAULT_RESOLUTION = 7
MIN_NODE_SPACING = 0.004  # m: more than the contact thickness of its surface


@dataclass(frozen=True)
class SoftMaterial:
    """A soft solid's mechanics, as one homogeneous solid. The moduli are typical of the
    material (foams and gels: tens of kPa and below), chosen rather than measured; `rubber`
    stands for a squeeze toy, a thin rubber shell around air, so it is softer and lighter than
    solid rubber (E about 1 to 10 MPa, 1100 kg/m^3)."""

    young: float  # Pa
    poisson: float  # near 0.5: keeps its volume; near 0: squashes without bulging (a sponge)
    density: float  # kg/m^3
    damping: float  # s: internal (Rayleigh) damping
    friction: float
    color: tuple[float, float, float]


SOFT_MATERIALS = {
    "rubber": SoftMaterial(2e4, 0.45, 250.0, 2e-3, 0.9, (0.98, 0.82, 0.1)),
    "sponge": SoftMaterial(2e4, 0.1, 60.0, 5e-3, 0.8, (0.95, 0.85, 0.35)),
    "jelly": SoftMaterial(5e3, 0.45, 1050.0, 5e-3, 0.3, (0.85, 0.12, 0.2)),
    "foam": SoftMaterial(1e4, 0.2, 30.0, 5e-3, 0.7, (0.9, 0.9, 0.85)),
}
SoftMaterialName = Literal["rubber", "sponge", "jelly", "foam"]
Side = Annotated[float, Field(gt=0, le=MAX_SOFT_SIDE)]


class Soft(StrictModel):
    """A soft solid: it squashes where it is pressed and springs back when let go."""

    name: Name
    shape: Literal["ball", "box", "cylinder", "duck", "mesh"] = Field(
        description="`ball` (an ellipsoid filling `size`), `box`, `cylinder` (its axis along "
        "z), `duck` (a bath toy facing +x), or `mesh` (the closed mesh file `mesh`, scaled "
        "to fill `size`)")
    mesh: str | None = Field(None, description="with shape `mesh`: an OBJ, GLB, STL or PLY "
                             "file, relative to the script's folder; it must be closed "
                             "(watertight)")
    size: tuple[Side, Side, Side] = Field(description="[length, width, height] in metres, "
                                          "along its own x, y and z")
    at: Vec3 = Field(description="the centre of its bounding box at t = 0, m")
    rotation: Vec3 = Field((0.0, 0.0, 0.0), description="xyz Euler degrees")
    material: SoftMaterialName = "rubber"
    stiffness: Positive | None = Field(None, description="Young's modulus in Pa; default: "
                                       "the material's")
    damping: Annotated[float, Field(ge=0, le=0.1)] | None = Field(
        None, description="seconds of internal damping; default: the material's")
    resolution: Annotated[int, Field(ge=MIN_RESOLUTION, le=MAX_RESOLUTION)] = Field(
        DEFAULT_RESOLUTION, description="nodes along its longest side (finer bulges "
        "better, costs more)")
    color: RGB | None = Field(None, description="default: the material's")

    @model_validator(mode="after")
    def _mesh_given(self) -> Soft:
        if (self.shape == "mesh") != (self.mesh is not None):
            raise PydanticCustomError(
                "mesh", "give `mesh` (a file) with shape `mesh`, and only then" if self.mesh
                is None else "`mesh` is only read with shape `mesh`: set `shape: mesh`, or "
                "drop `mesh`")
        return self

    @model_validator(mode="after")
    def _spaced(self) -> Soft:
        if self.spacing < MIN_NODE_SPACING:
            most = int(max(self.size) / MIN_NODE_SPACING) + 1
            raise PydanticCustomError(
                "resolution", "its nodes would be {gap} mm apart; they must be at least "
                "{least} mm apart: give `resolution` at most {most}, or a larger `size`",
                {"gap": f"{self.spacing * 1000:.1f}", "least": f"{MIN_NODE_SPACING * 1000:g}",
                 "most": most})
        return self

    @property
    def spacing(self) -> float:
        """Metres between neighbouring nodes."""
        return max(self.size) / (self.resolution - 1)

    @property
    def mechanics(self) -> SoftMaterial:
        """The material, with the script's stiffness and damping where it gives them."""
        base = SOFT_MATERIALS[self.material]
        return SoftMaterial(self.stiffness or base.young, base.poisson, base.density,
                            base.damping if self.damping is None else self.damping,
                            base.friction, self.color or base.color)


class Squeeze(StrictModel):
    """Two hands squeeze a soft body: its two ends along `axis` are pushed toward each other,
    each with `force`, for `duration`; then it is let go."""

    soft: Name
    force: Annotated[float, Field(gt=0, le=500)] = Field(description="N on each side")
    axis: Vec3 = Field((0.0, 1.0, 0.0), description="the line the two sides are pressed "
                       "along, world frame, any length")
    duration: Positive = Field(description="seconds it is held squeezed")

    @model_validator(mode="after")
    def _axis(self) -> Squeeze:
        refuse_zero(self.axis, "squeeze", "axis", "give the line the hands press along, e.g. "
                    "[0, 1, 0]")
        return self


class Press(StrictModel):
    """A push on one side of a soft body (a thumb, a palm): `force` spread over the side it
    comes from (its top, when pressing down), for `duration`."""

    soft: Name
    force: Vec3 = Field(description="N, world frame: [0, 0, -20] presses down on its top")
    duration: Positive = Field(description="seconds it is held")

    @model_validator(mode="after")
    def _force(self) -> Press:
        refuse_zero(self.force, "press", "force", "give it a direction and size in newtons, "
                    "e.g. [0, 0, -20]")
        return self
