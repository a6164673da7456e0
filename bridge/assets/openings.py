"""The round openings a body can be passed through: a hoop's rim, a container's mouth."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from bridge.assets.registry import ASSETS
from bridge.schema import Body


@dataclass(frozen=True)
class Opening:
    centre: np.ndarray  # body frame
    normal: np.ndarray  # body frame, unit: the side a thing comes in from
    radius: float  # metres, inner


def has_opening(asset: str | None) -> bool:
    return asset == "basketball_hoop" or (asset in ASSETS and ASSETS[asset].hollow
                                          and "radius" in ASSETS[asset].params)


def opening_of(body: Body) -> Opening | None:
    """The body's opening, or None where it has none (a mesh body, a solid, a tray)."""
    if not has_opening(body.asset):
        return None
    params = {**ASSETS[body.asset].params, **body.params}
    up = np.array([0.0, 0.0, 1.0])
    if body.asset == "basketball_hoop":
        from bridge.assets.play import rim_centre

        return Opening(rim_centre(params), up, params["radius"])
    return Opening(np.array([0.0, 0.0, params["height"]]), up,
                   params["radius"] - params.get("wall", 0.0))
