"""Pre-fractured geometry: seeded Voronoi fragments that tile their body exactly."""
from __future__ import annotations

from functools import cache

import manifold3d as mf
import numpy as np
import pytest
import trimesh

from bridge.assets import fracture as fracture_module
from bridge.assets import voronoi
from bridge.assets.build import geometry_for
from bridge.assets.fracture import (
    Fragment,
    fracture,
    fracture_seed,
    fragment_geometry,
    fragments_of,
)
from bridge.assets.geometry import Geometry
from bridge.assets.meshes import cache_dir
from bridge.schema import Body, Breakable

SPLIT = ["block", "brick", "pane", "plate", "tumbler", "wine_glass", "bottle", "egg"]
PIECES, SEED = 16, 3
TOL = 1e-6  # metres: "on a surface"


@cache
def split(asset: str) -> tuple[Geometry, tuple[Fragment, ...]]:
    """The asset and its fragments, computed once for the module."""
    geometry = geometry_for(Body(name="b", asset=asset), None)
    return geometry, tuple(fracture(geometry, PIECES, SEED))


def on_surface(original: trimesh.Trimesh, mesh: trimesh.Trimesh, faces: np.ndarray
               ) -> np.ndarray:
    """Per selected face: does it lie in the plane of a face of the original, facing its way?"""
    normals, centres = mesh.face_normals[faces], mesh.triangles_center[faces]
    offsets = np.einsum("fk,fk->f", original.face_normals, original.triangles[:, 0])
    coplanar = np.abs(centres @ original.face_normals.T - offsets) < 1e-9
    return (coplanar & (normals @ original.face_normals.T > 1 - 1e-6)).any(axis=1)


def beyond(hull: trimesh.Trimesh, points: np.ndarray) -> np.ndarray:
    """How far each point is outside the convex hull's face planes (<= 0: inside)."""
    offsets = np.einsum("fk,fk->f", hull.face_normals, hull.triangles[:, 0])
    return (points @ hull.face_normals.T - offsets).max(axis=1)


@pytest.mark.parametrize("asset", SPLIT)
def test_fragments_are_watertight_and_keep_the_volume(asset):
    geometry, fragments = split(asset)
    volumes = [f.geometry.visual.volume for f in fragments]
    assert 0.75 * PIECES <= len(fragments) <= 1.5 * PIECES
    assert all(f.geometry.visual.is_watertight for f in fragments)
    assert min(volumes) > 0
    assert sum(volumes) == pytest.approx(geometry.visual.volume, rel=0.01)
    assert all(len(f.interior) == len(f.geometry.visual.faces) for f in fragments)
    assert all(not f.geometry.hollow for f in fragments)


@pytest.mark.parametrize("asset", SPLIT)
def test_collision_parts_are_convex_and_cover_their_fragment(asset):
    for fragment in split(asset)[1]:
        visual = fragment.geometry.visual
        hulls = []
        for part in fragment.geometry.parts:
            assert part.kind == "convex"
            hull = trimesh.convex.convex_hull(part.vertices)
            assert len(hull.vertices) == len(part.vertices)  # all on the hull: nothing wasted
            assert np.all(part.vertices >= visual.bounds[0] - TOL)
            assert np.all(part.vertices <= visual.bounds[1] + TOL)
            hulls.append(hull)
        # every vertex of the fragment lies in some part (signed distance to its planes <= 0)
        outside = np.min([beyond(h, visual.vertices) for h in hulls], axis=0)
        assert outside.max() < 1e-6
        assert sum(h.volume for h in hulls) < 4 * visual.volume


@pytest.mark.parametrize("asset", ["brick", "tumbler"])
def test_fragments_do_not_overlap(asset):
    geometry, fragments = split(asset)
    solids = [voronoi.to_manifold(f.geometry.visual) for f in fragments]
    union = mf.Manifold.batch_boolean(solids, mf.OpType.Add)
    assert union.volume() == pytest.approx(geometry.visual.volume, rel=1e-9)
    for other in solids[1:]:
        assert (solids[0] ^ other).volume() < 1e-9 * geometry.visual.volume


def test_hollow_shards_are_curved_pieces_of_the_wall():
    geometry, fragments = split("tumbler")
    base = 0.2 * geometry.visual.bounds[1, 2]
    curved = []
    for fragment in fragments:
        v = fragment.geometry.visual.vertices
        if v[:, 2].min() < base:
            continue  # the heavy base: a chunk, not a shard
        radius = np.hypot(v[:, 0], v[:, 1])
        angle = np.unwrap(np.arctan2(v[:, 1], v[:, 0]))
        hull = trimesh.convex.convex_hull(v).volume
        curved.append((np.ptp(radius) < 0.3 * np.ptp(angle) * radius.mean(),
                       fragment.geometry.visual.volume < 0.8 * hull))
    assert len(curved) >= PIECES // 2
    assert np.mean(curved, axis=0).min() > 0.8


@pytest.mark.parametrize("asset", ["brick", "tumbler", "egg"])
def test_interior_faces_lie_on_cut_planes(asset):
    geometry, fragments = split(asset)
    solid = voronoi.to_manifold(geometry.visual)
    seeds = voronoi.sample_seeds(solid, geometry.visual, PIECES, np.random.default_rng(SEED))
    i, j = np.triu_indices(len(seeds), 1)
    normals = seeds[i] - seeds[j]
    normals /= np.linalg.norm(normals, axis=1, keepdims=True)
    offsets = np.einsum("pk,pk->p", normals, (seeds[i] + seeds[j]) / 2)
    for fragment in fragments:
        mesh, inside = fragment.geometry.visual, fragment.interior
        assert inside.any() and not inside.all()
        centres, face_normals = mesh.triangles_center[inside], mesh.face_normals[inside]
        on_plane = np.abs(centres @ normals.T - offsets) < TOL
        parallel = np.abs(face_normals @ normals.T) > 1 - 1e-6
        assert (on_plane & parallel).any(axis=1).all()
        assert on_surface(geometry.visual, mesh, ~inside).all()
        assert not on_surface(geometry.visual, mesh, inside).any()


def arrays(fragments: list[Fragment]) -> list[np.ndarray]:
    out = []
    for f in fragments:
        out += [f.geometry.visual.vertices, f.geometry.visual.faces, f.interior]
        out += [part.vertices for part in f.geometry.parts]
    return out


def test_deterministic_and_cached_on_disk(tmp_path, monkeypatch):
    geometry = geometry_for(Body(name="b", asset="wine_glass"), None)
    monkeypatch.setenv("SIMSHOT_CACHE_DIR", str(tmp_path / "a"))
    first = fracture(geometry, 12, 5)
    assert len(list(cache_dir("fracture").glob("*.npz"))) == 1

    def no_work(*args):
        raise AssertionError("the split was computed again")

    with monkeypatch.context() as patch:
        patch.setattr(voronoi, "cells", no_work)
        hit = fracture(geometry, 12, 5)
    monkeypatch.setenv("SIMSHOT_CACHE_DIR", str(tmp_path / "b"))
    again = fracture(geometry, 12, 5)
    for a, b, c in zip(arrays(first), arrays(hit), arrays(again), strict=True):
        assert a.dtype == b.dtype == c.dtype
        assert a.tobytes() == b.tobytes() == c.tobytes()
    other = fracture(geometry, 12, 6)
    assert arrays(other)[0].tobytes() != arrays(first)[0].tobytes()


def test_a_cache_hit_does_no_split(tmp_path, monkeypatch):
    """The split is the expensive part (bench/run.py times it); a second call reads the disk."""
    monkeypatch.setenv("SIMSHOT_CACHE_DIR", str(tmp_path))
    geometry = geometry_for(Body(name="b", asset="tumbler"), None)
    calls = []
    split = fracture_module._split
    monkeypatch.setattr(fracture_module, "_split", lambda *a: calls.append(a) or split(*a))
    fracture(geometry, 24, 11)
    fracture(geometry, 24, 11)
    assert len(calls) == 1
    fracture(geometry, 24, 12)
    assert len(calls) == 2


def test_fracture_seed_is_stable_and_respects_the_script():
    settings = Breakable()
    seed = fracture_seed(7, "glass", settings)
    assert seed == fracture_seed(7, "glass", settings)
    assert seed != fracture_seed(7, "glass2", settings)
    assert seed != fracture_seed(8, "glass", settings)
    assert 0 <= seed < 2**32
    assert fracture_seed(7, "glass", Breakable(seed=42)) == 42


def test_second_level_splits_a_fragment_into_smaller_pieces():
    body = Body(name="glass", asset="tumbler")
    settings = Breakable(pieces=8, depth=2)
    seed = fracture_seed(1, body.name, settings)
    level1 = fragments_of(body, None, seed, settings)
    k = int(np.argmax([f.geometry.visual.volume for f in level1]))
    parent = fragment_geometry(body, None, seed, settings, (k,))
    assert parent is level1[k]
    assert fragment_geometry(body, None, seed, settings, ()).geometry.visual.volume == \
        pytest.approx(sum(f.geometry.visual.volume for f in level1))
    level2 = fragments_of(body, None, seed, settings, (k,))
    volumes = [f.geometry.visual.volume for f in level2]
    assert len(level2) >= 2
    assert max(volumes) < parent.geometry.visual.volume
    assert sum(volumes) == pytest.approx(parent.geometry.visual.volume, rel=1e-6)
    # a child keeps its parent's fracture faces and gains its own
    cut = [f.geometry.visual.area_faces[f.interior].sum() for f in level2]
    assert sum(cut) > parent.geometry.visual.area_faces[parent.interior].sum()
    assert fragment_geometry(body, None, seed, settings, (k, 0)) is level2[0]
    with pytest.raises(ValueError, match="does not break again"):
        fragments_of(body, None, seed, settings, (k, 0))
    with pytest.raises(ValueError, match="does not break again"):
        fragments_of(body, None, seed, Breakable(pieces=8), (k,))


def test_fragment_api_is_cached_in_process(monkeypatch):
    body, settings = Body(name="cached", asset="pane"), Breakable(pieces=4)
    first = fragments_of(body, None, 9, settings)
    monkeypatch.setattr(fracture_module, "fracture", lambda *a, **k: pytest.fail("recomputed"))
    assert fragments_of(body, None, 9, settings)[0] is first[0]
