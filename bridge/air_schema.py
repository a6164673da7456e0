"""The script's air and flame: wind fields, the blow action (a breath) and flames.

The air is a field the engine evaluates, not a simulated gas: wind is uniform with gusts and
seeded turbulence, and a breath is a turbulent round jet (bridge/air.py). Flames ride on
bodies, lean with the air at their base and go out when it blows hard enough there.
"""
from __future__ import annotations

from typing import Annotated

from pydantic import Field, model_validator
from pydantic_core import PydanticCustomError

from bridge.schema_types import Name, Positive, StrictModel, Time, Vec3

Fraction = Annotated[float, Field(ge=0, le=1)]
MAX_WIND_FIELDS = 8
MAX_FLAMES = 64
MAX_AIR_SPEED = 60.0  # m/s: a storm; faster air is a blast the engine does not model


class Wind(StrictModel):
    """A steady wind over the whole scene, with gusts and seeded turbulence."""

    velocity: Vec3 = Field(description="m/s: the mean wind (its direction and speed)")
    gusts: Fraction = Field(0.0, description="how far the speed swings in gusts, as a share "
                            "of the mean (0.3: between 70% and 130%)")
    gust_period: Positive = Field(4.0, description="seconds from one gust to the next")
    turbulence: Fraction = Field(0.1, description="the random flutter's strength, as a share "
                                 "of the mean speed (seeded from the scene's seed)")
    start: Time = Field(0.0, description="seconds: it blows from then")
    end: Time | None = Field(None, description="seconds: it stops then; default: never")

    @model_validator(mode="after")
    def _sane(self) -> Wind:
        speed = sum(v * v for v in self.velocity) ** 0.5
        if speed > MAX_AIR_SPEED:
            raise PydanticCustomError("wind", "a wind over {limit} m/s is beyond the air "
                                      "model (got {speed:.0f} m/s)",
                                      {"limit": MAX_AIR_SPEED, "speed": speed})
        if self.end is not None and self.end <= self.start:
            raise PydanticCustomError("wind", "`end` must be after `start`")
        return self


class Blow(StrictModel):
    """A breath (or a hair dryer, a fan's jet): air leaves a mouth at `speed` along the
    line to `toward`, slows and widens with distance as a turbulent round jet does, and
    takes time to arrive. A person blowing is this jet, not a body."""

    from_: Vec3 = Field(alias="from", description="the mouth: where the air leaves, m")
    toward: Vec3 | Name = Field(description="a point it is aimed at, or a flame or body to "
                                "aim at (where it is when the blow starts)")
    speed: Annotated[float, Field(gt=0, le=MAX_AIR_SPEED)] = Field(
        8.0, description="m/s as the air leaves the mouth")
    diameter: Positive = Field(0.02, description="m: the opening it leaves by (pursed lips "
                               "about 2 cm)")
    duration: Positive = Field(1.0, description="seconds it blows for")
    spread: Annotated[float, Field(gt=0, le=45)] = Field(
        5.4, description="degrees from its axis at which the speed has halved (5.4: a free "
        "turbulent round jet, whose half-speed radius grows 0.094 m per metre)")

    @model_validator(mode="after")
    def _aimed(self) -> Blow:
        if not isinstance(self.toward, str) and all(
                abs(a - b) < 1e-6 for a, b in zip(self.from_, self.toward)):
            raise PydanticCustomError("blow", "`toward` is the mouth itself; aim it at a point "
                                      "away from `from`, a flame or a body")
        return self


class Flame(StrictModel):
    """A flame burning on a body (a candle's wick, a match, a torch): it rises, leans away
    from the air at its base, and goes out when that air stays faster than `blow_out_speed`.
    Then a trail of smoke rises from where it was and drifts with the air."""

    name: Name
    on: Name = Field(description="the body it burns on")
    at: Vec3 | None = Field(None, description="its base in the body's frame, m; default: "
                            "the top centre of the body (a candle's wick)")
    size: Annotated[float, Field(gt=0, le=2)] = Field(
        0.035, description="m: its height in still air (a candle's is 3 to 4 cm)")
    blow_out_speed: Annotated[float, Field(gt=0, le=MAX_AIR_SPEED)] | None = Field(
        None, description="m/s of air at its base that puts it out; default 2.5, a candle's "
        "(a chosen value, see the README)")
