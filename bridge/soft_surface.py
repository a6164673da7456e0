"""A soft body's mesh file: loaded from the script's folder, checked closed, and centred and
scaled to fill the body's `size`. Apart from bridge.soft so that validating a script that
makes nothing soft from a file never imports trimesh."""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import numpy as np
import trimesh

from bridge.assets.meshes import bad_mesh, parse_mesh, resolve_mesh_path
from bridge.soft_schema import Soft


def surface_key(soft: Soft, scene_dir: Path | None) -> tuple:
    """What its fitted surface depends on: the field, the file (and when it last changed)
    and the size; `fitted(*key)` builds it."""
    field = f"soft.{soft.name}.mesh"
    path = resolve_mesh_path(field, soft.mesh, scene_dir)
    return field, soft.mesh, str(path), path.stat().st_mtime_ns, soft.size


@lru_cache(maxsize=16)
def fitted(field: str, mesh: str, path: str, _stamp: int,
           size: tuple[float, float, float]) -> trimesh.Trimesh:
    """The mesh file in the body's own frame, its bounding box `size`, centred on 0."""
    surface = parse_mesh(field, mesh, Path(path))
    if not surface.is_watertight:
        raise bad_mesh(field, mesh, Path(path), "is not closed (watertight): a soft body "
                       "needs an inside")
    low, high = surface.bounds
    surface.apply_translation(-(low + high) / 2)
    surface.apply_scale(np.asarray(size, float) / np.maximum(high - low, 1e-12))
    if surface.volume < 0:  # wound inside out
        surface.invert()
    return surface


def distance_to(surface: trimesh.Trimesh):
    """Its signed distance, negative inside (trimesh's is positive inside)."""
    return lambda points: -trimesh.proximity.signed_distance(surface, points)
