"""Dents drawn: a crushable body's mesh pushed in where events.json's `deformations` say,
each as deep as it is at the frame's time (the shape of a dent: bridge/dent_shape.py)."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import trimesh

from bridge.dent_shape import dented, depth_at, fine, middle_extent
from bridge.instances import Instance
from renderer.meshes import SMOOTH_ANGLE, skin
from renderer.offscreen import pyrender

EDGES_PER_EXTENT = 64  # the drawn mesh's longest edge: the body's largest extent / this


class DentedMesh:
    """A body's primitive that takes its dents frame by frame."""

    def __init__(self, visual: trimesh.Trimesh, dents: list[dict], look) -> None:
        shaded = trimesh.graph.smooth_shade(fine(visual, EDGES_PER_EXTENT), angle=SMOOTH_ANGLE)
        self.base = np.asarray(shaded.vertices, np.float64)
        self.faces = np.asarray(shaded.faces)
        self.size = middle_extent(visual)
        self.dents = sorted(dents, key=lambda d: d["time"])
        self.primitive = pyrender.Primitive(positions=self.base, normals=shaded.vertex_normals,
                                            indices=self.faces, material=look)
        self.shown: tuple[float, ...] = (0.0,) * len(self.dents)

    def show(self, time: float) -> bool:
        """Put in the dents as deep as they are at `time`; True when the surface changed."""
        depths = tuple(depth_at(d, time) for d in self.dents)
        if depths == self.shown:
            return False
        now = [{**d, "depth": depth} for d, depth in zip(self.dents, depths, strict=True)
               if depth > 0.0]
        positions = dented(self.base, now, self.size)
        self.primitive.positions = positions
        self.primitive.normals = trimesh.Trimesh(positions, self.faces,
                                                 process=False).vertex_normals
        self.shown = depths
        return True


def dented_mesh(inst: Instance, scene_dir: Path | None, dents: list[dict]
                ) -> tuple[pyrender.Mesh, np.ndarray, DentedMesh]:
    """A crushable body's mesh that takes `dents`, its [2,3] body-frame bounds (undented),
    and what dents it."""
    from bridge.assets.build import geometry_for

    geometry = geometry_for(inst.body, scene_dir)
    body = DentedMesh(geometry.visual, dents, skin(inst))
    return pyrender.Mesh([body.primitive]), np.asarray(geometry.bounds), body
