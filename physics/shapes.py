"""PyBullet collision shapes from an asset's collision parts."""
from __future__ import annotations

import hashlib
from dataclasses import replace
from pathlib import Path

import numpy as np
import pybullet as p
import trimesh

from bridge.assets.geometry import CollisionPart, Geometry
from bridge.assets.meshes import cache_dir
from bridge.files import atomic_write
from bridge.transforms import compose, invert, quat_to_matrix

_TYPES = {"sphere": p.GEOM_SPHERE, "box": p.GEOM_BOX, "cylinder": p.GEOM_CYLINDER}


def collision_shape(client: int, geometry: Geometry,
                    frame: tuple[np.ndarray, np.ndarray] | None = None) -> int:
    """One collision shape (a compound when there are several parts).

    It is expressed in `frame`, a (position, xyzw quaternion) pose in the body frame, e.g. the
    centre of mass and principal axes that Bullet uses as the base frame; default the body frame.
    """
    to_frame = invert(*frame) if frame is not None else (np.zeros(3), np.array([0.0, 0, 0, 1]))
    parts = [_moved(part, *to_frame) for part in geometry.parts]
    primitives = [part for part in parts if part.kind != "convex"]
    hulls = [_body_frame(part) for part in parts if part.kind == "convex"]
    if len(hulls) == 1 and not primitives:
        return p.createCollisionShape(p.GEOM_MESH, vertices=hulls[0].tolist(),
                                      physicsClientId=client)
    entries = [_primitive(part) for part in primitives]
    if hulls:
        # createCollisionShapeArray takes no vertices, but loads a multi-object OBJ as
        # one convex hull per object.
        entries.append({"shapeType": p.GEOM_MESH, "fileName": str(_hull_file(hulls))})
    if len(entries) == 1:
        return p.createCollisionShape(**_single(entries[0]), physicsClientId=client)
    return p.createCollisionShapeArray(
        shapeTypes=[e["shapeType"] for e in entries],
        radii=[e.get("radius", 0.0) for e in entries],
        halfExtents=[e.get("halfExtents", [0.0] * 3) for e in entries],
        lengths=[e.get("length", 0.0) for e in entries],
        fileNames=[e.get("fileName", "") for e in entries],
        meshScales=[[1.0] * 3] * len(entries),
        collisionFramePositions=[e.get("position", [0.0] * 3) for e in entries],
        collisionFrameOrientations=[e.get("orientation", [0.0, 0, 0, 1]) for e in entries],
        physicsClientId=client)


def _primitive(part: CollisionPart) -> dict:
    entry = {"shapeType": _TYPES[part.kind], "position": list(map(float, part.position)),
             "orientation": list(map(float, part.quaternion))}
    if part.kind == "box":
        entry["halfExtents"] = list(map(float, part.half_extents))
    else:
        entry["radius"] = float(part.radius)
    if part.kind == "cylinder":
        entry["length"] = float(part.height)
    return entry


def _single(entry: dict) -> dict:
    """An array entry as createCollisionShape keywords."""
    names = {"length": "height", "position": "collisionFramePosition",
             "orientation": "collisionFrameOrientation"}
    return {names.get(k, k): v for k, v in entry.items()}


def _moved(part: CollisionPart, position: np.ndarray, quat: np.ndarray) -> CollisionPart:
    """The part with its pose premultiplied by (position, quat)."""
    new_position, new_quat = compose(position, quat, part.position, part.quaternion)
    return replace(part, position=new_position, quaternion=new_quat)


def _body_frame(part: CollisionPart) -> np.ndarray:
    """A convex part's vertices in the frame its pose is given in."""
    return part.vertices @ quat_to_matrix(part.quaternion).T + part.position


def _hull_file(hulls: list[np.ndarray]) -> Path:
    """An OBJ with one object per hull, named by content: PyBullet caches OBJs by file name."""
    lines, offset = [], 1
    for i, points in enumerate(hulls):
        hull = trimesh.convex.convex_hull(points)
        lines.append(f"o hull{i}")
        lines += [f"v {x:.9g} {y:.9g} {z:.9g}" for x, y, z in hull.vertices]
        lines += [f"f {a + offset} {b + offset} {c + offset}" for a, b, c in hull.faces]
        offset += len(hull.vertices)
    text = ("\n".join(lines) + "\n").encode()
    path = cache_dir("collision") / f"{hashlib.sha256(text).hexdigest()[:32]}.obj"
    if not path.exists():
        atomic_write(path, text)
    return path
