"""Camera framing from the plan's points of interest and the prompt's camera language."""
from __future__ import annotations

import math

import numpy as np

from planner.offline.layout import Plan

VIEWS = {"default": (0.35, -1.0, 0.45), "top": (0.02, -0.08, 1.0), "low": (0.3, -1.0, 0.06),
         "side": (0.0, -1.0, 0.15)}


def frame(plan: Plan, hints: set[str]) -> tuple[dict, str]:
    """A camera mapping and the comment explaining it."""
    points = np.array(plan.focus or [(0.0, 0.0, 0.0)], float)
    lo, hi = points.min(axis=0), points.max(axis=0)
    centre = (lo + hi) / 2 + [0, 0, 0.15]
    radius = max(float(np.max(hi - lo)) / 2 + 0.35, 0.45)
    fov, why = 40.0, "medium shot framing the action"
    if "close" in hints:
        radius, fov, why = radius * 0.55, 30.0, "close-up"
    elif "wide" in hints:
        radius, fov, why = radius * 1.6, 50.0, "wide shot"
    view = next((v for v in ("top", "low", "side") if v in hints), "default")
    if view != "default":
        why += {"top": ", from above", "low": ", low angle", "side": ", side view"}[view]
    distance = radius / math.sin(math.radians(fov / 2))
    if "orbit" in hints:
        return _orbit(plan, centre, distance, fov), why + ", orbiting once"
    if "track" in hints and plan.track:
        return _tracking(plan, view, distance, fov), why + ", tracking the moving object"
    position = centre + _unit(VIEWS[view]) * distance
    return {"position": _r(position), "look_at": _r(centre), "fov": fov}, why


def _unit(v: tuple[float, float, float]) -> np.ndarray:
    a = np.array(v, float)
    return a / np.linalg.norm(a)


def _r(v: np.ndarray) -> list[float]:
    return [round(float(x), 3) for x in v]


def _orbit(plan: Plan, centre: np.ndarray, distance: float, fov: float) -> dict:
    keys = []
    for k in range(5):
        angle = -math.pi / 2 + k * math.pi / 2
        offset = np.array([math.cos(angle), math.sin(angle), 0.45]) * distance / 1.1
        keys.append({"at": round(plan.duration * k / 4, 3), "position": _r(centre + offset),
                     "look_at": _r(centre), **({"fov": fov} if k == 0 else {})})
    return {"keyframes": keys}


def _tracking(plan: Plan, view: str, distance: float, fov: float) -> dict:
    start, end = (np.array(p, float) + [0, 0, 0.2] for p in plan.track)
    offset = _unit(VIEWS[view]) * min(distance, 2.5)
    return {"keyframes": [
        {"at": 0.0, "position": _r(start + offset), "look_at": _r(start), "fov": fov},
        {"at": round(plan.duration, 3), "position": _r(end + offset), "look_at": _r(end)}]}
