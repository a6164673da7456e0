"""The camera from the prompt's camera language: presets, moves and slow motion as a shot.

Without camera words the plan keeps a fixed three-quarter view over everything that matters,
furniture included. With them it writes one shot in the script's camera language, which the
renderer frames from the bodies' real bounds over the shot.
"""
from __future__ import annotations

import math

import numpy as np

from planner.offline import lexicon as lx
from planner.offline.layout import Plan

DEFAULT_VIEW = (0.35, -1.0, 0.45)


def own_camera(hints: set[str]) -> bool:
    """Whether the plan keeps the camera its scenario chose: the prompt names no camera."""
    return not any(key in hints for key in lx.CAMERA)


def frame(plan: Plan, hints: set[str]) -> tuple[dict, str]:
    """A camera mapping and the comment explaining it; `hints` are lexicon.CAMERA keys."""
    named = [concept for key, concept in lx.CAMERA.items() if key in hints]
    if not named:
        return plan.camera or (fixed_view(plan.focus or [(0.0, 0.0, 0.0)]),
                               "medium shot framing the action")
    framing = next((c for c in named if c.preset), lx.MEDIUM)
    shot: dict = {"from": 0.0, "preset": framing.preset}
    why = [framing.describe()]
    if framing.azimuth is not None:
        shot["angle"] = {"azimuth": framing.azimuth}
    # a move that follows ("a tracking shot") and a close-up frame the body the scenario
    # leads with, else the first thing that moves; a shot that names no framing ("in slow
    # motion") frames the scenario's lead only where it has one: a row of dominoes is framed
    # whole, not its first domino
    follow = plan.followed()
    mover = next((c for c in named if _move(c, follow)), None)
    if mover:
        shot["move"] = _move(mover, follow)
        why.append(mover.describe(follow))
    elif framing.on_lead and (subject := plan.lead if framing is lx.MEDIUM else follow):
        shot["subject"] = _framed(plan, subject)
    speed = next((c for c in named if c.slow_motion), None)
    if speed:
        shot["slow_motion"] = speed.slow_motion
        why.append(speed.describe())
    return {"shots": [shot]}, ", ".join(why)


def fracture(body: str) -> dict:
    """The event subject of `body` breaking."""
    return {"event": "fracture", "body": body}


def checks_break(plan: Plan, body: str) -> bool:
    """Whether the plan checks that `body` breaks (and not that it does not)."""
    return any(item.data.get("shatters") == body and not item.data.get("not")
               for item in plan.expect)


def _framed(plan: Plan, body: str) -> str | dict:
    """What a shot on `body` frames: its break, where the plan breaks it (a slow-motion
    medium shot of a thrown plate's whole path left its break at 0.1% of the frame)."""
    return fracture(body) if checks_break(plan, body) else body


def unframe_denied(plan: Plan) -> None:
    """A break the prompt denies ('is dropped and does not break') is neither framed nor
    checked on screen: the scenario's shot frames the body itself."""
    def denied(subject: object) -> bool:
        return isinstance(subject, dict) and subject.get("event") == "fracture" and \
            not checks_break(plan, subject["body"])

    plan.camera_checks = [c for c in plan.camera_checks
                          if not denied(c.data.get("on_screen"))]
    for shot in (plan.camera[0].get("shots", []) if plan.camera else []):
        if denied(shot.get("subject")):
            shot["subject"] = shot["subject"]["body"]


def _move(concept: lx.CameraConcept, lead: str | None) -> dict | None:
    """The concept's camera move, or None (a tracking shot needs a body to follow)."""
    if concept.move == "track":
        return {"track": {"body": lead}} if lead else None
    if concept.move == "orbit":
        return {"orbit": {"degrees": concept.degrees}}
    return None


def fixed_view(points: list[tuple[float, float, float]], margin: float = 0.35,
               least: float = 0.45, lift: float = 0.15,
               toward: tuple[float, float, float] = DEFAULT_VIEW) -> dict:
    """A still three-quarter view over the points from the direction `toward`: a sphere
    `margin` beyond them (of radius at least `least`), centred `lift` above their middle,
    fills the field of view."""
    points = np.array(points, float)
    lo, hi = points.min(axis=0), points.max(axis=0)
    centre = (lo + hi) / 2 + [0, 0, lift]
    radius = max(float(np.max(hi - lo)) / 2 + margin, least)
    fov = 40.0
    distance = radius / math.sin(math.radians(fov / 2))
    view = np.array(toward) / np.linalg.norm(toward)
    return {"position": _r(centre + view * distance), "look_at": _r(centre), "fov": fov}


def _r(v: np.ndarray) -> list[float]:
    return [round(float(x), 3) for x in v]
