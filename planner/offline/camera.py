"""The camera from the prompt's camera language: presets, moves and slow motion as a shot.

Without camera words the plan keeps a fixed three-quarter view over everything that matters,
furniture included. With them it writes one shot in the script's camera language, which the
renderer frames from the bodies' real bounds over the shot.
"""
from __future__ import annotations

import math

import numpy as np

from planner.offline.layout import Plan

DEFAULT_VIEW = (0.35, -1.0, 0.45)
SLOW_MOTION = 0.4  # playback speed for "slow motion": the whole shot, 2.5x longer on screen
PRESET_WORDS = {"close": ("close_up", "close-up"), "wide": ("wide", "wide shot"),
                "top": ("top_down", "from above"), "low": ("low_angle", "low angle"),
                "side": ("eye_level", "side view")}


def frame(plan: Plan, hints: set[str]) -> tuple[dict, str]:
    """A camera mapping and the comment explaining it."""
    if not hints & {*PRESET_WORDS, "orbit", "track", "slow"}:
        return plan.camera or (_fixed(plan), "medium shot framing the action")
    shot: dict = {"from": 0.0}
    why = []
    preset = next((k for k in ("close", "wide", "top", "low", "side") if k in hints), None)
    shot["preset"], label = PRESET_WORDS[preset] if preset else ("medium", "medium shot")
    why.append(label)
    if preset == "side":
        shot["angle"] = {"azimuth": -90.0}
    if "track" in hints and plan.lead:
        shot["move"] = {"track": {"body": plan.lead}}
        why.append(f"tracking the {plan.lead}")
    elif "orbit" in hints:
        shot["move"] = {"orbit": {"degrees": 360.0}}
        why.append("orbiting once")
    elif plan.lead and preset in ("close", None):
        shot["subject"] = plan.lead
    if "slow" in hints:
        shot["slow_motion"] = SLOW_MOTION
        why.append(f"slow motion at {SLOW_MOTION:g}x")
    return {"shots": [shot]}, ", ".join(why)


def _fixed(plan: Plan) -> dict:
    points = np.array(plan.focus or [(0.0, 0.0, 0.0)], float)
    lo, hi = points.min(axis=0), points.max(axis=0)
    centre = (lo + hi) / 2 + [0, 0, 0.15]
    radius = max(float(np.max(hi - lo)) / 2 + 0.35, 0.45)
    fov = 40.0
    distance = radius / math.sin(math.radians(fov / 2))
    view = np.array(DEFAULT_VIEW) / np.linalg.norm(DEFAULT_VIEW)
    return {"position": _r(centre + view * distance), "look_at": _r(centre), "fov": fov}


def _r(v: np.ndarray) -> list[float]:
    return [round(float(x), 3) for x in v]
