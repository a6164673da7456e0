"""The camera part of the scene script: a static or keyframed camera, or a list of shots.

A shot frames its subjects with a preset, may move (orbit, dolly, pan, tilt, crane, track),
may shake, and may play simulated time slower or faster. Shots cut at simulated times; the
video time map is built in `bridge.timing`.
"""
from __future__ import annotations

import itertools
import math
from typing import Annotated, Literal

from pydantic import Field, model_validator
from pydantic_core import PydanticCustomError

from bridge.schema_types import Name, Positive, StrictModel, Time, Vec3

PRESETS = ("wide", "medium", "close_up", "extreme_close_up", "top_down", "low_angle",
           "eye_level")
Fov = Annotated[float, Field(gt=1, lt=170, description="vertical field of view, degrees")]
Speed = Annotated[float, Field(ge=0.02, le=8, description="simulated seconds per video second")]
Ease = Literal["linear", "ease_in_out"]
EVENT_KINDS = ("fracture", "impact", "spill", "topple")
EVENT_FIELDS = {"fracture": "body", "impact": "bodies", "spill": "liquid",  # what names it
                "topple": "body"}


class EventSubject(StrictModel):
    """What a shot frames or a check looks for: a body breaking (`fracture`, with `body`), two
    bodies meeting (`impact`, with `bodies`; 'ground' allowed), a liquid leaving its
    container (`spill`, with `liquid`) or a standing body falling over (`topple`, with
    `body`). The first such event of the run is meant."""

    event: Literal[EVENT_KINDS]  # type: ignore[valid-type]
    body: Name | None = Field(None, description="fracture: the body that breaks; topple: "
                              "the body that falls over")
    bodies: Annotated[list[Name], Field(min_length=2, max_length=2)] | None = Field(
        None, description="impact: the two bodies that meet ('ground' allowed)")
    liquid: Name | None = Field(None, description="spill: the liquid that leaves its container")

    @model_validator(mode="after")
    def _named(self) -> EventSubject:
        needed = EVENT_FIELDS[self.event]
        given = [k for k in dict.fromkeys(EVENT_FIELDS.values()) if getattr(self, k) is not None]
        if given != [needed]:
            raise PydanticCustomError(
                "event", "a {event} event names `{needed}` and nothing else",
                {"event": self.event, "needed": needed})
        return self

    def names(self) -> list[str]:
        """The bodies or the liquid it names."""
        value = getattr(self, EVENT_FIELDS[self.event])
        return list(value) if isinstance(value, list) else [value]


class CameraKey(StrictModel):
    at: Time
    position: Vec3
    look_at: Vec3
    fov: Fov | None = None


class Lens(StrictModel):
    """A physical lens: the horizontal field of view is 2 atan(sensor / (2 focal))."""

    focal_length_mm: Annotated[float, Field(gt=1, le=2000)]
    sensor_width_mm: Annotated[float, Field(gt=1, le=100)] = 36.0


class Orbit(StrictModel):
    degrees: Annotated[float, Field(ge=-3600, le=3600)] = 90.0
    direction: Literal["ccw", "cw"] = Field("ccw", description="seen from above")
    ease: Ease = "linear"


class Dolly(StrictModel):
    distance: float = Field(description="metres toward the target (negative: away)")
    ease: Ease = "ease_in_out"


class Turn(StrictModel):
    """Pan (left positive) or tilt (up positive) of the view about the camera."""

    degrees: Annotated[float, Field(ge=-360, le=360)]
    ease: Ease = "ease_in_out"


class Crane(StrictModel):
    height: float = Field(description="metres the camera rises (negative: lowers)")
    ease: Ease = "ease_in_out"


class Track(StrictModel):
    body: Name
    smoothing: Annotated[float, Field(ge=0, le=5)] = Field(
        0.3, description="seconds; a critically damped spring, run forward and back")


class Move(StrictModel):
    """Exactly one camera move over the shot."""

    orbit: Orbit | None = None
    dolly: Dolly | None = None
    pan: Turn | None = None
    tilt: Turn | None = None
    crane: Crane | None = None
    track: Track | None = None

    @model_validator(mode="after")
    def _one(self) -> Move:
        given = [k for k in type(self).model_fields if getattr(self, k) is not None]
        if len(given) != 1:
            raise PydanticCustomError(
                "move", "give exactly one move of: " + ", ".join(type(self).model_fields))
        return self

    @property
    def kind(self) -> str:
        return next(k for k in type(self).model_fields if getattr(self, k) is not None)


class Shake(StrictModel):
    """Handheld shake: smooth seeded noise on the view direction."""

    amplitude: Annotated[float, Field(gt=0, le=10, description="degrees, at most")] = 0.5
    frequency: Annotated[float, Field(gt=0, le=20, description="Hz")] = 1.5


class RampKey(StrictModel):
    at: Time
    speed: Speed


class Angle(StrictModel):
    """Where the camera stands, seen from the subject; overrides the preset's angle."""

    azimuth: Annotated[float, Field(ge=-360, le=360)] | None = None
    elevation: Annotated[float, Field(ge=-89, le=90)] | None = None


class Shot(StrictModel):
    """One shot, from its cut time (simulated seconds) to the next shot's."""

    from_: Time = Field(0.0, alias="from", description="simulated time of the cut")
    preset: Literal[PRESETS] | None = Field(  # type: ignore[valid-type]
        None, description="framing of the subjects: " + ", ".join(PRESETS))
    subject: Name | list[Name] | EventSubject | None = Field(
        None, description="bodies to frame, or an event ({event: fracture, body: glass}: the "
        "break, its fragments and liquid); default: every body that moves (wide and "
        "top_down: every body)")
    angle: Angle | None = None
    position: Vec3 | None = None
    look_at: Vec3 | None = None
    fov: Fov | None = None
    move: Move | None = None
    shake: Shake | None = None
    slow_motion: Speed | None = Field(
        None, description="playback speed, e.g. 0.25 plays four times slower")
    ramp: list[RampKey] = Field(
        default_factory=list, description="speed keys at simulated times, linear between")

    @model_validator(mode="after")
    def _consistent(self) -> Shot:
        if self.preset is not None and self.position is not None:
            raise PydanticCustomError(
                "shot", "give either `preset` or `position`, not both")
        if self.slow_motion is not None and self.ramp:
            raise PydanticCustomError(
                "shot", "give either `slow_motion` or `ramp`, not both")
        at = [k.at for k in self.ramp]
        if any(b <= a for a, b in itertools.pairwise(at)):
            raise PydanticCustomError("shot", "`ramp` keys need increasing `at` times")
        return self

    def subjects(self) -> list[str] | None:
        """The bodies named as the subject; None for none or for an event."""
        if self.subject is None or isinstance(self.subject, EventSubject):
            return None
        return [self.subject] if isinstance(self.subject, str) else list(self.subject)


class Camera(StrictModel):
    """A static camera (`position`, `look_at`), keyframes, `shots`, or none of them for
    automatic framing."""

    position: Vec3 | None = None
    look_at: Vec3 | None = None
    fov: Fov = 40.0
    lens: Lens | None = Field(None, description="focal length and sensor; replaces `fov`")
    keyframes: list[CameraKey] = Field(default_factory=list)
    shots: list[Shot] = Field(default_factory=list, max_length=64)
    depth_of_field: bool = Field(False, description="asks the refiner for shallow focus")
    near: Positive = 0.02
    far: Positive = 100.0

    @model_validator(mode="after")
    def _consistent(self) -> Camera:
        modes = [bool(self.keyframes), self.position is not None or self.look_at is not None,
                 bool(self.shots)]
        if sum(modes) > 1:
            raise PydanticCustomError(
                "camera", "give one of `keyframes`, `position`/`look_at` or `shots`")
        if self.far <= self.near:
            raise PydanticCustomError("camera", "`far` must be greater than `near`")
        if self.lens is not None and "fov" in self.model_fields_set:
            raise PydanticCustomError("camera", "give either `fov` or `lens`, not both")
        if self.shots:
            cuts = [s.from_ for s in self.shots]
            if cuts[0] != 0:
                raise PydanticCustomError("camera", "the first shot must start `from: 0`")
            if any(b <= a for a, b in itertools.pairwise(cuts)):
                raise PydanticCustomError("camera", "shots need increasing `from` times")
        return self

    def vertical_fov(self, aspect: float) -> float:
        """Vertical field of view in degrees for a width / height `aspect`."""
        if self.lens is None:
            return self.fov
        half_h = math.atan(self.lens.sensor_width_mm / (2 * self.lens.focal_length_mm))
        return math.degrees(2 * math.atan(math.tan(half_h) / aspect))
