"""The script's vehicle actions: drive (and brake, a drive at 0) and steer."""
from __future__ import annotations

from typing import Annotated

from pydantic import Field

from bridge.schema_types import Name, StrictModel

MAX_STEER_DEG = 60.0


class Drive(StrictModel):
    """Drive a vehicle: each motorised hinge whose `b` is `vehicle` (its wheels, the hinge's
    `a`, round with a `radius`) turns so as to roll it along its own +x axis (as scripted) at
    `speed`; the hinges' `motor.max_force` is how hard. 0 brakes; negative reverses."""

    vehicle: Name
    speed: float = Field(description="m/s along the vehicle's +x axis")


class Steer(StrictModel):
    """Turn a vehicle's steering: each motorised hinge whose `b` is `vehicle` and whose axis
    is the vehicle's up (z) axis (a steering knuckle, holding a wheel on a hinge of its own)
    turns to `angle`, as hard as its `motor.max_force` (N m) allows."""

    vehicle: Name
    angle: Annotated[float, Field(ge=-MAX_STEER_DEG, le=MAX_STEER_DEG)] = Field(
        description="degrees from straight ahead; positive steers left (about its +z)")
