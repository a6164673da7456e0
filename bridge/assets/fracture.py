"""Pre-fractured geometry: a breakable body's seeded Voronoi fragments, level by level.

A split is exact (manifold3d booleans), so the fragments tile their parent: their volumes,
and so their masses, add up to the parent's, and they do not overlap when swapped in at
its pose. A cell can fall apart into several pieces (a cell that crosses a glass's hollow)
and each piece becomes its own fragment, while slivers (under a millionth of the volume)
are dropped and chips (under 5 % of an average cell, voronoi.CHIP) join the neighbour they
share the most cut face with, so the count is about, not exactly, `pieces`. Seeds are
placed by wall thickness, not by `Geometry.hollow`, so glasses and eggshells alike break
into curved shards.
Splits take up to a second, so they are cached on disk by a content hash under
$SIMSHOT_CACHE_DIR/fracture, and in-process by body and settings: treat returned
fragments as read-only.
"""
from __future__ import annotations

import hashlib
import io
import zlib
from dataclasses import dataclass
from functools import lru_cache
from importlib.metadata import version
from pathlib import Path

import manifold3d as mf
import numpy as np
import trimesh

from bridge.assets import voronoi
from bridge.assets.build import geometry_for
from bridge.assets.geometry import CollisionPart, Geometry
from bridge.assets.meshes import cache_dir
from bridge.files import atomic_write
from bridge.schema import Body, Breakable

VERSION = b"fracture-3"  # bump when the split changes, so old cache entries are not reused


@dataclass
class Fragment:
    geometry: Geometry  # in the parent's body frame (same origin); watertight, convex parts
    interior: np.ndarray  # bool per face of geometry.visual: True on fracture surfaces


def fracture(geometry: Geometry, pieces: int, seed: int,
             interior: np.ndarray | None = None) -> list[Fragment]:
    """Seeded Voronoi split of a body's geometry into about `pieces` fragments; cached on disk.

    `interior` flags the parent's own fracture faces (when a fragment breaks again); its
    fragments keep them."""
    mesh = geometry.visual
    interior = np.zeros(len(mesh.faces), bool) if interior is None else interior
    path = cache_dir("fracture") / f"{_digest(geometry, pieces, seed, interior)}.npz"
    if path.exists():
        with np.load(path) as cached:
            arrays = dict(cached)
    else:
        arrays = _split(mesh, interior, pieces, seed)
        buffer = io.BytesIO()
        np.savez(buffer, **arrays)
        atomic_write(path, buffer.getvalue())
    return _fragments(arrays)


def fracture_seed(scene_seed: int, body_name: str, settings: Breakable) -> int:
    """settings.seed if given, else a stable hash of the scene seed and the body's name."""
    if settings.seed is not None:
        return settings.seed
    return zlib.crc32(f"{scene_seed}:{body_name}".encode())


def fragment_geometry(body: Body, scene_dir: Path | None, seed: int, settings: Breakable,
                      pieces: tuple[int, ...]) -> Fragment:
    """The fragment at `pieces` (one index per level); () is the whole body."""
    if not pieces:
        geometry = geometry_for(body, scene_dir)
        return Fragment(geometry, np.zeros(len(geometry.visual.faces), bool))
    return fragments_of(body, scene_dir, seed, settings, pieces[:-1])[pieces[-1]]


def fragments_of(body: Body, scene_dir: Path | None, seed: int, settings: Breakable,
                 pieces: tuple[int, ...] = ()) -> list[Fragment]:
    """All children of the fragment at `pieces` (() = the body itself)."""
    if len(pieces) >= settings.depth:
        raise ValueError(f"'{body.name}' breaks {settings.depth} level(s) deep; "
                         f"fragment {pieces} does not break again")
    return list(_children(body.model_dump_json(), scene_dir, seed,
                          settings.model_dump_json(), pieces))


@lru_cache(maxsize=256)
def _children(body_json: str, scene_dir: Path | None, seed: int, settings_json: str,
              pieces: tuple[int, ...]) -> tuple[Fragment, ...]:
    """Level 1 splits the body into settings.pieces; deeper levels split a fragment into a
    quarter as many, with a seed derived from the path to it."""
    body = Body.model_validate_json(body_json)
    settings = Breakable.model_validate_json(settings_json)
    parent = fragment_geometry(body, scene_dir, seed, settings, pieces)
    count = settings.pieces if not pieces else max(2, settings.pieces // 4)
    level_seed = seed if not pieces else zlib.crc32(repr((seed, *pieces)).encode())
    return tuple(fracture(parent.geometry, count, level_seed, parent.interior))


def _digest(geometry: Geometry, pieces: int, seed: int, interior: np.ndarray) -> str:
    """Content hash of everything a split depends on."""
    h = hashlib.sha256(VERSION)
    h.update(f"{pieces}:{seed}:{version('manifold3d')}".encode())
    h.update(np.ascontiguousarray(geometry.visual.vertices, "<f8").tobytes())
    h.update(np.ascontiguousarray(geometry.visual.faces, "<i8").tobytes())
    h.update(np.ascontiguousarray(interior, bool).tobytes())
    for part in geometry.parts:
        h.update(repr((part.kind, part.radius, part.height)).encode())
        for array in (part.position, part.quaternion, part.half_extents, part.vertices):
            if array is not None:
                h.update(np.ascontiguousarray(array, "<f8").tobytes())
    return h.hexdigest()[:32]


def _split(mesh: trimesh.Trimesh, interior: np.ndarray, pieces: int,
           seed: int) -> dict[str, np.ndarray]:
    """The split as flat arrays (what the cache stores), fragments in seed order."""
    solid = voronoi.to_manifold(mesh)
    seeds = voronoi.sample_seeds(solid, mesh, pieces, np.random.default_rng(seed))
    parent_id = voronoi.source_id(solid)
    meshes, hulls = [], []
    for group in voronoi.cells(solid, seeds):
        piece = group[0] if len(group) == 1 else mf.Manifold.batch_boolean(group, mf.OpType.Add)
        meshes.append(_piece_mesh(piece, parent_id, interior))
        # a chip keeps its own hull: one over the union would reach past both
        hulls.append([part for member in group for part in voronoi.convex_parts(member)])
    return {
        "vertices": np.vstack([m[0] for m in meshes]),
        "vertex_counts": np.array([len(m[0]) for m in meshes]),
        "faces": np.vstack([m[1] for m in meshes]),
        "face_counts": np.array([len(m[1]) for m in meshes]),
        "interior": np.concatenate([m[2] for m in meshes]),
        "hull_vertices": np.vstack([v for parts in hulls for v in parts]),
        "hull_counts": np.array([len(v) for parts in hulls for v in parts]),
        "hulls_per_fragment": np.array([len(parts) for parts in hulls]),
    }


def _piece_mesh(piece: mf.Manifold, parent_id: int,
                parent_interior: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Vertices, faces and interior flags: cut faces come from the trimming half-spaces
    (other original ids); faces from the parent keep the parent's flag."""
    out = piece.to_mesh64()
    faces = np.asarray(out.tri_verts, np.int64)
    from_parent = np.zeros(len(faces), bool)
    run_ids, run_starts = np.asarray(out.run_original_id), np.asarray(out.run_index) // 3
    for run, start, stop in zip(run_ids, run_starts[:-1], run_starts[1:], strict=True):
        from_parent[start:stop] = run == parent_id
    interior = ~from_parent
    source = np.asarray(out.face_id, np.int64)
    interior[from_parent] = parent_interior[source[from_parent]]
    return np.asarray(out.vert_properties, float)[:, :3], faces, interior


def _fragments(arrays: dict[str, np.ndarray]) -> list[Fragment]:
    """Fragments from the flat arrays, built the same way whether computed or cached.

    The stored hull vertices are exactly their hulls' vertices, so parts take them as is."""
    vertices = _chunks(arrays["vertices"], arrays["vertex_counts"])
    faces = _chunks(arrays["faces"], arrays["face_counts"])
    interior = _chunks(arrays["interior"], arrays["face_counts"])
    hulls = iter(_chunks(arrays["hull_vertices"], arrays["hull_counts"]))
    fragments = []
    for v, f, flags, count in zip(vertices, faces, interior, arrays["hulls_per_fragment"],
                                  strict=True):
        parts = [CollisionPart("convex", vertices=next(hulls)) for _ in range(count)]
        fragments.append(Fragment(Geometry(trimesh.Trimesh(v, f, process=False), parts), flags))
    return fragments


def _chunks(flat: np.ndarray, counts: np.ndarray) -> list[np.ndarray]:
    return np.split(flat, np.cumsum(counts)[:-1])
