"""The scene script's joints: what holds two bodies (or a body and the world) together."""
from __future__ import annotations

import math
from typing import Annotated, Literal

from pydantic import Field, field_validator, model_validator
from pydantic_core import PydanticCustomError

from bridge.schema_types import Name, Positive, StrictModel, Vec3

WORLD = "world"  # the reserved name of the fixed world frame a joint may hold a body to


class Motor(StrictModel):
    """Drives a hinge (degrees per second) or a slider (metres per second) at `speed`, with
    at most `max_force` (N m for a hinge, N for a slider)."""

    speed: float = Field(description="degrees/s for a hinge, m/s for a slider")
    max_force: Positive = Field(description="N m for a hinge, N for a slider")


class Joint(StrictModel):
    """A joint between body `a` and body `b` (or the world), placed as the bodies stand at
    t = 0: `anchor` and `axis` are in world coordinates then and move with the bodies.

    - hinge: turns about `axis` through `anchor` (a door, a pendulum); `limits` in degrees
      from the starting angle; a `motor` turns it.
    - ball: turns any way about `anchor` (a ball-and-socket, a chain link).
    - slider: slides along `axis` (a drawer); `limits` in metres; a `motor` drives it.
    - fixed: welds the two as they stand.
    - spring: pulls `a`'s centre of mass toward `anchor` on `b` with `stiffness` N/m and
      `damping` N s/m; `rest_length` defaults to their distance at t = 0.
    A joint with `breaks_at` lets go, for good, once the force it carries passes that many
    newtons (a hinge, ball, fixed joint or spring); the break is in events.json. Until then it
    is a stiff constraint rather than an exact joint."""

    name: Name
    type: Literal["hinge", "ball", "slider", "fixed", "spring"]
    a: Name = Field(description="a body")
    b: Name = Field(WORLD, description="a body, or 'world'")
    anchor: Vec3 = Field(description="world metres at t = 0")
    axis: Vec3 = Field((0.0, 0.0, 1.0), description="hinge axis or slide direction, world "
                       "frame at t = 0; any length")
    limits: tuple[float, float] | None = Field(
        None, description="[low, high]: degrees for a hinge, metres for a slider")
    stiffness: Positive | None = Field(None, description="N/m (spring only)")
    damping: Annotated[float, Field(ge=0)] = Field(0.0, description="N s/m (spring only)")
    rest_length: Annotated[float, Field(ge=0)] | None = Field(
        None, description="metres (spring only); default: the length at t = 0")
    motor: Motor | None = None
    breaks_at: Positive | None = Field(None, description="newtons: it lets go for good once it "
                                       "carries more")

    @field_validator("axis")
    @classmethod
    def _axis(cls, axis: tuple[float, float, float]) -> tuple[float, float, float]:
        if math.hypot(*axis) < 1e-9:
            raise PydanticCustomError("axis", "`axis` must not be zero, e.g. [0, 1, 0]")
        return axis

    @field_validator("limits")
    @classmethod
    def _ordered(cls, limits: tuple[float, float] | None) -> tuple[float, float] | None:
        if limits is not None and limits[0] >= limits[1]:
            raise PydanticCustomError("limits", "`limits` is [low, high] with low below high, "
                                      "e.g. [-90, 90]")
        return limits

    @model_validator(mode="after")
    def _fields_fit_the_type(self) -> Joint:
        if self.a == self.b:
            raise PydanticCustomError("joint_ends", "a joint holds two different things: set "
                                      "`b` to another body or to 'world'")
        spring_only = [f for f in ("stiffness", "rest_length") if getattr(self, f) is not None]
        spring_only += ["damping"] if self.damping else []
        if self.type == "spring" and self.stiffness is None:
            raise PydanticCustomError("spring", "a spring needs `stiffness` (N/m)")
        if self.type != "spring" and spring_only:
            raise PydanticCustomError("spring_only", "{fields} belong to a spring, not a "
                                      "{type}", {"fields": ", ".join(spring_only),
                                                 "type": self.type})
        if self.breaks_at is not None and self.type == "slider":
            raise PydanticCustomError("breaks_slider", "`breaks_at` is for a hinge, ball, "
                                      "fixed joint or spring, not a slider yet")
        for field in ("limits", "motor"):
            if getattr(self, field) is not None and self.breaks_at is not None:
                raise PydanticCustomError("breaks_limits", "a joint with `breaks_at` has no "
                                          "`{field}` yet: drop one of them", {"field": field})
            if getattr(self, field) is not None and self.type not in ("hinge", "slider"):
                raise PydanticCustomError("hinge_slider", "`{field}` is for a hinge or a "
                                          "slider, not a {type}",
                                          {"field": field, "type": self.type})
        return self
