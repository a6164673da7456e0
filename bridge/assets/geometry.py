"""What an asset builder returns: a watertight visual mesh and convex collision parts.

Both are in the body frame: origin at the centre of the footprint at the lowest point, +z up.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

import numpy as np
import trimesh


@dataclass
class CollisionPart:
    """One convex collision piece. Primitives are preferred where exact (spheres roll true)."""

    kind: Literal["sphere", "box", "cylinder", "convex"]
    position: np.ndarray = field(default_factory=lambda: np.zeros(3))  # part centre, body frame
    quaternion: np.ndarray = field(default_factory=lambda: np.array([0.0, 0, 0, 1]))
    radius: float = 0.0  # sphere, cylinder
    height: float = 0.0  # cylinder, along the part's z
    half_extents: np.ndarray | None = None  # box
    vertices: np.ndarray | None = None  # convex: [N,3] in the part frame; the hull is used


@dataclass
class Geometry:
    visual: trimesh.Trimesh  # watertight, so volume and inertia are exact
    parts: list[CollisionPart]
    hollow: bool = False  # thin-walled container with an open top

    @property
    def bounds(self) -> np.ndarray:
        """[2,3] axis-aligned bounds of the visual mesh, body frame."""
        return self.visual.bounds
