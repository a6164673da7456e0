"""The scene script's ropes and chains: linked segments tied to bodies or to the world."""
from __future__ import annotations

from typing import Annotated

from pydantic import Field, field_validator, model_validator
from pydantic_core import PydanticCustomError

from bridge import limits
from bridge.joint_schema import WORLD
from bridge.materials import MATERIALS
from bridge.schema_types import Name, Positive, StrictModel, Vec3
from bridge.suggest import unknown_name


class RopeEnd(StrictModel):
    """Where a rope is tied: a world point at t = 0 on `body` (or on the world)."""

    body: Name = Field(WORLD, description="a body, or 'world'")
    at: Vec3 = Field(description="world metres at t = 0")


class Rope(StrictModel):
    """A rope (or, in steel, a chain) of `segments` round links joined by ball joints.

    It is tied at `start` and, if given, at `end`. At t = 0 it runs straight and taut between
    them, or, given a `length` longer than their distance, hangs slack between them in its
    catenary; with no `end` it hangs straight down `length` from `start`.
    Its segments are bodies named `<name>_1` ... `<name>_<segments>`."""

    name: Name
    start: RopeEnd
    end: RopeEnd | None = None
    length: Annotated[float, Field(gt=0, le=limits.MAX_ROPE_LENGTH_M)] | None = Field(
        None, description="metres: needed with no `end`; with one it defaults to the "
        "distance between them, and a longer rope hangs slack")
    segments: Annotated[int, Field(ge=2, le=64)] = 16
    radius: Positive = Field(0.01, description="metres")
    material: str = "rope"

    @model_validator(mode="after")
    def _length_given(self) -> Rope:
        if self.end is None and self.length is None:
            raise PydanticCustomError("rope_length", "a rope with no `end` hangs straight "
                                      "down: give it a `length` in metres")
        return self

    @field_validator("material")
    @classmethod
    def _material_known(cls, name: str) -> str:
        if name not in MATERIALS:
            raise PydanticCustomError("material", unknown_name("material", name,
                                                               sorted(MATERIALS)))
        return name


class Cut(StrictModel):
    """A rope cut through, for good: at its start tie (`at: 0`), its end tie (`at: 1`) or the
    joint between links nearest that fraction of its length from the start."""

    rope: Name = Field(description="a rope of `ropes`")
    at: Annotated[float, Field(ge=0.0, le=1.0)] = Field(
        0.5, description="where along the rope, from its start (0) to its end (1)")
