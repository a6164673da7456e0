"""The plan under construction, and the sizes of assets that placement needs."""
from __future__ import annotations

import math
from dataclasses import dataclass, field

from bridge.assets.registry import ASSETS
from bridge.materials import MATERIALS
from planner.trace import Claim

SPHERES = {"ball", "basketball", "tennis_ball", "bowling_ball", "billiard_ball", "soccer_ball",
           "beach_ball", "marble", "ball_bearing", "baseball"}
UPRIGHT_SLABS = {"domino", "pane", "wall"}  # thickness along x, width along y


def params_of(asset: str, params: dict[str, float]) -> dict[str, float]:
    """The asset's parameters with the script's overrides applied."""
    return {**ASSETS[asset].params, **params}


def extent(asset: str, params: dict[str, float]) -> tuple[float, float, float]:
    """Bounding box (x, y, z) of an asset, metres."""
    p = params_of(asset, params)
    if asset in SPHERES:
        return (2 * p["radius"],) * 3
    if asset in UPRIGHT_SLABS:
        return p["thickness"], p["width"], p["height"]
    if asset == "ramp":
        return p["length"], p["width"], p["length"] * math.tan(math.radians(p["angle_deg"]))
    if {"width", "depth", "height"} <= p.keys():  # tables, shelves, trays, chairs, goals
        return p["width"], p["depth"], p["height"]
    if asset == "floor_tile":
        return p["width"], p["depth"], p["thickness"]
    if "length" in p:
        return p["length"], p["width"], p["height"]
    return 2 * p["radius"], 2 * p["radius"], p["height"]


def density(asset: str, material: str | None, params: dict[str, float]) -> float:
    """Mean density in kg/m^3, to predict floating; real masses count for sports balls."""
    spec = ASSETS[asset]
    if spec.mass is not None and material in (None, spec.material) and asset in SPHERES:
        return spec.mass / (4 / 3 * math.pi * params_of(asset, {})["radius"] ** 3)
    return MATERIALS[material or spec.material].density


@dataclass
class Item:
    """One mapping for the script with the comment that explains it."""

    data: dict
    why: str = ""


@dataclass
class Plan:
    """Everything a scenario decides; compose turns it into the commented YAML document."""

    name: str
    bodies: list[Item] = field(default_factory=list)
    events: list[Item] = field(default_factory=list)
    expect: list[Item] = field(default_factory=list)
    liquids: list[Item] = field(default_factory=list)
    joints: list[Item] = field(default_factory=list)
    ropes: list[Item] = field(default_factory=list)
    water: list[Item] = field(default_factory=list)
    wind: list[Item] = field(default_factory=list)
    flames: list[Item] = field(default_factory=list)
    cloth: list[Item] = field(default_factory=list)
    soft: list[Item] = field(default_factory=list)
    gravity: tuple[float, float, float] = (0.0, 0.0, -9.81)
    air: bool = True  # False: a vacuum (world.air)
    ground: dict | None = field(default_factory=lambda: {"material": "stone"})
    duration: float = 3.0
    focus: list[tuple[float, float, float]] = field(default_factory=list)
    lead: str | None = None  # the body a tracking camera follows
    # (camera mapping, why) when the scenario knows a better default than the fixed view
    camera: tuple[dict, str] | None = None
    camera_checks: list[Item] = field(default_factory=list)  # kept only with that camera
    notes: list[str] = field(default_factory=list)
    claims: list[Claim] = field(default_factory=list)  # what the scenario stood in or left out

    def body(self, why: str = "", **data) -> dict:
        """Add a body and keep its position in the camera's framing."""
        self.bodies.append(Item(data, why))
        self.focus.append(tuple(data.get("position", (0.0, 0.0, 0.0))))
        return data

    def joint(self, why: str = "", **data) -> None:
        self.joints.append(Item(data, why))

    def rope(self, why: str = "", **data) -> None:
        self.ropes.append(Item(data, why))

    def event(self, why: str = "", **data) -> None:
        self.events.append(Item(data, why))

    def check(self, why: str = "", **data) -> None:
        self.expect.append(Item(data, why))

    def camera_check(self, why: str = "", **data) -> None:
        """A check on what the scenario's own camera shows (kept only with that camera)."""
        self.camera_checks.append(Item(data, why))

    def names(self) -> set[str]:
        """Every name the script uses so far: bodies, liquids, water, joints, ropes."""
        groups = (self.bodies, self.liquids, self.water, self.joints, self.ropes)
        return {item.data["name"] for group in groups for item in group if "name" in item.data}

    def followed(self) -> str | None:
        """The lead body, else the first that is not fixed: what moves in the shot."""
        return self.lead or next((b.data["name"] for b in self.bodies
                                  if not b.data.get("static")), None)

    def unique(self, base: str) -> str:
        """A body name not used yet: 'glass', then 'glass_2'."""
        taken, name, k = self.names(), base, 1
        while name in taken:
            k += 1
            name = f"{base}_{k}"
        return name
