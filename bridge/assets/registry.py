"""The asset library's catalogue: names, parameters, defaults and their documentation, with no
geometry imports.

Kept separate from the builders so that validating a script never imports trimesh.
Every asset's origin is the centre of its footprint at its lowest point, +z up, so a body's
`position` z is the height of its bottom. PARAMS gives each parameter's unit and meaning.
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
    description: str = ""  # what a user needs to know beyond the parameters
    # A parameter's meaning for this asset where it is more specific than PARAMS' one.
    param_notes: dict[str, str] = field(default_factory=dict)


# Unit and meaning of every parameter, written once for all the assets that have it.
PARAMS: dict[str, tuple[str, str]] = {
    "length": ("m", "size along x"),
    "width": ("m", "size along y"),
    "depth": ("m", "size along y, front to back"),
    "height": ("m", "overall height, along z"),
    "thickness": ("m", "size along x: the slab stands upright, its faces looking along x"),
    "radius": ("m", "outer radius at the widest point"),
    "wall": ("m", "wall thickness: the inside is the outside offset inward by it"),
    "lid": ("m", "thickness of a flat lid on the rim, sealing the inside (0: open)"),
    "top": ("m", "thickness of the table top"),
    "seat_height": ("m", "height of the seat's top surface"),
    "boards": ("count", "number of boards, bottom and top included, evenly spaced (at least 2)"),
    "angle_deg": ("deg", "slope above the horizontal"),
}

# The groups the catalogue is listed in, in order: category -> title.
CATEGORIES: dict[str, str] = {
    "furniture": "Furniture and surfaces",
    "tableware": "Containers and tableware",
    "play": "Play and sport",
    "object": "Other",
}

_BALL = "origin at its bottom: position z = 0 rests it on the ground"
_SHELL = f"inflated shell (its inertia is a shell's); {_BALL}"
_ACROSS = "size along x (its `depth` is along y)"
_HANDLE = "the handle sticks out beyond `radius` along +x"


def _a(name: str, category: str, material: str, params: dict[str, float], **kw) -> AssetSpec:
    return AssetSpec(name, category, material, params, **kw)


_SPECS = [
    # furniture and surfaces
    _a("table", "furniture", "wood", {"width": 1.2, "depth": 0.8, "height": 0.76, "top": 0.04},
       description="a top on four legs",
       param_notes={"width": _ACROSS,
                    "height": "height of the top surface (the overall height)"}),
    _a("shelf", "furniture", "wood", {"width": 0.8, "depth": 0.3, "height": 1.8, "boards": 4},
       description="two sides, a back on the +y side and `boards` boards; open toward -y",
       param_notes={"width": _ACROSS}),
    _a("ramp", "furniture", "wood", {"length": 2.0, "width": 0.6, "angle_deg": 30.0},
       description="solid wedge whose slope rises toward -x",
       param_notes={
           "length": "footprint along x (the horizontal run, not the slope's length)",
           "angle_deg": "slope above the horizontal; the high edge is at x = -length/2, "
                        "length x tan(angle_deg) above the low one"}),
    _a("wall", "furniture", "concrete", {"width": 2.0, "height": 1.0, "thickness": 0.1},
       description="upright slab, its faces looking along x"),
    _a("tray", "furniture", "plastic", {"width": 0.45, "depth": 0.32, "height": 0.03,
                                         "wall": 0.006},
       hollow=True, description="open box: a thin base and four walls (a shoebox is one)",
       param_notes={"width": _ACROSS, "height": "overall height, walls included",
                    "wall": "thickness of the four walls (the base is 4 mm)"}),
    _a("pool_table", "furniture", "felt", {"length": 2.54, "width": 1.27, "height": 0.8},
       description="playing surface on a solid bed, ringed by rails and cushions",
       param_notes={"length": "playing surface along x (the rails add 10 cm each end)",
                    "width": "playing surface along y (the rails add 10 cm each side)",
                    "height": "height of the playing surface (the cushions rise 4 cm above it)"}),
    _a("floor_tile", "furniture", "ceramic", {"width": 0.3, "depth": 0.3, "thickness": 0.01},
       description="flat slab lying on the ground",
       param_notes={"width": _ACROSS, "thickness": "size along z (the tile lies flat)"}),
    # containers and tableware
    _a("tumbler", "tableware", "glass", {"radius": 0.04, "height": 0.1, "wall": 0.003, "lid": 0.0},
       hollow=True, synonyms=("glass",),
       description="drinking glass tapering slightly toward a heavy base",
       param_notes={"radius": "outer radius at the rim, its widest"}),
    _a("wine_glass", "tableware", "glass", {"radius": 0.042, "height": 0.2, "wall": 0.002},
       hollow=True, description="foot, stem and bowl; the rim is a little narrower than the bowl",
       param_notes={"radius": "outer radius of the bowl at its widest"}),
    _a("mug", "tableware", "ceramic", {"radius": 0.043, "height": 0.1, "wall": 0.005, "lid": 0.0},
       hollow=True, description=f"straight-sided; {_HANDLE}"),
    _a("bottle", "tableware", "glass", {"radius": 0.036, "height": 0.3, "wall": 0.003, "lid": 0.0},
       hollow=True, description="round body, shoulder and an open neck",
       param_notes={"radius": "outer radius of the body (the neck is narrower)"}),
    _a("vase", "tableware", "porcelain", {"radius": 0.08, "height": 0.3, "wall": 0.005},
       hollow=True, description="bulges to `radius` a third of the way up, then narrows "
                                "to a flared neck"),
    _a("plate", "tableware", "porcelain", {"radius": 0.13, "height": 0.022, "wall": 0.005},
       description="shallow dish on a narrower foot; it holds no liquid",
       param_notes={"wall": "thickness of the dish"}),
    _a("bowl", "tableware", "ceramic", {"radius": 0.08, "height": 0.07, "wall": 0.005},
       hollow=True, description="rounded, from a foot half as wide up to `radius` at the rim"),
    _a("cup", "tableware", "porcelain", {"radius": 0.042, "height": 0.075, "wall": 0.003,
                                          "lid": 0.0},
       hollow=True, description=f"tea cup widening to `radius` at the rim; {_HANDLE}"),
    _a("can", "tableware", "aluminium", {"radius": 0.033, "height": 0.122}, mass=0.37,
       description="a full, closed drinks can (a solid cylinder)"),
    _a("pane", "tableware", "glass", {"width": 0.6, "height": 0.4, "thickness": 0.005},
       description="upright sheet, its faces looking along x"),
    # play and sport
    _a("domino", "play", "wood", {"width": 0.025, "height": 0.05, "thickness": 0.008},
       description="stands upright, thickness along x: a row set out along x falls in turn "
                   "when the first is pushed along x"),
    _a("bowling_pin", "play", "wood", {"height": 0.381, "radius": 0.0605}, mass=1.5,
       description="regulation outline, widest at its belly 30% of the way up"),
    _a("ball", "play", "rubber", {"radius": 0.1}, description=_BALL),
    _a("basketball", "play", "rubber", {"radius": 0.119}, mass=0.62, description=_SHELL),
    _a("tennis_ball", "play", "rubber", {"radius": 0.0335}, mass=0.058, description=_SHELL),
    _a("bowling_ball", "play", "resin", {"radius": 0.108}, mass=7.0, description=_BALL),
    _a("billiard_ball", "play", "resin", {"radius": 0.028575}, mass=0.17, description=_BALL),
    _a("soccer_ball", "play", "leather", {"radius": 0.11}, mass=0.43, synonyms=("football",),
       description=_SHELL),
    _a("beach_ball", "play", "plastic", {"radius": 0.25}, mass=0.15, description=_SHELL),
    _a("basketball_hoop", "play", "steel", {"height": 3.05, "radius": 0.225},
       synonyms=("hoop",),
       description="regulation: a pole, a 1.83 x 1.07 m backboard facing +x and a rim of "
                   "16 mm rod 0.15 m out from it; the pole's foot is the origin, the rim's "
                   "centre 1.575 m out along +x (place it static)",
       param_notes={"height": "height of the rim", "radius": "inner radius of the rim"}),
    _a("soccer_goal", "play", "aluminium", {"width": 7.32, "height": 2.44, "depth": 2.0},
       synonyms=("goal", "goalmouth", "football_goal"),
       description="regulation: 12 cm posts and bar around a 7.32 x 2.44 m mouth on the "
                   "goal line (the origin, its centre on the ground), facing -x, with a net "
                   "`depth` deep behind (place it static)",
       param_notes={"width": "between the posts, inside", "height": "under the bar, inside",
                    "depth": "of the net, behind the goal line"}),
    _a("marble", "play", "glass", {"radius": 0.008}, description=_BALL),
    _a("ball_bearing", "play", "steel", {"radius": 0.01}, synonyms=("steel_ball",),
       description=_BALL),
    _a("baseball", "play", "leather", {"radius": 0.0368}, mass=0.145, description=_BALL),
    # other objects
    _a("brick", "object", "stone", {"length": 0.215, "width": 0.1025, "height": 0.065}),
    _a("crate", "object", "wood", {"length": 0.4, "width": 0.4, "height": 0.3}, mass=5.0),
    _a("chair", "object", "wood", {"width": 0.44, "depth": 0.42, "seat_height": 0.45,
                                   "height": 0.9},
       description="a kitchen chair: four legs, a seat and a back along its +x edge (it "
       "faces -x); about 7 kg of wood",
       param_notes={"width": _ACROSS, "height": "to the top of the back"}),
    _a("book", "object", "cardboard", {"length": 0.24, "width": 0.17, "height": 0.03},
       mass=0.6),
    _a("egg", "object", "eggshell", {"radius": 0.022, "height": 0.057}, mass=0.058,
       description="a closed thin shell standing on its blunt end"),
    _a("box", "object", "cardboard", {"length": 0.5, "width": 0.5, "height": 0.5}),
    _a("block", "object", "wood", {"length": 0.1, "width": 0.1, "height": 0.1}),
    _a("candle", "object", "wax", {"radius": 0.025, "height": 0.1},
       description="a wax candle with its wick standing up from the top's centre, where "
       "a flame (`flames: [{on: <candle>}]`) burns by default; a birthday candle is about "
       "radius 0.003, height 0.06",
       param_notes={"height": "of the wax; the wick stands a tenth of it (5 to 12 mm) "
                              "higher"}),
    _a("birthday_cake", "object", "cake", {"radius": 0.11, "height": 0.09},
       synonyms=("cake",),
       description="a round frosted cake; stand candles on its top (z = height)"),
    _a("cylinder", "object", "wood", {"radius": 0.05, "height": 0.1},
       description="upright solid cylinder"),
]

ASSETS: dict[str, AssetSpec] = {s.name: s for s in _SPECS}


def asset_names() -> list[str]:
    return sorted(ASSETS)


def param_doc(asset: str, param: str) -> tuple[str, str]:
    """(unit, meaning) of one of the asset's parameters."""
    unit, meaning = PARAMS[param]
    return unit, ASSETS[asset].param_notes.get(param, meaning)


USER_MESH_MATERIAL = "plastic"


def default_material(asset: str | None) -> str:
    """The material a body gets when its script names none (user meshes: plastic)."""
    return ASSETS[asset].material if asset else USER_MESH_MATERIAL
