"""The shape of a dent, shared by the engine (a dented collision shape) and the renderer (a
dented mesh), so that what collides is what is drawn.

A dent moves the surface along its direction by its depth across its contact patch, fading out
around it, and squeezes the material behind the surface into a crush zone a few depths long:
a crumpled front is shorter, not pierced, and points never pass one another. The sides of
the crush zone buckle in a few folds.
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace

import numpy as np
import trimesh

from bridge.assets.geometry import CollisionPart, Geometry
from bridge.transforms import quat_to_matrix

PATCH_SHARE = 0.08  # the smallest patch radius, as a share of the body's middle extent
FADE_SHARE = 0.12  # the ring a dent fades out over, as a share of the middle extent
CRUSH_DEPTHS = 2.5  # the crush zone behind the surface, in dent depths
FOLDS = 3  # half-waves the crushed zone's sides buckle in
FOLD_SHARE = 0.12  # how far they buckle out and in, as a share of the dent's depth
PART_DIVISIONS = 24  # a collision part is sampled this finely along its largest extent
MOVED_M = 1e-6  # a part none of whose points moved this far keeps its exact shape


def middle_extent(mesh: trimesh.Trimesh) -> float:
    """The body's middle extent: what a dent's patch and fade scale with."""
    return float(np.sort(np.asarray(mesh.extents, float))[1])


def fine(mesh: trimesh.Trimesh, divisions: int) -> trimesh.Trimesh:
    """`mesh` subdivided until no edge is longer than its largest extent / `divisions`."""
    vertices, faces = trimesh.remesh.subdivide_to_size(
        mesh.vertices, mesh.faces, max_edge=float(np.max(mesh.extents)) / divisions)
    return trimesh.Trimesh(vertices, faces)  # merges the vertices subdivision doubled


def depth_at(dent: Mapping, time: float) -> float:
    """How deep the dent is at `time`: none before its `time`, growing evenly to its depth at
    its `end_time` (an impact's dent is whole within a step or two; a long shove's grows)."""
    start, end = float(dent["time"]), float(dent.get("end_time", dent["time"]))
    if time < start - 1e-9:
        return 0.0
    if time >= end - 1e-9:
        return float(dent["depth"])
    return float(dent["depth"]) * (time - start) / (end - start)


def dented(vertices: np.ndarray, dents: Sequence[Mapping], size: float) -> np.ndarray:
    """[N,3] body-frame points with `dents` (events.json's `deformations`) pushed in; `size`
    is the body's middle extent."""
    out = np.array(vertices, np.float64)
    for dent in dents:
        centre = np.asarray(dent["local"], float)
        inward = np.asarray(dent["direction"], float)
        inward = inward / (np.linalg.norm(inward) or 1.0)
        depth = float(dent["depth"])
        offsets = out - centre
        along = offsets @ inward
        across = np.linalg.norm(offsets - np.outer(along, inward), axis=1)
        patch = max(float(dent["radius"]), PATCH_SHARE * size, 2 * depth)
        fade = max(FADE_SHARE * size, depth)
        spread = np.clip((across - patch) / fade, 0.0, 1.0)
        lateral = 0.5 * (1 + np.cos(np.pi * spread))
        zone = CRUSH_DEPTHS * depth
        squeeze = np.clip(1 - along / zone, 0.0, 1.0)
        out += np.outer(depth * lateral * squeeze, inward)
        # the sides of the crushed zone buckle, outwards and in, as sheet metal folds
        radial = (offsets - np.outer(along, inward)) / np.maximum(across, 1e-9)[:, None]
        buckle = np.sin(np.pi * FOLDS * np.clip(along / zone, 0.0, 1.0))
        out += radial * (FOLD_SHARE * depth * lateral * buckle)[:, None]
    return out


def dented_geometry(geometry: Geometry, dents: Sequence[Mapping]) -> Geometry:
    """The geometry with each collision part a dent reaches replaced by the convex hull of
    its dented surface (a part the dents miss keeps its exact primitive); the visual mesh,
    and so the mass properties, stay as they were."""
    size = middle_extent(geometry.visual)
    parts = []
    for part in geometry.parts:
        points = _surface(part)
        moved = dented(points, dents, size)
        if np.abs(moved - points).max() < MOVED_M:
            parts.append(part)
        else:
            hull = trimesh.convex.convex_hull(moved)
            parts.append(CollisionPart("convex", vertices=np.asarray(hull.vertices)))
    return replace(geometry, parts=parts)


def _surface(part: CollisionPart) -> np.ndarray:
    """[N,3] body-frame points over a collision part's surface, fine enough to bend."""
    if part.kind == "box":
        shape = trimesh.creation.box(extents=2 * np.asarray(part.half_extents, float))
    elif part.kind == "cylinder":
        shape = trimesh.creation.cylinder(radius=part.radius, height=part.height, sections=32)
    elif part.kind == "sphere":
        shape = trimesh.creation.icosphere(subdivisions=3, radius=part.radius)
    else:
        shape = trimesh.convex.convex_hull(part.vertices)
    points = fine(shape, PART_DIVISIONS).vertices
    return points @ quat_to_matrix(part.quaternion).T + np.asarray(part.position, float)
