"""The asset library's catalogue: names, parameters and defaults, with no geometry imports.

Kept separate from the builders so that validating a script never imports trimesh.
Every asset's origin is the centre of its footprint at its lowest point, +z up, so a body's
`position` z is the height of its bottom. Parameters are metres unless the name says otherwise.
"""
from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class AssetSpec:
    name: str
    category: str
    material: str  # default material
    params: dict[str, float] = field(default_factory=dict)  # name -> default value
    mass: float | None = None  # real-world mass in kg with the default material; None = density
    hollow: bool = False  # thin-walled container with an open top
    synonyms: tuple[str, ...] = ()
    description: str = ""


def _a(name: str, category: str, material: str, params: dict[str, float], **kw) -> AssetSpec:
    return AssetSpec(name, category, material, params, **kw)


_SPECS = [
    # furniture and surfaces
    _a("table", "furniture", "wood", {"width": 1.2, "depth": 0.8, "height": 0.76, "top": 0.04},
       description="four-legged table; the top surface is at `height`"),
    _a("shelf", "furniture", "wood", {"width": 0.8, "depth": 0.3, "height": 1.8, "boards": 4}),
    _a("ramp", "furniture", "wood", {"length": 2.0, "width": 0.6, "angle_deg": 30.0},
       description="wedge whose slope rises toward -x; its high edge is at x = -length/2"),
    _a("wall", "furniture", "concrete", {"width": 2.0, "height": 1.0, "thickness": 0.1}),
    _a("tray", "furniture", "plastic", {"width": 0.45, "depth": 0.32, "height": 0.03},
       hollow=True),
    _a("pool_table", "furniture", "felt", {"length": 2.54, "width": 1.27, "height": 0.8},
       description="playing surface length x width at `height`, with cushions 4 cm high"),
    _a("floor_tile", "furniture", "ceramic", {"width": 0.3, "depth": 0.3, "thickness": 0.01}),
    # containers and tableware
    _a("tumbler", "tableware", "glass", {"radius": 0.04, "height": 0.1, "wall": 0.003},
       hollow=True, synonyms=("glass",)),
    _a("wine_glass", "tableware", "glass", {"radius": 0.042, "height": 0.2, "wall": 0.002},
       hollow=True),
    _a("mug", "tableware", "ceramic", {"radius": 0.043, "height": 0.1, "wall": 0.005},
       hollow=True),
    _a("bottle", "tableware", "glass", {"radius": 0.036, "height": 0.3, "wall": 0.003},
       hollow=True),
    _a("vase", "tableware", "porcelain", {"radius": 0.08, "height": 0.3, "wall": 0.005},
       hollow=True),
    _a("plate", "tableware", "porcelain", {"radius": 0.13, "height": 0.022, "wall": 0.005}),
    _a("bowl", "tableware", "ceramic", {"radius": 0.08, "height": 0.07, "wall": 0.005},
       hollow=True),
    _a("cup", "tableware", "porcelain", {"radius": 0.042, "height": 0.075, "wall": 0.003},
       hollow=True),
    _a("can", "tableware", "aluminium", {"radius": 0.033, "height": 0.122}, mass=0.37,
       description="a full, closed drinks can"),
    _a("pane", "tableware", "glass", {"width": 0.6, "height": 0.4, "thickness": 0.005}),
    # play and sport
    _a("domino", "play", "wood", {"width": 0.025, "height": 0.05, "thickness": 0.008}),
    _a("bowling_pin", "play", "wood", {"height": 0.381, "radius": 0.0605}, mass=1.5),
    _a("ball", "play", "rubber", {"radius": 0.1}),
    _a("basketball", "play", "rubber", {"radius": 0.119}, mass=0.62),
    _a("tennis_ball", "play", "rubber", {"radius": 0.0335}, mass=0.058),
    _a("bowling_ball", "play", "resin", {"radius": 0.108}, mass=7.0),
    _a("billiard_ball", "play", "resin", {"radius": 0.028575}, mass=0.17),
    _a("soccer_ball", "play", "leather", {"radius": 0.11}, mass=0.43, synonyms=("football",)),
    _a("beach_ball", "play", "plastic", {"radius": 0.25}, mass=0.15),
    _a("marble", "play", "glass", {"radius": 0.008}),
    _a("ball_bearing", "play", "steel", {"radius": 0.01}, synonyms=("steel_ball",)),
    _a("baseball", "play", "leather", {"radius": 0.0368}, mass=0.145),
    # other objects
    _a("brick", "object", "stone", {"length": 0.215, "width": 0.1025, "height": 0.065}),
    _a("crate", "object", "wood", {"length": 0.4, "width": 0.4, "height": 0.3}, mass=5.0),
    _a("book", "object", "cardboard", {"length": 0.24, "width": 0.17, "height": 0.03},
       mass=0.6),
    _a("egg", "object", "eggshell", {"radius": 0.022, "height": 0.057}, mass=0.058),
    _a("box", "object", "cardboard", {"length": 0.5, "width": 0.5, "height": 0.5}),
    _a("block", "object", "wood", {"length": 0.1, "width": 0.1, "height": 0.1}),
    _a("cylinder", "object", "wood", {"radius": 0.05, "height": 0.1}),
]

ASSETS: dict[str, AssetSpec] = {s.name: s for s in _SPECS}


def asset_names() -> list[str]:
    return sorted(ASSETS)


USER_MESH_MATERIAL = "plastic"


def default_material(asset: str | None) -> str:
    """The material a body gets when its script names none (user meshes: plastic)."""
    return ASSETS[asset].material if asset else USER_MESH_MATERIAL
