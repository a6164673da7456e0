"""A soft body's mesh file: loaded from the script's folder, checked closed and small enough,
and centred and scaled to fill the body's `size`. Apart from bridge.soft so that validating a
script that makes nothing soft from a file never imports trimesh."""
from __future__ import annotations

import hashlib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np
import trimesh

from bridge.assets.meshes import bad_mesh, parse_mesh, resolve_mesh_path
from bridge.soft_schema import Soft

# triangles at most: the mesher asks the surface's signed distance at thousands of points
# some fifty times over (an 82,000-triangle file took 43 s at the finest resolution)
MAX_SOFT_MESH_FACES = 20_000


@dataclass(frozen=True)
class SurfaceKey:
    """What a fitted surface depends on: the script's field, the file (by its content) and
    the body's size."""

    field: str
    mesh: str
    path: str
    digest: str
    size: tuple[float, float, float]


def surface_key(soft: Soft, scene_dir: Path | None) -> SurfaceKey:
    field = f"soft.{soft.name}.mesh"
    path = resolve_mesh_path(field, soft.mesh, scene_dir)
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    return SurfaceKey(field, soft.mesh, str(path), digest, soft.size)


@lru_cache(maxsize=16)
def fitted(key: SurfaceKey) -> trimesh.Trimesh:
    """The mesh file in the body's own frame, its bounding box `size`, centred on 0."""
    path = Path(key.path)
    surface = parse_mesh(key.field, key.mesh, path)
    if not surface.is_watertight:
        raise bad_mesh(key.field, key.mesh, path, "is not closed (watertight): a soft body "
                       "needs an inside")
    if len(surface.faces) > MAX_SOFT_MESH_FACES:
        raise bad_mesh(key.field, key.mesh, path, f"has {len(surface.faces):,} triangles, "
                       f"over the {MAX_SOFT_MESH_FACES:,} a soft body's may have; decimate it")
    low, high = surface.bounds
    surface.apply_translation(-(low + high) / 2)
    surface.apply_scale(np.asarray(key.size, float) / np.maximum(high - low, 1e-12))
    if surface.volume < 0:  # wound inside out
        surface.invert()
    return surface


def distance_to(surface: trimesh.Trimesh):
    """Its signed distance, negative inside (trimesh's is positive inside)."""
    return lambda points: -trimesh.proximity.signed_distance(surface, points)
