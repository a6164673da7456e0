"""Flames and their smoke as meshes remade each frame, and the light a flame gives.

A flame is a glowing teardrop from a little below its base (it wraps the wick) to its tip,
widest a third of the way up, along the axis the physics gives it (flames/<name>: base, tip,
width, lit). It is an instance (kind flame): it has an id and depth. Its point light, warm
and as strong as the flame is big, lights what is around it. Smoke is grey puffs that grow
and fade with their age (smoke/<name>); like water it blends into the colour alone.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import trimesh

from bridge.air import SMOKE_LIFE
from renderer.meshes import set_surface
from renderer.offscreen import pyrender

FLAME_GLOW = (1.0, 0.55, 0.12)  # emissive
FLAME_BASE_COLOR = (0.5, 0.35, 0.1)
FLAME_ALPHA = 0.88
BELOW_BASE = 0.15  # of its length the flame reaches below its base, around the wick
RINGS, AROUND = 10, 12
LIGHT_COLOR = (1.0, 0.62, 0.28)
LIGHT_PER_METRE = 0.6  # point-light intensity per metre of flame height
SMOKE_COLOR = (0.62, 0.62, 0.64)
SMOKE_ALPHA = 0.2
SMOKE_RADIUS, SMOKE_GROWTH = 0.002, 0.004  # m, and m per second of age


@dataclass
class FlameNodes:
    flame: pyrender.Node
    smoke: pyrender.Node
    light: pyrender.Node
    size: float  # m, the flame's still-air height


def _empty(look: pyrender.Material, colors: bool = False) -> pyrender.Mesh:
    blank = np.zeros((3, 3), np.float32)
    extra = {"color_0": np.ones((3, 4), np.float32)} if colors else {}
    mesh = pyrender.Mesh([pyrender.Primitive(positions=blank, normals=blank,
                                             indices=np.arange(3)[None], material=look,
                                             **extra)])
    mesh.is_visible = False
    return mesh


def add_flame(scene: pyrender.Scene, name: str, size: float) -> FlameNodes:
    """A flame's nodes: its teardrop, its smoke and its light, all hidden until posed."""
    glow = pyrender.MetallicRoughnessMaterial(
        baseColorFactor=[*FLAME_BASE_COLOR, FLAME_ALPHA], metallicFactor=0.0,
        roughnessFactor=1.0, emissiveFactor=FLAME_GLOW, alphaMode="BLEND")
    haze = pyrender.MetallicRoughnessMaterial(
        baseColorFactor=[*SMOKE_COLOR, SMOKE_ALPHA], metallicFactor=0.0, roughnessFactor=1.0,
        alphaMode="BLEND")
    light = pyrender.PointLight(color=np.asarray(LIGHT_COLOR), intensity=0.0)
    return FlameNodes(scene.add(_empty(glow), name=name),
                      scene.add(_empty(haze, colors=True), name=f"smoke:{name}"),
                      scene.add(light, pose=np.eye(4)), size)


def pose_flame(nodes: FlameNodes, row: np.ndarray | None, puffs: np.ndarray | None,
               scene: pyrender.Scene) -> list[pyrender.Primitive]:
    """Shape the flame, its smoke and its light at one frame; the primitives to upload."""
    changed = []
    lit = row is not None and np.all(np.isfinite(row)) and row[7] >= 0.5
    nodes.flame.mesh.is_visible = bool(lit)
    nodes.light.light.intensity = LIGHT_PER_METRE * nodes.size if lit else 0.0
    if lit:
        base, tip, width = row[:3], row[3:6], float(row[6])
        set_surface(nodes.flame.mesh, *teardrop(base, tip, width))
        changed.append(nodes.flame.mesh.primitives[0])
        pose = np.eye(4)
        pose[:3, 3] = base + (tip - base) / 3
        scene.set_pose(nodes.light, pose)
    shown = puffs is not None and np.isfinite(puffs[:, 0]).any()
    nodes.smoke.mesh.is_visible = bool(shown)
    if shown:
        vertices, normals, faces, colors = smoke_surface(puffs)
        set_surface(nodes.smoke.mesh, vertices, normals, faces)
        nodes.smoke.mesh.primitives[0].color_0 = colors
        changed.append(nodes.smoke.mesh.primitives[0])
    return changed


def teardrop(base: np.ndarray, tip: np.ndarray, width: float
             ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Vertices, normals and faces of a flame from `base` to `tip`, `width` across."""
    axis = tip - base
    length = float(np.linalg.norm(axis))
    along = axis / length if length > 1e-9 else np.array([0.0, 0.0, 1.0])
    side = np.cross(along, [1.0, 0.0, 0.0] if abs(along[0]) < 0.9 else [0.0, 1.0, 0.0])
    side /= np.linalg.norm(side)
    other = np.cross(along, side)
    s = np.linspace(0.0, 1.0, RINGS + 1)
    profile = np.sqrt(s) * (1 - s) ** 1.3
    radius = width / 2 * profile / profile.max()
    angles = np.linspace(0, 2 * np.pi, AROUND, endpoint=False)
    out = np.cos(angles)[None, :, None] * side + np.sin(angles)[None, :, None] * other
    start = base - BELOW_BASE * length * along
    centres = start + (s * (1 + BELOW_BASE) * length)[:, None] * along
    vertices = centres[:, None, :] + radius[:, None, None] * out
    normals = np.broadcast_to(out, vertices.shape)
    return _tube(vertices, normals)


def _tube(vertices: np.ndarray, normals: np.ndarray
          ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Faces joining rings of vertices [R, A, 3] into one closed-around surface."""
    rings, around = vertices.shape[:2]
    i, j = np.meshgrid(np.arange(rings - 1), np.arange(around), indexing="ij")
    a, b = i * around + j, i * around + (j + 1) % around
    c, d = a + around, b + around
    faces = np.concatenate([np.stack([a, b, d], -1), np.stack([a, d, c], -1)]).reshape(-1, 3)
    return (vertices.reshape(-1, 3).astype(np.float32),
            np.ascontiguousarray(normals.reshape(-1, 3), np.float32), faces.astype(np.uint32))


# a unit icosphere split once: few faces, round enough for a soft puff
_PUFF = trimesh.creation.icosphere(subdivisions=1)
PUFF_VERTICES, PUFF_FACES = np.asarray(_PUFF.vertices), np.asarray(_PUFF.faces)


def smoke_surface(puffs: np.ndarray
                  ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Vertices, normals, faces and RGBA colours of the puffs there ([P, 4]: xyz, age)."""
    there = puffs[np.isfinite(puffs[:, 0])]
    age = there[:, 3]
    radius = SMOKE_RADIUS + SMOKE_GROWTH * age
    vertices = there[:, None, :3] + radius[:, None, None] * PUFF_VERTICES[None]
    count = len(PUFF_VERTICES)
    faces = PUFF_FACES[None] + (np.arange(len(there)) * count)[:, None, None]
    fade = np.clip(1.0 - age / SMOKE_LIFE, 0.0, 1.0) ** 2
    colors = np.ones((len(there), count, 4), np.float32)
    colors[..., 3] = fade[:, None]
    normals = np.broadcast_to(PUFF_VERTICES[None], vertices.shape)
    return (vertices.reshape(-1, 3).astype(np.float32),
            np.ascontiguousarray(normals.reshape(-1, 3), np.float32),
            faces.reshape(-1, 3).astype(np.uint32), colors.reshape(-1, 4))
