"""The openings a body can be passed through: a hoop's rim, a container's mouth, a goal's
mouth."""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from bridge.assets.build import asset_params
from bridge.assets.registry import ASSETS
from bridge.schema import Body

UP = np.array([0.0, 0.0, 1.0])
LIP_BAND = 0.005  # m below a container's top that count as its lip


def lip(points: np.ndarray, toward: np.ndarray, origin: np.ndarray) -> np.ndarray:
    """The point a container pours over when tipped `toward` (horizontal): of its rim's
    points, the farthest that way from `origin` (a tumbler's rim edge, a bottle's neck)."""
    top = _rim(points)
    return top[np.argmax((top - origin) @ toward)]


def mouth_radius(points: np.ndarray) -> float:
    """The inner radius of an upright container's mouth (a bottle's neck): of its rim's
    points, the least distance from its axis."""
    top = _rim(points)
    return float(np.hypot(top[:, 0], top[:, 1]).min())


def _rim(points: np.ndarray) -> np.ndarray:
    """Of a container mesh's `points`, those within LIP_BAND of its top."""
    return points[points[:, 2] >= points[:, 2].max() - LIP_BAND]


@dataclass(frozen=True)
class Opening:
    """A round opening of `radius`, or, with `half`, a rectangle of half sizes along `across`
    and along the in-plane axis square to it."""

    centre: np.ndarray  # body frame
    normal: np.ndarray  # body frame, unit: the side a thing comes in from
    radius: float = 0.0  # metres, inner
    half: tuple[float, float] | None = None
    across: np.ndarray = field(default_factory=UP.copy)

    def outside(self, point: np.ndarray) -> float:
        """Metres that `point`, in the opening's plane relative to its centre, lies outside
        it (zero or less: inside)."""
        if self.half is None:
            return float(np.linalg.norm(point)) - self.radius
        other = np.cross(self.normal, self.across)
        return max(abs(point @ self.across) - self.half[0], abs(point @ other) - self.half[1])

    def size_text(self) -> str:
        if self.half is None:
            return f"its {self.radius * 100:g} cm"
        return f"its {2 * self.half[0]:g} x {2 * self.half[1]:g} m"


def has_opening(asset: str | None) -> bool:
    return asset in ("basketball_hoop", "soccer_goal", "tray") or (
        asset in ASSETS and ASSETS[asset].hollow and "radius" in ASSETS[asset].params)


def opening_of(body: Body) -> Opening | None:
    """The body's opening, or None where it has none (a mesh body, a solid, a container
    with its lid on)."""
    if not has_opening(body.asset):
        return None
    params = asset_params(body)
    if params.get("lid", 0.0) > 0:
        return None
    if body.asset == "basketball_hoop":
        from bridge.assets.play import rim_centre

        return Opening(rim_centre(params), UP, params["radius"])
    if body.asset == "soccer_goal":
        from bridge.assets.play import goal_mouth

        centre, half = goal_mouth(params)
        return Opening(centre, np.array([-1.0, 0.0, 0.0]), half=(half[0], half[1]),
                       across=np.array([0.0, 1.0, 0.0]))
    if body.asset == "tray":  # the open top, inside its walls
        inner = (params["width"] / 2 - params["wall"], params["depth"] / 2 - params["wall"])
        return Opening(np.array([0.0, 0.0, params["height"]]), UP, half=inner,
                       across=np.array([1.0, 0.0, 0.0]))
    return Opening(np.array([0.0, 0.0, params["height"]]), UP,
                   params["radius"] - params.get("wall", 0.0))
