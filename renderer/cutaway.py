"""Cutaway: the surroundings never stand between the camera and the action.

Walls face inwards and are culled from behind, but furniture is solid: a camera that orbits
behind a kitchen's back wall would look at the back of its cabinets instead of the break. So
at every frame each piece of the surroundings that a sight line from the camera to the
action (the corners of the bodies' boxes over the shot) passes through is hidden, as a set
designer pulls a flat for the camera. Walls are left to their culling: pulling one would pull the room.
"""
from __future__ import annotations

import numpy as np
import trimesh
from trimesh.ray.ray_triangle import RayMeshIntersector

MAX_TARGETS = 96  # sight lines per frame: enough to catch a piece hiding part of a long row


class Cutaway:
    """The pieces that may be pulled, and the point the camera must see."""

    def __init__(self, pieces: dict[object, trimesh.Trimesh], points: np.ndarray):
        # what the camera must see: the bodies' box corners over the shot, at most
        # MAX_TARGETS of them (evenly picked), and their centre
        points = np.asarray(points, float)
        step = max(1, len(points) // MAX_TARGETS)
        self.targets = np.vstack([points.mean(axis=0), points[::step]])
        self._pieces = {node: RayMeshIntersector(mesh) for node, mesh in pieces.items()}

    def blocking(self, camera: np.ndarray) -> set:
        """The pieces that a sight line from `camera` to a target passes through."""
        sight = self.targets - np.asarray(camera, float)
        length = np.linalg.norm(sight, axis=1)
        keep = length > 0
        origins = np.tile(camera, (int(keep.sum()), 1))
        directions = sight[keep] / length[keep, None]
        found = set()
        for node, intersector in self._pieces.items():
            crossing = _crosses_box(origins[0], sight[keep], intersector.mesh.bounds)
            if not crossing.any():  # most pieces stand well away from every sight line
                continue
            hits, rays, _ = intersector.intersects_location(origins[crossing],
                                                            directions[crossing],
                                                            multiple_hits=False)
            if len(hits) and np.any(np.linalg.norm(hits - camera, axis=1)
                                    < length[keep][crossing][rays]):
                found.add(node)
        return found

    def apply(self, camera: np.ndarray) -> None:
        """Hide the blocking pieces and show the others (pyrender mesh nodes)."""
        hidden = self.blocking(camera)
        for node in self._pieces:
            node.mesh.is_visible = node not in hidden


def _crosses_box(origin: np.ndarray, segments: np.ndarray, bounds: np.ndarray) -> np.ndarray:
    """[n] whether each segment from `origin` (origin + t * segment, t in [0, 1]) passes
    through the axis-aligned box `bounds` ([2,3]): the slab test."""
    with np.errstate(divide="ignore", invalid="ignore"):
        inverse = 1.0 / segments
        t0 = (bounds[0] - origin) * inverse
        t1 = (bounds[1] - origin) * inverse
    near = np.nanmax(np.minimum(t0, t1), axis=1)
    far = np.nanmin(np.maximum(t0, t1), axis=1)
    return (near <= far) & (far >= 0) & (near <= 1)
