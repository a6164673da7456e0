"""Geometry helpers for the asset builders: revolved solids, vessels, shells, boxes, parts.

Profiles are (r, z) polylines in metres. Round things use SEGMENTS vertices around, with
the radius stretched so each polygon has the circle's area: volumes, and so masses, are
then exact rather than 0.6 % low.
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from itertools import pairwise

import numpy as np
import trimesh

from bridge.assets.geometry import CollisionPart
from bridge.transforms import quat_to_matrix

Shape = tuple[trimesh.Trimesh, list[CollisionPart]]  # what a builder returns
Params = Mapping[str, float]  # an asset's parameters, defaults already filled in

SEGMENTS = 32  # vertices around a revolved visual
SECTORS = 16  # convex pieces around a thin wall
ICO_LEVEL = 3  # icosphere subdivision for balls


def _area_factor(n: int) -> float:
    """Radius stretch that gives a regular n-gon the area of its circle."""
    return float(np.sqrt(2 * np.pi / (n * np.sin(2 * np.pi / n))))


RADIAL = _area_factor(SEGMENTS)


def revolve(profile: np.ndarray) -> trimesh.Trimesh:
    """Watertight solid of a closed (r, z) outline that starts and ends on the axis."""
    mesh = trimesh.creation.revolve(np.asarray(profile, float), sections=SEGMENTS)
    mesh.apply_transform(np.diag([RADIAL, RADIAL, 1.0, 1.0]))
    if mesh.volume < 0:
        mesh.invert()
    return mesh


def rings(profile: np.ndarray, angles: np.ndarray) -> np.ndarray:
    """[len(profile) * len(angles), 3] points of (r, z) samples swept to the given angles."""
    profile = np.asarray(profile, float)
    r = profile[:, :1] * RADIAL
    c, s = np.cos(angles)[None, :], np.sin(angles)[None, :]
    z = np.broadcast_to(profile[:, 1:], (len(profile), len(angles)))
    return np.stack([r * c, r * s, z], axis=-1).reshape(-1, 3)


def convex_part(points: np.ndarray) -> CollisionPart:
    """A convex part in the body frame, keeping only the hull's vertices."""
    hull = trimesh.convex.convex_hull(np.asarray(points, float))
    return CollisionPart("convex", vertices=np.asarray(hull.vertices))


def around() -> np.ndarray:
    return np.linspace(0, 2 * np.pi, SEGMENTS, endpoint=False)


def _slice(profile: np.ndarray, z0: float, z1: float) -> np.ndarray:
    """The outline's points with z in [z0, z1], plus its crossings of both planes."""
    out = [pt for pt in profile if z0 <= pt[1] <= z1]
    for a, b in pairwise(profile):
        for zc in (z0, z1):
            if min(a[1], b[1]) < zc < max(a[1], b[1]):
                out.append(a + (b - a) * (zc - a[1]) / (b[1] - a[1]))
    return np.array(out)


def revolved_hulls(profile: np.ndarray, top: float, cuts: tuple[float, ...] = ()
                   ) -> list[CollisionPart]:
    """Convex pieces of a revolved solid from z = 0 to `top`, split at the `cuts` heights."""
    edges = [0.0, *cuts, top]
    return [convex_part(rings(_slice(np.asarray(profile, float), a, b), around()))
            for a, b in pairwise(edges)]


def offset_inward(outline: np.ndarray, dists: np.ndarray) -> np.ndarray:
    """Mitred offset of an upward (r, z) outline toward its inside, by a distance per segment."""
    pts = np.asarray(outline, float)
    t = np.diff(pts, axis=0)
    t /= np.linalg.norm(t, axis=1, keepdims=True)
    n = np.stack([-t[:, 1], t[:, 0]], axis=1)  # left of the direction of travel = inside
    out = [pts[0] + dists[0] * n[0]]
    for i in range(1, len(pts) - 1):
        a, b = dists[i - 1] * n[i - 1], dists[i] * n[i]
        cross = t[i - 1, 0] * t[i, 1] - t[i - 1, 1] * t[i, 0]
        if abs(cross) < 1e-9:  # straight on: the two offset lines coincide
            out.append(pts[i] + b)
            continue
        # intersect line pts[i] + a + s t[i-1] with line pts[i] + b + u t[i]
        d = b - a
        s = (d[0] * t[i, 1] - d[1] * t[i, 0]) / cross
        out.append(pts[i] + a + s * t[i - 1])
    out.append(pts[-1] + dists[-1] * n[-1])
    return np.array(out)


def _clip_top(curve: np.ndarray, z_top: float) -> np.ndarray:
    """The curve up to its first crossing of z = z_top."""
    for i in range(1, len(curve)):
        if curve[i, 1] >= z_top:
            a, b = curve[i - 1], curve[i]
            return np.vstack([curve[:i], a + (b - a) * (z_top - a[1]) / (b[1] - a[1])])
    return curve


def vessel(base: np.ndarray, cup: np.ndarray, wall: float, floor: float,
           cuts: tuple[float, ...] = ()) -> Shape:
    """An open-topped container: watertight visual and a hollow set of convex parts.

    `base` is the solid outline from (0, 0) up to where `cup` starts; `cup` starts on the
    axis at the bottom of the bowl, runs out along its underside and up its outer wall to
    the rim, with z rising from its second point. The cavity is `cup` offset inward by
    `floor` along its first segment and `wall` elsewhere. `cuts` split the solid part below
    the floor into separately hulled pieces (a wine glass's foot, stem and bowl bottom).
    """
    cup = np.asarray(cup, float)
    rim = cup[-1, 1]
    dists = np.full(len(cup) - 1, wall)
    dists[0] = floor
    inner = _clip_top(offset_inward(cup, dists), rim)
    outline = np.vstack([np.asarray(base, float), cup[1:], inner[::-1]])
    parts = revolved_hulls(outline[: len(base) + len(cup) - 1], inner[0, 1], cuts)
    parts += wall_sectors(cup[1:], inner[1:])
    return revolve(outline), parts


def wall_sectors(outer: np.ndarray, inner: np.ndarray) -> list[CollisionPart]:
    """Convex sector pieces of a revolved wall between two z-rising (r, z) curves.

    One band per vertex height of the outer curve, from the floor to the rim, so every piece
    is a thin frustum sector and the cavity stays open.
    """
    floor, rim = inner[0, 1], inner[-1, 1]
    heights = np.unique(np.concatenate([[floor, rim], outer[:, 1]]))
    heights = heights[(heights >= floor) & (heights <= rim)]
    r_out = np.interp(heights, outer[:, 1], outer[:, 0])
    r_in = np.interp(heights, inner[:, 1], inner[:, 0])
    step = 2 * np.pi / SECTORS
    parts = []
    for k in range(len(heights) - 1):
        band = np.array([[r_out[k], heights[k]], [r_out[k + 1], heights[k + 1]],
                         [r_in[k], heights[k]], [r_in[k + 1], heights[k + 1]]])
        for j in range(SECTORS):
            angles = j * step + np.array([0.0, step / 2, step])
            parts.append(convex_part(rings(band, angles)))
    return parts


def ball(radius: float) -> trimesh.Trimesh:
    """Icosphere centred at (0, 0, radius) with the true sphere's volume."""
    mesh = trimesh.creation.icosphere(subdivisions=ICO_LEVEL, radius=1.0)
    mesh.apply_scale(radius * (4 / 3 * np.pi / mesh.volume) ** (1 / 3))
    mesh.apply_translation([0, 0, radius])
    return mesh


def shell(outer: trimesh.Trimesh, inner: trimesh.Trimesh) -> trimesh.Trimesh:
    """A closed shell: the outer surface plus the inner one facing inward."""
    inner = inner.copy()
    inner.invert()
    return trimesh.util.concatenate([outer, inner])


def box_mesh(size: np.ndarray, center: np.ndarray) -> trimesh.Trimesh:
    mesh = trimesh.creation.box(extents=np.asarray(size, float))
    mesh.apply_translation(center)
    return mesh


def box_part(size: np.ndarray, center: np.ndarray) -> CollisionPart:
    return CollisionPart("box", position=np.asarray(center, float),
                         half_extents=np.asarray(size, float) / 2)


def boxes(specs: list[tuple[np.ndarray, np.ndarray]]) -> Shape:
    """Union of (size, centre) boxes as the visual, the boxes themselves as parts."""
    meshes = [box_mesh(size, center) for size, center in specs]
    visual = meshes[0] if len(meshes) == 1 else union(meshes)
    return visual, [box_part(size, center) for size, center in specs]


def cylinder(radius: float, height: float) -> Shape:
    """Upright solid cylinder standing on z = 0."""
    profile = [(0, 0), (radius, 0), (radius, height), (0, height)]
    part = CollisionPart("cylinder", position=np.array([0, 0, height / 2]),
                         radius=radius, height=height)
    return revolve(profile), [part]


def union(meshes: list[trimesh.Trimesh]) -> trimesh.Trimesh:
    return trimesh.boolean.union(meshes, engine="manifold")


def scale_shape(shape: Shape, scale: np.ndarray) -> Shape:
    """The shape stretched by per-axis factors about the body origin."""
    visual = shape[0].copy()
    visual.apply_transform(np.diag([*scale, 1.0]))
    return visual, [scale_part(part, scale) for part in shape[1]]


def scale_part(part: CollisionPart, scale: np.ndarray) -> CollisionPart:
    """A part under a body-frame scale; a primitive the scale would distort becomes convex."""
    rot = quat_to_matrix(part.quaternion)
    local = rot.T @ np.diag(scale) @ rot  # the stretch along the part's own axes
    k = np.diag(local)
    position = part.position * scale
    if np.allclose(local, np.diag(k), atol=1e-12):
        if part.kind == "box":
            return replace(part, position=position, half_extents=part.half_extents * k)
        if part.kind == "sphere" and np.allclose(k, k[0]):
            return replace(part, position=position, radius=part.radius * k[0])
        if part.kind == "cylinder" and np.isclose(k[0], k[1]):
            return replace(part, position=position, radius=part.radius * k[0],
                           height=part.height * k[2])
    body_points = surface_points(part) @ rot.T + part.position
    return convex_part(body_points * scale)


def surface_points(part: CollisionPart) -> np.ndarray:
    """Points whose hull is the part, in the part's frame."""
    if part.kind == "sphere":
        return trimesh.creation.icosphere(subdivisions=2, radius=part.radius).vertices
    if part.kind == "box":
        corners = np.array([[x, y, z] for x in (-1, 1) for y in (-1, 1) for z in (-1, 1)])
        return corners * part.half_extents
    if part.kind == "cylinder":
        return rings([(part.radius, -part.height / 2),
                      (part.radius, part.height / 2)], around())
    return part.vertices
