"""Cutaway: the surroundings never stand between the camera and the action.

Walls face inwards and are culled from behind, but furniture is solid: a camera that orbits
behind a kitchen's back wall would look at the back of its cabinets instead of the break. So
at every frame each piece of the surroundings that a sight line from the camera to the
action's box (its centre and corners) passes through is hidden, as a set designer pulls a
flat for the camera. Walls are left to their culling: pulling one would pull the room.
"""
from __future__ import annotations

import numpy as np
import trimesh
from trimesh.ray.ray_triangle import RayMeshIntersector


class Cutaway:
    """The pieces that may be pulled, and the point the camera must see."""

    def __init__(self, pieces: dict[object, trimesh.Trimesh], low: np.ndarray,
                 high: np.ndarray):
        # the action box's centre and corners: a piece hiding any of them is pulled
        corners = np.array([[x, y, z] for x in (low[0], high[0]) for y in (low[1], high[1])
                            for z in (low[2], high[2])])
        self.targets = np.vstack([(np.asarray(low) + high) / 2, corners])
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
            hits, rays, _ = intersector.intersects_location(origins, directions,
                                                            multiple_hits=False)
            if len(hits) and np.any(np.linalg.norm(hits - camera, axis=1)
                                    < length[keep][rays]):
                found.add(node)
        return found

    def apply(self, camera: np.ndarray) -> None:
        """Hide the blocking pieces and show the others (pyrender mesh nodes)."""
        hidden = self.blocking(camera)
        for node in self._pieces:
            node.mesh.is_visible = node not in hidden
