"""The script's expectations: one model per check, and the union that tells them apart."""
from __future__ import annotations

import functools
import operator
from typing import Annotated, Any

from pydantic import Discriminator, Field, Tag

from bridge.camera_schema import EventSubject
from bridge.schema_types import (
    SUBJECT_PATTERN,
    Name,
    Positive,
    StrictModel,
    Subject,
    Time,
    Vec3,
)


class _Check(StrictModel):
    not_: bool = Field(False, alias="not", description="expect the opposite")


class ComesToRest(_Check):
    comes_to_rest: Subject
    on: Name | None = Field(None, description="touching this body (or 'ground') at the end")
    by: Time | None = Field(None, description="at rest from this time on; default: the end")


class Contacts(_Check):
    contacts: Subject
    with_: Annotated[str, Field(pattern=SUBJECT_PATTERN)] = Field(
        alias="with", description="a body, 'ground', or a glob such as 'rope_*': any body "
        "it matches")
    before: Time | None = None
    after: Time | None = None


class Bounces(_Check):
    bounces: Subject
    at_least: Annotated[int, Field(ge=1)] = 1
    on: Name | None = None


class StaysWithin(_Check):
    stays_within: Subject
    min: Vec3
    max: Vec3


class MovesLessThan(_Check):
    moves_less_than: Subject
    distance: Positive


class FallsOver(_Check):
    falls_over: Subject
    angle: Annotated[float, Field(gt=0, le=180)] = 45.0
    before: Time | None = None


class Visible(_Check):
    visible: Subject
    fraction: Annotated[float, Field(ge=0, le=1)] = 0.9
    inside: bool = Field(False, description="also whole inside the frame, clear of its edges")


class Shatters(_Check):
    shatters: Subject
    before: Time | None = None


class Crushes(_Check):
    crushes: Subject
    depth: Positive = Field(0.01, description="m its deepest dent reaches at least")
    before: Time | None = None


class LiquidStaysIn(_Check):
    liquid_stays_in: Name = Field(description="a liquid's name")
    container: Name
    until_fracture: bool = Field(
        False, description="only until the container breaks (then it may spill)")
    fraction: Annotated[float, Field(ge=0, le=1)] = Field(
        1.0, description="share of the particles that must stay inside")


class Sloshes(_Check):
    sloshes: Name = Field(description="a liquid's name: it sloshes in its container (a bumped "
                          "table's coffee)")
    container: Name
    distance: Positive = Field(0.002, description="m its middle must swing across the "
                               "container (its own x and y) from where it starts; 2 mm is "
                               "a surface tilted about 10 degrees in a cup")


class PoursInto(_Check):
    pours_into: Name = Field(description="a liquid's name")
    container: Name = Field(description="the container it ends in (not the one it starts in)")
    fraction: Annotated[float, Field(ge=0, le=1)] = Field(
        0.6, description="share of the particles inside the container at the end")


class Puddle(_Check):
    puddle: Name = Field(description="a liquid's name")
    max_radius: Positive = Field(0.6, description="metres from the puddle's centre")
    fraction: Annotated[float, Field(ge=0, le=1)] = Field(
        0.9, description="share of the particles within it at the end, lying low: at most "
        "3 cm above the lowest")


class HoldsTogether(_Check):
    holds_together: Name = Field(description="a liquid's name")
    max_blobs: Annotated[int, Field(ge=1)] = Field(
        6, description="the most separate blobs it may end in (drops under 1% of it are "
        "spray, not blobs, and may hold 10% in all)")


class PassesThrough(_Check):
    passes_through: Name = Field(description="a body (a thrown ball)")
    target: Name = Field(description="a basketball_hoop, a soccer_goal, or a container it "
                         "drops into")
    before: Time | None = None


class Swings(_Check):
    swings: Subject
    period: Positive = Field(description="seconds for a full swing, there and back")
    tolerance: Annotated[float, Field(gt=0, le=1)] = Field(
        0.02, description="relative: 0.02 passes a period within 2%")


class Floats(_Check):
    floats: Subject
    after: Time | None = Field(None, description="settled by this time; default: the end")


class Sinks(_Check):
    sinks: Subject
    before: Time | None = None


class OnScreen(_Check):
    on_screen: EventSubject = Field(description="the event: {event: fracture, body: glass}, "
                                    "{event: impact, bodies: [ball, ground]} or "
                                    "{event: spill, liquid: juice}")
    min_fraction: Annotated[float, Field(ge=0, le=1)] = Field(
        0.02, description="share of the frame its instances must cover, at best, within 4 "
        "frames of the event (12 for a spill)")


class GoesOut(_Check):
    goes_out: Name = Field(description="a flame's name")
    before: Time | None = None


class StaysLit(_Check):
    stays_lit: Name = Field(description="a flame's name: it burns to the end of the shot")


class DrapesOver(_Check):
    drapes_over: Name = Field(description="a cloth's name")
    body: Name = Field(description="the body it lies on and hangs down around")
    after: Time | None = Field(None, description="settled over it by this time; default: "
                               "the end")


class Flutters(_Check):
    flutters: Name = Field(description="a cloth's name: it keeps moving to the end (a flag "
                           "in the wind)")


class StaysOn(_Check):
    stays_on: Subject
    on: Name = Field(description="the body it stays on top of, the whole shot long (a "
                     "tablecloth's dishes: on the table)")


class SpringsBack(_Check):
    springs_back: Name = Field(description="a soft body's name: deformed (squeezed, pressed), "
                               "it is back to its rest shape at the end")
    within: Annotated[float, Field(gt=0, le=0.5)] = Field(
        0.02, description="as a fraction of its size: it must be deformed by more than this "
        "at some time, and be back within it of its shape before at the end")


class KeepsVolume(_Check):
    keeps_volume: Name = Field(description="a soft body's name: its volume stays near its "
                               "rest volume (rubber, jelly: nearly incompressible)")
    within: Annotated[float, Field(gt=0, le=0.5)] = Field(
        0.1, description="the largest change allowed, as a fraction of its rest volume")


CHECKS: dict[str, type[_Check]] = {
    "comes_to_rest": ComesToRest, "contacts": Contacts, "bounces": Bounces,
    "stays_within": StaysWithin, "moves_less_than": MovesLessThan, "falls_over": FallsOver,
    "visible": Visible, "shatters": Shatters, "crushes": Crushes,
    "liquid_stays_in": LiquidStaysIn, "sloshes": Sloshes,
    "pours_into": PoursInto, "puddle": Puddle, "holds_together": HoldsTogether,
    "passes_through": PassesThrough, "swings": Swings,
    "floats": Floats, "sinks": Sinks,
    "on_screen": OnScreen,
    "goes_out": GoesOut, "stays_lit": StaysLit,
    "drapes_over": DrapesOver, "stays_on": StaysOn, "flutters": Flutters,
    "springs_back": SpringsBack, "keeps_volume": KeepsVolume,
}


def _check_kind(value: Any) -> str | None:
    if isinstance(value, dict):
        found = [k for k in CHECKS if k in value]
        return found[0] if len(found) == 1 else None
    return next((k for k, m in CHECKS.items() if isinstance(value, m)), None)


Expectation = Annotated[
    functools.reduce(operator.or_, (Annotated[m, Tag(k)] for k, m in CHECKS.items())),
    Discriminator(
        _check_kind,
        custom_error_type="unknown_check",
        custom_error_message="an expectation needs exactly one check key of: "
        + ", ".join(CHECKS),
    ),
]


def check_kind(check: _Check) -> str:
    return next(k for k, m in CHECKS.items() if isinstance(check, m))


def check_subject(check: _Check) -> str | list[str] | EventSubject:
    return getattr(check, check_kind(check))
