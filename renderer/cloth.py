"""Cloth as a mesh remade each frame from its simulated vertices (cloth/<name>).

A sheet has two faces: it is drawn from both sides, its normals turned toward the camera by
the shader's double-sided lighting. It is an instance (kind cloth): it has an id and depth.
"""
from __future__ import annotations

import numpy as np

from bridge.cloth import grid_faces, rest_vertices
from bridge.cloth_schema import Cloth
from renderer.meshes import material, set_surface
from renderer.offscreen import pyrender

CLOTH_ROUGHNESS = 0.9  # fabric is matte


def cloth_mesh(cloth: Cloth) -> pyrender.Mesh:
    """The sheet's mesh, flat at its rest pose until `pose_cloth` shapes it."""
    look = material(cloth.color or cloth.fabric.color, 0.0, CLOTH_ROUGHNESS)
    look.doubleSided = True
    faces = grid_faces(*cloth.counts)
    vertices = rest_vertices(cloth)
    return pyrender.Mesh([pyrender.Primitive(
        positions=vertices.astype(np.float32), normals=vertex_normals(vertices, faces),
        indices=faces.astype(np.uint32), material=look)])


def pose_cloth(mesh: pyrender.Mesh, vertices: np.ndarray | None) -> list[pyrender.Primitive]:
    """Shape the sheet at one frame; the primitives to upload."""
    if vertices is None or not np.all(np.isfinite(vertices)):
        return []
    faces = mesh.primitives[0].indices.astype(np.int64)  # pyrender may keep them as floats
    set_surface(mesh, vertices.astype(np.float32), vertex_normals(vertices, faces), faces)
    return [mesh.primitives[0]]


def vertex_normals(vertices: np.ndarray, faces: np.ndarray) -> np.ndarray:
    """Area-weighted vertex normals of a sheet."""
    a, b, c = (vertices[faces[:, k]] for k in range(3))
    face = np.cross(b - a, c - a)
    normals = np.zeros_like(vertices, dtype=float)
    for corner in range(3):
        np.add.at(normals, faces[:, corner], face)
    length = np.linalg.norm(normals, axis=1, keepdims=True)
    return (normals / np.maximum(length, 1e-12)).astype(np.float32)
