"""Soft bodies as their skins, reshaped each frame from their simulated nodes (soft/<name>),
and the palms that squeeze and press them (palms/<event>), drawn while they press.
A soft body is an instance (kind soft): it has an id and depth; a palm is no instance (id 0,
like the ground)."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import trimesh

from bridge.palms import PALM_THICKNESS, palm_shapes
from bridge.schema import Scene
from bridge.soft import soft_mesh
from bridge.soft_schema import Soft
from bridge.soft_skin import BEAK, EYE, Skin, skin, skinned
from renderer.cloth import vertex_normals
from renderer.meshes import material, set_surface
from renderer.offscreen import pyrender

SOFT_ROUGHNESS = 0.45  # rubber and gel are satin; a sponge's pores do not show at this scale
PART_COLORS = {BEAK: (1.0, 0.45, 0.05), EYE: (0.05, 0.05, 0.06)}  # BODY: the body's colour
PALM_COLOR, PALM_ROUGHNESS = (0.86, 0.66, 0.54), 0.6  # skin


@dataclass
class SoftShape:
    """A soft body's mesh and what reshapes it."""

    mesh: pyrender.Mesh
    skin: Skin
    tets: np.ndarray


def soft_shape(soft: Soft, scene_dir: Path | None) -> SoftShape:
    """The body's skin as a mesh, at rest until `pose_soft` reshapes it."""
    body = soft_mesh(soft, scene_dir)
    carried = skin(soft, scene_dir)
    vertices = skinned(carried, body.tets, body.nodes)
    palette = np.array([soft.mechanics.color, PART_COLORS[BEAK], PART_COLORS[EYE]])
    mesh = pyrender.Mesh([pyrender.Primitive(
        positions=vertices.astype(np.float32), normals=vertex_normals(vertices, carried.faces),
        indices=carried.faces.astype(np.uint32), color_0=palette[carried.parts],
        material=material((1.0, 1.0, 1.0), 0.0, SOFT_ROUGHNESS))])
    return SoftShape(mesh, carried, body.tets)


def pose_soft(shape: SoftShape, nodes: np.ndarray | None) -> list[pyrender.Primitive]:
    """Reshape the skin at one frame; the primitives to upload."""
    if nodes is None or not np.all(np.isfinite(nodes)):
        return []
    vertices = skinned(shape.skin, shape.tets, nodes)
    set_surface(shape.mesh, vertices.astype(np.float32),
                vertex_normals(vertices, shape.skin.faces), shape.skin.faces)
    return [shape.mesh.primitives[0]]


def palm_meshes(scene: Scene) -> dict[str, list[tuple[pyrender.Mesh, np.ndarray]]]:
    """Per squeeze or press event (palms/<event>), each palm's mesh (a rounded pad) and the
    rotation that turns it to face the way it pushes."""
    found = {}
    look = material(PALM_COLOR, 0.0, PALM_ROUGHNESS)
    for index, shape in palm_shapes(scene).items():
        pad = trimesh.creation.icosphere(subdivisions=3, radius=1.0)
        pad.vertices *= [shape.half_side, shape.half_side, PALM_THICKNESS / 2]
        found[str(index)] = [(pyrender.Mesh.from_trimesh(pad, material=look, smooth=True),
                              shape.quat) for _ in range(shape.count)]
    return found
