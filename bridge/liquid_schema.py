"""The scene script's liquids: what each is, and where it starts (in a container, or flowing
from a spout or tap)."""
from __future__ import annotations

import math
from typing import Annotated

from pydantic import Field, field_validator, model_validator
from pydantic_core import PydanticCustomError

from bridge.liquids import LIQUID_KINDS
from bridge.schema_types import RGB, Name, Positive, StrictModel, Time, Vec3
from bridge.suggest import unknown_name


class Source(StrictModel):
    """A stream from a spout or tap: the liquid leaves a round nozzle at `position`, along
    `direction` at `speed`, at `rate_ml_s` from `start` until its whole volume has run."""

    position: Vec3 = Field(description="the nozzle's centre, world metres")
    direction: Vec3 = Field((0.0, 0.0, -1.0), description="the way the stream leaves; any "
                            "length")
    speed: Positive = Field(0.5, description="m/s as it leaves the nozzle")
    rate_ml_s: Positive = Field(100.0, description="millilitres per second (a kitchen tap "
                                "runs about 100)")
    start: Time = 0.0

    @field_validator("direction")
    @classmethod
    def _pointing(cls, direction: tuple[float, float, float]) -> tuple[float, float, float]:
        if math.hypot(*direction) < 1e-9:
            raise PydanticCustomError("direction", "`direction` must not be zero, e.g. "
                                      "[0, 0, -1] for a tap")
        return direction

    def nozzle_radius(self) -> float:
        """Metres: the round opening that passes `rate_ml_s` at `speed`."""
        return math.sqrt(self.rate_ml_s * 1e-6 / (self.speed * math.pi))

    def stop(self, volume_ml: float) -> float:
        """Seconds: when the last of `volume_ml` has left the nozzle."""
        return self.start + volume_ml / self.rate_ml_s


class Liquid(StrictModel):
    """A liquid simulated as a particle fluid: poured into a container at t = 0 (`inside`),
    or flowing from a spout or tap (`source`)."""

    name: Name
    liquid: str = Field("water", description="what it is, from the liquid library (water, "
                        "juice, milk, coffee, tea, oil, honey, soda, wine, beer): its density, "
                        "colour and opacity unless set here")
    inside: Name | None = Field(None, description="a hollow container body (tumbler, bottle, "
                                "mug, ...) it fills at t = 0")
    source: Source | None = Field(None, description="a stream it flows from instead")
    volume_ml: Positive = Field(description="all of it: in the container, or to run from "
                                "the source")
    color: RGB = LIQUID_KINDS["water"].color
    density: Positive = Field(LIQUID_KINDS["water"].density, description="kg/m^3")
    opacity: Annotated[float, Field(gt=0, le=1)] = Field(
        LIQUID_KINDS["water"].opacity, description="0 clear .. 1 opaque (milk)")
    particle_radius: Annotated[float, Field(ge=0.001, le=0.05)] = Field(
        0.0022, description="metres; the count follows from the volume (180 ml: 2,113 "
        "particles at 2.2 mm; the cost grows with the count)")

    @field_validator("liquid")
    @classmethod
    def _liquid_known(cls, name: str) -> str:
        if name not in LIQUID_KINDS:
            raise PydanticCustomError("unknown_liquid",
                                      unknown_name("liquid", name, LIQUID_KINDS))
        return name

    @model_validator(mode="after")
    def _one_start(self) -> Liquid:
        if (self.inside is None) == (self.source is None):
            raise PydanticCustomError(
                "liquid_start", "a liquid needs exactly one of `inside` (the container it "
                "fills) or `source` (a stream: {position, direction, speed, rate_ml_s})")
        return self

    @model_validator(mode="after")
    def _kind_fills_the_rest(self) -> Liquid:
        # the library's figures for what the script leaves out; what it sets wins
        kind = LIQUID_KINDS[self.liquid]
        for field in ("color", "density", "opacity"):
            if field not in self.model_fields_set:
                value = getattr(kind, field)
                setattr(self, field, float(value) if field == "density" else value)
        return self
