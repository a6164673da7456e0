"""Surroundings (`world.environment`): places drawn around a shot's action in real dimensions,
so the coarse render looks like somewhere and the refiner repaints a plausible layout rather
than inventing one.

They are look alone: the physics never sees them (its ground stays the plane z = 0), and they
carry segmentation id 0. This file gives each place its looks (colour, surface pattern,
gloss, glow) and its light; renderer/rooms_home.py and renderer/rooms_away.py build the
geometry, keeping the rules of renderer/room_parts.py (nothing but the floor and flat
markings near the action, rooms grown to fit it, the furniture along the back walls the
default camera faces, walls one-sided facing in).

Deterministic: the seed varies small things (which wall has the window, the books, the
colours of a sofa or a facade) through generators of its own, never a global one.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict, dataclass

import numpy as np
import trimesh

from bridge.schema import ENVIRONMENTS
from bridge.suggest import unknown_name
from renderer.room_parts import Action, Meshes
from renderer.rooms_away import BUILDING_GROUPS, court, space_station, street
from renderer.rooms_home import BOOK_GROUPS, kitchen, living_room, studio

RGB = tuple[float, float, float]
GEOMETRY_STREAM, LOOK_STREAM = 0x5EED_6E0, 0x5EED_C01  # the seed's two generators


@dataclass(frozen=True)
class Part:
    name: str  # e.g. "kitchen/counter"
    mesh: trimesh.Trimesh  # world frame; faces wound so their normals face the viewer
    color: RGB  # base colour, linear 0..1 as in bridge/materials.py
    pattern: str | None = None  # a renderer/textures.py pattern, or None for plain
    roughness: float = 0.7
    metallic: float = 0.0
    emissive: RGB = (0.0, 0.0, 0.0)  # glowing parts: window panes, light strips
    alpha: float = 1.0


@dataclass(frozen=True)
class Sky:
    """The procedural light of the surroundings, for image-based lighting: radiance (linear
    RGB) seen looking straight up, at the horizon and straight down. The renderer scales it
    to the scene's ambient level, so only its colours and their ratios matter."""

    zenith: RGB
    horizon: RGB
    ground: RGB


@dataclass(frozen=True)
class Environment:
    name: str
    floor: Part | None  # the look of the ground plane here; its mesh covers the place's floor
    parts: list[Part]  # everything else
    sky: Sky
    background: RGB  # the clear colour where nothing is drawn


@dataclass(frozen=True)
class Look:
    """A part's appearance, as Part has it (see there)."""

    color: RGB
    pattern: str | None = None
    roughness: float = 0.7
    metallic: float = 0.0
    emissive: RGB = (0.0, 0.0, 0.0)
    alpha: float = 1.0


OUTDOOR_SKY = Sky(zenith=(0.3, 0.48, 0.85), horizon=(0.78, 0.84, 0.92), ground=(0.3, 0.28, 0.25))
SKY_COLOR = (0.62, 0.74, 0.88)  # the open sky behind a scene with no surroundings
INDOOR_SKY = Sky(zenith=(0.95, 0.93, 0.88), horizon=(0.8, 0.77, 0.7), ground=(0.4, 0.35, 0.3))
GYM_SKY = Sky(zenith=(1.0, 0.98, 0.92), horizon=(0.75, 0.72, 0.66), ground=(0.55, 0.4, 0.26))
STUDIO_SKY = Sky(zenith=(1.0, 1.0, 1.0), horizon=(0.9, 0.9, 0.9), ground=(0.72, 0.72, 0.72))
# In orbit: the light strips overhead, dim metal walls, nothing below but the floor.
STATION_SKY = Sky(zenith=(0.55, 0.6, 0.7), horizon=(0.14, 0.15, 0.18), ground=(0.05, 0.05, 0.06))

PANE = Look((0.8, 0.88, 1.0), roughness=0.1, emissive=(0.85, 0.92, 1.0))  # daylight outside
WHITE_PAINT = Look((0.92, 0.91, 0.88), roughness=0.6)
STEEL = Look((0.75, 0.76, 0.78), "brushed_metal", roughness=0.35, metallic=1.0)


def _pick(rng: np.random.Generator, options: list[Look]) -> Look:
    return options[int(rng.integers(len(options)))]


def _studio_looks(rng: np.random.Generator) -> dict[str, Look]:
    paper = Look((0.78, 0.78, 0.78), roughness=0.9)  # seamless matte grey
    return {"floor": paper, "cyclorama": paper}


def _kitchen_looks(rng: np.random.Generator) -> dict[str, Look]:
    cabinets = _pick(rng, [Look((0.55, 0.38, 0.22), "wood", 0.55),  # oak
                           Look((0.9, 0.9, 0.87), roughness=0.4),  # white lacquer
                           Look((0.34, 0.44, 0.38), roughness=0.5),  # sage
                           Look((0.16, 0.21, 0.32), roughness=0.5)])  # navy
    worktop = _pick(rng, [Look((0.18, 0.18, 0.19), "stone", 0.25),  # dark granite
                          Look((0.86, 0.85, 0.82), "stone", 0.3),  # white quartz
                          Look((0.52, 0.5, 0.46), "stone", 0.35)])
    floor = _pick(rng, [Look((0.8, 0.78, 0.74), "tiles", 0.35), Look((0.5, 0.5, 0.5), "tiles", 0.4),
                        Look((0.62, 0.42, 0.3), "tiles", 0.45)])  # terracotta
    return {"floor": floor, "walls": Look((0.88, 0.86, 0.8), roughness=0.9),
            "worktop": worktop, "cabinets": cabinets, "plinth": Look((0.1, 0.1, 0.1), None, 0.6),
            "steel": STEEL, "hob": Look((0.02, 0.02, 0.02), roughness=0.08),
            "backsplash": Look((0.93, 0.93, 0.9), "tiles", 0.2), "window_frame": WHITE_PAINT,
            "window_pane": PANE}


BOOK_COLOURS = [(0.5, 0.08, 0.07), (0.08, 0.18, 0.4), (0.12, 0.32, 0.16), (0.8, 0.7, 0.5),
                (0.15, 0.15, 0.15), (0.75, 0.5, 0.1), (0.35, 0.2, 0.35), (0.85, 0.85, 0.8)]


def _living_room_looks(rng: np.random.Generator) -> dict[str, Look]:
    sofa = _pick(rng, [Look((0.33, 0.36, 0.4), "fabric", 0.95),  # grey-blue
                       Look((0.22, 0.32, 0.22), "fabric", 0.95),  # green
                       Look((0.66, 0.5, 0.2), "fabric", 0.95),  # mustard
                       Look((0.58, 0.52, 0.45), "fabric", 0.95)])  # oatmeal
    rug = _pick(rng, [Look((0.45, 0.1, 0.08), "fabric", 1.0),  # deep red
                      Look((0.18, 0.25, 0.4), "fabric", 1.0),  # indigo
                      Look((0.75, 0.68, 0.55), "fabric", 1.0)])  # natural wool
    books = rng.permutation(len(BOOK_COLOURS))[:BOOK_GROUPS]
    return {"floor": Look((0.5, 0.34, 0.2), "planks", 0.55),
            "walls": Look((0.9, 0.85, 0.76), roughness=0.9),  # warm off-white
            "rug": rug, "sofa": sofa, "woodwork": Look((0.42, 0.28, 0.16), "wood", 0.6),
            **{f"books_{i}": Look(BOOK_COLOURS[k], roughness=0.7) for i, k in enumerate(books)},
            "trim": WHITE_PAINT, "window_pane": PANE,
            "lamp": Look((0.05, 0.05, 0.05), roughness=0.4, metallic=0.8),
            "lampshade": Look((0.95, 0.9, 0.78), "fabric", 0.9, emissive=(0.3, 0.25, 0.15)),
            "picture": _pick(rng, [Look((0.2, 0.35, 0.5), roughness=0.8),
                                   Look((0.7, 0.45, 0.25), roughness=0.8)])}


def _court_looks(rng: np.random.Generator) -> dict[str, Look]:
    paint = _pick(rng, [Look((0.55, 0.1, 0.08), roughness=0.35),  # the keys' paint
                        Look((0.1, 0.22, 0.5), roughness=0.35),
                        Look((0.1, 0.38, 0.2), roughness=0.35)])
    return {"floor": Look((0.75, 0.52, 0.3), "planks", 0.35),  # varnished maple
            "walls": Look((0.8, 0.78, 0.72), "concrete", 0.9),  # painted block
            "lights": Look((1.0, 1.0, 0.95), roughness=0.5, emissive=(1.0, 1.0, 0.95)),
            "paint": paint, "lines": Look((0.95, 0.95, 0.93), roughness=0.4),
            "padding": Look((0.08, 0.15, 0.4), "fabric", 0.8),
            "steel": Look((0.3, 0.3, 0.32), "brushed_metal", 0.4, metallic=1.0),
            "backboard": Look((0.95, 0.95, 0.95), roughness=0.15),
            "rim": Look((0.9, 0.3, 0.05), roughness=0.4, metallic=0.3),
            "bleachers": Look((0.5, 0.5, 0.48), "concrete", 0.9),
            "seats": Look((0.1, 0.25, 0.6), roughness=0.5)}


FACADES = [Look((0.55, 0.27, 0.18), "stone", 0.9),  # brick red
           Look((0.8, 0.74, 0.6), "stone", 0.85),  # sandstone
           Look((0.7, 0.7, 0.68), "concrete", 0.9),  # grey render
           Look((0.86, 0.8, 0.68), "concrete", 0.9),  # cream render
           Look((0.45, 0.5, 0.55), "concrete", 0.9)]  # blue-grey


def _street_looks(rng: np.random.Generator) -> dict[str, Look]:
    facades = rng.permutation(len(FACADES))[:BUILDING_GROUPS]
    return {"floor": Look((0.09, 0.09, 0.1), "concrete", 0.9),  # asphalt
            "markings": Look((0.9, 0.9, 0.88), roughness=0.6),
            "curbs": Look((0.6, 0.6, 0.58), "stone", 0.8),
            "sidewalks": Look((0.55, 0.55, 0.53), "concrete", 0.9),
            **{f"buildings_{i}": FACADES[k] for i, k in enumerate(facades)},
            "windows": Look((0.05, 0.07, 0.09), roughness=0.1),
            "lit_windows": Look((0.5, 0.45, 0.3), roughness=0.1, emissive=(0.25, 0.2, 0.12)),
            "lamps": Look((0.15, 0.17, 0.16), roughness=0.5, metallic=0.7)}


def _space_station_looks(rng: np.random.Generator) -> dict[str, Look]:
    return {"floor": Look((0.45, 0.46, 0.48), "brushed_metal", 0.45, metallic=0.6),
            "seams": Look((0.05, 0.05, 0.06), roughness=0.8),
            "walls": Look((0.55, 0.56, 0.58), "brushed_metal", 0.5, metallic=0.5),
            "panels": Look((0.82, 0.83, 0.84), "brushed_metal", 0.4, metallic=0.3),
            "light_strips": Look((1.0, 1.0, 1.0), roughness=0.5, emissive=(1.0, 0.98, 0.92)),
            "rack": Look((0.88, 0.87, 0.84), roughness=0.6),
            "indicators": Look((0.1, 0.9, 0.3), roughness=0.5, emissive=(0.1, 0.9, 0.3)),
            "handrails": Look((0.85, 0.62, 0.1), roughness=0.5, metallic=0.2),
            "porthole_rim": Look((0.6, 0.6, 0.62), "brushed_metal", 0.3, metallic=1.0),
            "porthole": Look((0.005, 0.005, 0.01), roughness=0.05)}  # black space, no glow


# The geometry of each place (renderer/rooms_home.py, renderer/rooms_away.py).
BUILDERS_BY_PLACE: dict[str, Callable[[Action, np.random.Generator], Meshes]] = {
    "studio": studio, "kitchen": kitchen, "living_room": living_room, "court": court,
    "street": street, "space_station": space_station,
}


@dataclass(frozen=True)
class Place:
    looks: Callable[[np.random.Generator], dict[str, Look]]
    sky: Sky
    background: RGB


PLACES: dict[str, Place] = {
    "studio": Place(_studio_looks, STUDIO_SKY, (0.1, 0.1, 0.1)),
    "kitchen": Place(_kitchen_looks, INDOOR_SKY, (0.25, 0.24, 0.22)),
    "living_room": Place(_living_room_looks, INDOOR_SKY, (0.25, 0.24, 0.22)),
    "court": Place(_court_looks, GYM_SKY, (0.3, 0.3, 0.3)),
    "street": Place(_street_looks, OUTDOOR_SKY, SKY_COLOR),
    "space_station": Place(_space_station_looks, STATION_SKY, (0.01, 0.01, 0.015)),
}


def build_environment(name: str, low: np.ndarray, high: np.ndarray, seed: int) -> Environment:
    """The surroundings `name` (one of bridge.schema.ENVIRONMENTS) around the action.

    `low`, `high`: [3] world corners of the box the action occupies (all bodies over the
    whole shot). The place grows to keep it clear; `seed` varies only small things."""
    if name not in ENVIRONMENTS:
        raise ValueError(unknown_name("environment", name, ENVIRONMENTS))
    if name == "none":
        return Environment("none", None, [], OUTDOOR_SKY, SKY_COLOR)
    place = PLACES[name]
    action = Action(np.asarray(low, float).reshape(3), np.asarray(high, float).reshape(3))
    meshes = BUILDERS_BY_PLACE[name](action, np.random.default_rng([seed, GEOMETRY_STREAM]))
    looks = place.looks(np.random.default_rng([seed, LOOK_STREAM]))
    floor = Part(f"{name}/floor", meshes.pop("floor"), **asdict(looks["floor"]))
    parts = [Part(f"{name}/{key}", mesh, **asdict(looks[key]))
             for key, mesh in meshes.items() if len(mesh.faces)]
    return Environment(name, floor, parts, place.sky, place.background)
