"""Surroundings (`world.environment`): places drawn around a scene's action in real
dimensions, so the coarse render looks like somewhere and the refiner keeps a real layout.

They are look alone: the physics never sees them. Nothing but the floor and flat markings on
it (court lines, a rug: at most 2 mm up) enters the action's box grown by MARGIN, so a place
never hides or touches what happens; rooms grow with the action. The shot's default camera
stands at the front right (+x, -y) looking towards -x, +y, so what makes a room recognisable
(counters, window, sofa, shelves, façades) stands along the +y and -x sides. Walls face
inwards and back faces are culled: a camera outside a room sees in through the near walls.
This file holds the parts a place is made of; renderer/rooms.py builds the places.
"""
from __future__ import annotations

import itertools
from dataclasses import dataclass

import numpy as np
import trimesh

MARGIN = 0.5  # metres of clear floor kept around the action's box, in x and y
FLAT = 0.002  # the highest a floor marking may rise inside that box
RGB = tuple[float, float, float]


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
    """The light of the surroundings, for image-based lighting: radiance seen looking straight
    up, at the horizon and straight down."""

    zenith: RGB
    horizon: RGB
    ground: RGB


@dataclass(frozen=True)
class Environment:
    name: str
    floor: Part | None  # the look of the ground plane here; its mesh covers the room's floor
    parts: list[Part]
    sky: Sky
    background: RGB  # the clear colour where nothing is drawn


@dataclass(frozen=True)
class Action:
    """The box the action occupies, and the same box grown by MARGIN in x and y."""

    low: np.ndarray
    high: np.ndarray

    @property
    def centre(self) -> np.ndarray:
        return (self.low + self.high) / 2

    @property
    def clear_low(self) -> np.ndarray:
        return self.low - [MARGIN, MARGIN, 0.0]

    @property
    def clear_high(self) -> np.ndarray:
        return self.high + [MARGIN, MARGIN, 0.0]

    def room(self, size: tuple[float, float], clearance: float) -> tuple[float, float, float,
                                                                          float]:
        """(x0, x1, y0, y1) of a room at least `size`, centred on the action, whose walls
        stand `clearance` beyond the grown box (room for furniture along them)."""
        half = np.maximum(np.asarray(size) / 2,
                          (self.clear_high - self.clear_low)[:2] / 2 + clearance)
        c = self.centre
        return c[0] - half[0], c[0] + half[0], c[1] - half[1], c[1] + half[1]


OUTDOOR_SKY = Sky(zenith=(0.32, 0.5, 0.85), horizon=(0.8, 0.85, 0.9), ground=(0.32, 0.3, 0.27))
SKY_COLOR = (0.62, 0.74, 0.88)  # the open sky behind a scene with no surroundings


def box(low, high) -> trimesh.Trimesh:
    """An axis-aligned box between two corners, faces outward."""
    return trimesh.creation.box(bounds=[low, high])


def quad(a, b, c, d) -> trimesh.Trimesh:
    """A rectangle through four corners, counter-clockwise as seen from the side it faces."""
    return trimesh.Trimesh(vertices=[a, b, c, d], faces=[[0, 1, 2], [0, 2, 3]], process=False)


def merge(meshes: list[trimesh.Trimesh]) -> trimesh.Trimesh:
    """One mesh (one draw: draws, not triangles, are what a CPU rasterizer pays for)."""
    return trimesh.util.concatenate(meshes)


def walls(x0: float, x1: float, y0: float, y1: float, height: float,
          bottom: float = 0.0) -> trimesh.Trimesh:
    """Four walls facing into the room."""
    c = [(x0, y0), (x1, y0), (x1, y1), (x0, y1)]
    sides = [quad((*c[(i + 1) % 4], bottom), (*c[i], bottom), (*c[i], height),
                  (*c[(i + 1) % 4], height)) for i in range(4)]
    return merge(sides)


def floor_quad(x0: float, x1: float, y0: float, y1: float, z: float = 0.0) -> trimesh.Trimesh:
    return quad((x0, y0, z), (x1, y0, z), (x1, y1, z), (x0, y1, z))


def strip(a, b, width: float, z: float = 0.001) -> trimesh.Trimesh:
    """A flat painted line `width` wide from a to b (xy), facing up."""
    a, b = np.asarray(a, float), np.asarray(b, float)
    along = (b - a) / np.linalg.norm(b - a)
    side = np.array([-along[1], along[0]]) * width / 2
    return quad((*(a - side), z), (*(b - side), z), (*(b + side), z), (*(a + side), z))


def arc(centre, radius: float, start_deg: float, end_deg: float, width: float,
        segments: int = 48) -> trimesh.Trimesh:
    """A flat painted arc of `width`, as short strips."""
    angles = np.radians(np.linspace(start_deg, end_deg, segments + 1))
    points = np.asarray(centre) + radius * np.stack([np.cos(angles), np.sin(angles)], axis=1)
    return merge([strip(p, q, width) for p, q in itertools.pairwise(points)])
