"""The pyrender meshes of a shot: bodies, fragments, liquid surfaces, water and the ground."""
from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import trimesh

from bridge.instances import Instance
from bridge.materials import get_material
from bridge.schema import Liquid, Scene, Water, breakable_settings
from renderer.offscreen import pyrender

if TYPE_CHECKING:
    from bridge.assets.build import Appearance
    from bridge.assets.fracture import Fragment
    from renderer.environments import Part

SMOOTH_ANGLE = np.radians(35)  # edges sharper than this stay sharp in shading
LIQUID_ROUGHNESS = 0.15  # wet sheen
WATER_ALPHA = 0.45
WATER_ROUGHNESS = 0.08


def material(rgb, metallic: float, roughness: float,
             alpha: float = 1.0) -> pyrender.MetallicRoughnessMaterial:
    """A plain metallic-roughness material, blended where it is translucent."""
    return pyrender.MetallicRoughnessMaterial(
        baseColorFactor=[*rgb, alpha], metallicFactor=metallic, roughnessFactor=roughness,
        alphaMode="BLEND" if alpha < 1 else "OPAQUE")


def shaded_primitive(visual: trimesh.Trimesh, look) -> pyrender.Primitive:
    """The mesh smooth-shaded, its edges sharper than SMOOTH_ANGLE kept sharp."""
    shaded = trimesh.graph.smooth_shade(visual, angle=SMOOTH_ANGLE)
    return pyrender.Primitive(positions=shaded.vertices, normals=shaded.vertex_normals,
                              indices=shaded.faces, material=look)


def _fragment(inst: Instance, scene: Scene, scene_dir: Path | None) -> Fragment:
    """The fracture module's piece for a fragment instance (imported late: it is heavy)."""
    from bridge.assets.fracture import fracture_seed, fragment_geometry

    settings = breakable_settings(inst.body)
    seed = fracture_seed(scene.seed, inst.body.name, settings)
    return fragment_geometry(inst.body, scene_dir, seed, settings, inst.fragment)


def body_mesh(inst: Instance, scene: Scene,
              scene_dir: Path | None) -> tuple[pyrender.Mesh, np.ndarray]:
    """A rigid body's or a fragment's mesh, and its [2,3] body-frame bounds. A fragment is
    drawn in its parent's frame, with its fracture faces in its material's break colour and
    roughness and the rest of its skin in the body's appearance (same alpha)."""
    from bridge.assets.build import appearance_for, geometry_for

    if inst.kind == "fragment":
        piece = _fragment(inst, scene, scene_dir)
        primitive = _fragment_primitive(piece.geometry.visual, np.asarray(piece.interior, bool),
                                        inst, appearance_for(inst.body))
        return pyrender.Mesh([primitive]), np.asarray(piece.geometry.bounds)
    geometry = geometry_for(inst.body, scene_dir)
    return pyrender.Mesh([shaded_primitive(geometry.visual, skin(inst))]), \
        np.asarray(geometry.bounds)


def skin(inst: Instance) -> pyrender.MetallicRoughnessMaterial:
    """A whole body's surface material, in its appearance."""
    from bridge.assets.build import appearance_for

    look = appearance_for(inst.body)
    return material(look.base_color, look.metallic, look.roughness, look.alpha)


def _fragment_primitive(visual: trimesh.Trimesh, interior: np.ndarray, inst: Instance,
                        look: Appearance) -> pyrender.Primitive:
    """One primitive whose vertices carry their surface: colour in COLOR_0 and roughness in
    TEXCOORD_0.x (see shaders/mesh.vert). One draw instead of one per surface: draws cost
    more than pixels here, and a shattered body has dozens of fragments."""
    from bridge.assets.build import material_for

    body_material = material_for(inst.body)
    break_color = body_material.break_color or look.base_color
    surfaces = ((~interior, look.base_color, look.roughness),
                (interior, break_color, body_material.break_roughness))
    vertices, normals, faces, colors, roughness = [], [], [], [], []
    for chosen, color, rough in surfaces:
        if chosen.any():
            part = trimesh.graph.smooth_shade(
                visual.submesh([np.flatnonzero(chosen)], append=True), angle=SMOOTH_ANGLE)
            faces.append(part.faces + sum(len(v) for v in vertices))
            vertices.append(part.vertices)
            normals.append(part.vertex_normals)
            colors.append(np.tile(color, (len(part.vertices), 1)))
            roughness.append(np.full((len(part.vertices), 2), rough))
    return pyrender.Primitive(
        positions=np.concatenate(vertices), normals=np.concatenate(normals),
        indices=np.concatenate(faces), color_0=np.concatenate(colors),
        texcoord_0=np.concatenate(roughness),
        material=material((1.0, 1.0, 1.0), look.metallic, 1.0, look.alpha))


def liquid_mesh(liquid: Liquid) -> pyrender.Mesh:
    """A liquid's surface mesh in its look, empty and hidden until `set_surface` fills it."""
    look = material(liquid.color, 0.0, LIQUID_ROUGHNESS, liquid.opacity)
    placeholder = np.zeros((3, 3), np.float32)
    mesh = pyrender.Mesh([pyrender.Primitive(positions=placeholder, normals=placeholder,
                                             indices=np.arange(3)[None], material=look)])
    mesh.is_visible = False
    return mesh


def set_surface(mesh: pyrender.Mesh, vertices: np.ndarray, normals: np.ndarray,
                faces: np.ndarray) -> None:
    """Give a liquid's mesh this frame's surface; hide it when there is none."""
    mesh.is_visible = len(faces) > 0
    if mesh.is_visible:
        primitive = mesh.primitives[0]
        primitive.positions, primitive.normals, primitive.indices = vertices, normals, faces
        mesh._bounds = None  # pyrender caches a mesh's bounds; its transparency sort reads them


def water_mesh(water: Water) -> pyrender.Mesh:
    """The region's box without its bottom; back faces are culled, so each pixel blends one
    face of it: the top seen from above, a side seen from the side."""
    box = trimesh.creation.box(bounds=[water.region.min, water.region.max])
    box.update_faces(box.face_normals[:, 2] > -0.5)
    look = material(water.color, 0.0, WATER_ROUGHNESS, WATER_ALPHA)
    return pyrender.Mesh([shaded_primitive(box, look)])  # its 90-degree edges stay sharp


def ground_mesh(scene: Scene, floor: Part | None = None) -> pyrender.Mesh | None:
    """The ground plane, in its material's look, or in the surroundings' floor look (the
    script's ground colour wins over both)."""
    ground = scene.world.ground
    if ground is None:
        return None
    half = ground.size / 2
    quad = trimesh.Trimesh(vertices=[[-half, -half, 0], [half, -half, 0], [half, half, 0],
                                     [-half, half, 0]], faces=[[0, 1, 2], [0, 2, 3]])
    look = get_material(ground.material)
    color, metallic, roughness = look.base_color, look.metallic, look.roughness
    if floor is not None:
        color, metallic, roughness = floor.color, floor.metallic, floor.roughness
    if ground.color is not None:
        color = ground.color
    return pyrender.Mesh([shaded_primitive(quad, material(color, metallic, roughness))])
