"""Dents drawn: a crushable body's mesh pushed in where events.json's `deformations` say,
from the frame each dent happens (the shape of a dent: bridge/dent_shape.py)."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import trimesh

from bridge.dent_shape import dented, fine, middle_extent
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
        self.shown = 0

    def show(self, time: float) -> bool:
        """Put in the dents made by `time`; True when the surface changed."""
        count = sum(d["time"] <= time + 1e-9 for d in self.dents)
        if count == self.shown:
            return False
        positions = dented(self.base, self.dents[:count], self.size)
        self.primitive.positions = positions
        self.primitive.normals = trimesh.Trimesh(positions, self.faces,
                                                 process=False).vertex_normals
        self.shown = count
        return True


def dented_mesh(inst: Instance, scene_dir: Path | None, dents: list[dict]
                ) -> tuple[pyrender.Mesh, np.ndarray, DentedMesh]:
    """A crushable body's mesh that takes `dents`, its [2,3] body-frame bounds (undented),
    and what dents it."""
    from bridge.assets.build import geometry_for

    geometry = geometry_for(inst.body, scene_dir)
    body = DentedMesh(geometry.visual, dents, skin(inst))
    return pyrender.Mesh([body.primitive]), np.asarray(geometry.bounds), body
