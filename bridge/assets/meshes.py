"""User mesh files: safe path resolution, loading, re-centring and convex decomposition.

Decompositions are slow (seconds), so they are cached on disk by a hash of the loaded
geometry and the settings, under $SIMSHOT_CACHE_DIR/convex (default ~/.cache/simshot).
"""
from __future__ import annotations

import hashlib
import io
import json
import logging
import os
from importlib.metadata import version
from pathlib import Path

import coacd
import numpy as np
import trimesh
from trimesh.resolvers import FilePathResolver

from bridge.assets.geometry import CollisionPart
from bridge.assets.shapes import Shape
from bridge.errors import Location, Problem, UserError
from bridge.files import atomic_write
from bridge.mesh_paths import checked_mesh_path

log = logging.getLogger(__name__)

CONVEX_TOLERANCE = 0.02  # a mesh within 2 % of its hull's volume counts as convex
# Modest settings: a decomposition takes about a second and stays under 16 pieces.
DECOMPOSITION = {"threshold": 0.08, "max_convex_hull": 16, "preprocess_resolution": 30,
                 "resolution": 1000, "mcts_nodes": 10, "mcts_iterations": 60,
                 "mcts_max_depth": 2, "seed": 0}


def cache_dir(kind: str) -> Path:
    """$SIMSHOT_CACHE_DIR/kind (default ~/.cache/simshot/kind), created if missing."""
    root = os.environ.get("SIMSHOT_CACHE_DIR") or Path.home() / ".cache" / "simshot"
    path = Path(root) / kind
    path.mkdir(parents=True, exist_ok=True)
    return path


def load_user_mesh(body: str, mesh: str, scene_dir: Path | None) -> Shape:
    """The body's mesh file, bottom-centred, with convex collision parts."""
    visual = load_mesh_file(f"bodies.{body}.mesh", mesh, scene_dir)
    lo, hi = visual.bounds
    visual.apply_translation([-(lo[0] + hi[0]) / 2, -(lo[1] + hi[1]) / 2, -lo[2]])
    if not visual.is_watertight:
        log.warning("body '%s': mesh '%s' is not watertight; its convex hull gives its mass, "
                    "inertia and collision shape", body, mesh)
    return visual, _convex_parts(visual)


def load_mesh_file(field: str, mesh: str, scene_dir: Path | None) -> trimesh.Trimesh:
    """The triangles of a mesh file the script names at `field` (e.g. 'bodies.cup.mesh')."""
    return parse_mesh(field, mesh, resolve_mesh_path(field, mesh, scene_dir))


def resolve_mesh_path(field: str, mesh: str, scene_dir: Path | None) -> Path:
    """The mesh's real path, refused unless it is a file inside the script's folder."""
    path, problem = checked_mesh_path(mesh, scene_dir)
    if problem:
        where = Location(str(scene_dir) if scene_dir else "")
        raise UserError([Problem(where, field, problem)])
    return path


def parse_mesh(field: str, mesh: str, path: Path) -> trimesh.Trimesh:
    try:
        loaded = trimesh.load(io.BytesIO(path.read_bytes()), file_type=path.suffix[1:].lower(),
                              resolver=FilePathResolver(str(path)), force="mesh")
    except Exception as exc:  # noqa: BLE001 - parsers raise anything; all mean a bad file
        raise bad_mesh(field, mesh, path, f"could not be parsed ({exc})") from None
    if not isinstance(loaded, trimesh.Trimesh) or len(loaded.faces) == 0:
        raise bad_mesh(field, mesh, path, "contains no triangles")
    if not np.isfinite(loaded.vertices).all():
        raise bad_mesh(field, mesh, path, "has non-finite vertex coordinates")
    return loaded


def bad_mesh(field: str, mesh: str, path: Path, problem: str) -> UserError:
    """A mesh file refused: where, what is wrong, and to export it again."""
    return UserError([Problem(Location(str(path)), field,
                              f"mesh '{mesh}' {problem}; export it again as OBJ, GLB, STL "
                              "or PLY")])


def _convex_parts(mesh: trimesh.Trimesh) -> list[CollisionPart]:
    hull = mesh.convex_hull
    # an open mesh has no inside to decompose: its hull is the honest collision shape
    if not mesh.is_watertight or mesh.volume >= (1 - CONVEX_TOLERANCE) * hull.volume:
        return [CollisionPart("convex", vertices=np.asarray(hull.vertices))]
    return [CollisionPart("convex", vertices=v) for v in _decomposition(mesh)]


def _decomposition(mesh: trimesh.Trimesh) -> list[np.ndarray]:
    """CoACD's convex pieces (vertex arrays), from the disk cache when present."""
    settings = json.dumps({**DECOMPOSITION, "coacd": version("coacd")}, sort_keys=True)
    digest = hashlib.sha256(settings.encode())
    digest.update(np.ascontiguousarray(mesh.vertices, dtype="<f8").tobytes())
    digest.update(np.ascontiguousarray(mesh.faces, dtype="<i8").tobytes())
    path = cache_dir("convex") / f"{digest.hexdigest()[:32]}.npz"
    if path.exists():
        with np.load(path) as cached:
            return np.split(cached["vertices"], np.cumsum(cached["counts"])[:-1])
    coacd.set_log_level("error")
    pieces = [np.asarray(v, float) for v, _ in
              coacd.run_coacd(coacd.Mesh(mesh.vertices, mesh.faces), **DECOMPOSITION)]
    buffer = io.BytesIO()
    np.savez(buffer, vertices=np.vstack(pieces), counts=[len(v) for v in pieces])
    atomic_write(path, buffer.getvalue())
    return pieces
