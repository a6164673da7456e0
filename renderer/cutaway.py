"""Cutaway: the surroundings never stand between the camera and the action.

Walls face inwards and are culled from behind, but furniture is solid: a camera that orbits
behind a kitchen's back wall would look at the back of its cabinets instead of the break. So
at every frame each piece of the surroundings that a sight line from the camera to the
action (the corners of the bodies' boxes over the shot) passes through is hidden, as a set
designer pulls a flat for the camera. Walls are left to their culling: pulling one would
pull the room.

A piece is tested as the boxes of its connected parts. Furniture is built of boxes, so for
almost every part this is its exact shape; a round part (a rim, a sink) stands for its box,
which errs towards pulling. Box tests for every sight line of a whole shot take milliseconds
where ray-triangle tests took 30 ms a frame in the kitchen.
"""
from __future__ import annotations

import numpy as np
import trimesh

MAX_TARGETS = 96  # sight lines per frame: enough to catch a piece hiding part of a long row
CHUNK = 64  # camera positions tested together: bounds the temporaries (rays x part boxes)
GROUP = 16  # a piece's part boxes tested behind one box around them (see _enters_piece)


class Cutaway:
    """The pieces that may be pulled, and the points the camera must see."""

    def __init__(self, pieces: dict[object, trimesh.Trimesh], points: np.ndarray):
        # what the camera must see: the bodies' box corners over the shot, at most
        # MAX_TARGETS of them (evenly picked), and their centre
        points = np.asarray(points, float)
        step = max(1, len(points) // MAX_TARGETS)
        self.targets = np.vstack([points.mean(axis=0), points[::step]])
        self._boxes = {node: part_boxes(mesh) for node, mesh in pieces.items()}
        self._planned: dict[bytes, frozenset] = {}  # camera position -> blocking pieces

    def plan(self, cameras: np.ndarray) -> None:
        """Find the blocking pieces for every camera position of a shot ([F,3]) at once."""
        cameras = np.unique(np.asarray(cameras, float).reshape(-1, 3), axis=0)
        for start in range(0, len(cameras), CHUNK):
            chunk = cameras[start:start + CHUNK]
            for camera, found in zip(chunk, self._blocking(chunk)):
                self._planned[camera.tobytes()] = found

    def blocking(self, camera: np.ndarray) -> frozenset:
        """The pieces that a sight line from `camera` to a target passes through."""
        camera = np.asarray(camera, float)
        found = self._planned.get(camera.tobytes())
        return self._blocking(camera[None])[0] if found is None else found

    def _blocking(self, cameras: np.ndarray) -> list[frozenset]:
        origins = np.repeat(cameras, len(self.targets), axis=0)
        sight = np.tile(self.targets, (len(cameras), 1)) - origins
        blocked = np.array([_enters_piece(origins, sight, boxes) for boxes in
                            self._boxes.values()]).reshape(len(self._boxes), len(cameras), -1)
        nodes = list(self._boxes)
        return [frozenset(nodes[k] for k in np.flatnonzero(row.any(axis=1)))
                for row in blocked.transpose(1, 0, 2)]

    def apply(self, camera: np.ndarray) -> None:
        """Hide the blocking pieces and show the others (pyrender mesh nodes)."""
        hidden = self.blocking(camera)
        for node in self._boxes:
            node.mesh.is_visible = node not in hidden


def part_boxes(mesh: trimesh.Trimesh) -> np.ndarray:
    """[K,2,3] the axis-aligned boxes of the mesh's connected parts, in order along the
    mesh's longest side (so that boxes in a run are neighbours)."""
    labels = trimesh.graph.connected_component_labels(mesh.face_adjacency, len(mesh.faces))
    corners = mesh.triangles
    boxes = []
    for label in np.unique(labels):
        points = corners[labels == label].reshape(-1, 3)
        boxes.append([points.min(axis=0), points.max(axis=0)])
    boxes = np.array(boxes, float).reshape(-1, 2, 3)
    axis = int(np.argmax(np.ptp(mesh.bounds, axis=0)))
    return boxes[np.argsort(boxes[:, :, axis].mean(axis=1), kind="stable")]


def _enters_piece(origins: np.ndarray, segments: np.ndarray, boxes: np.ndarray) -> np.ndarray:
    """`_enters` for one piece's part boxes, a GROUP of neighbouring boxes at a time: only
    the segments that enter the box around a group, and no piece already entered, are tried
    against its parts. Most sight lines pass far from most parts, and a kitchen that grows
    to fit a wide spill has hundreds of them in one row of cabinets."""
    hit = np.zeros(len(origins), bool)
    for start in range(0, len(boxes), GROUP):
        group = boxes[start:start + GROUP]
        whole = np.array([[group[:, 0].min(axis=0), group[:, 1].max(axis=0)]])
        open_ = np.flatnonzero(~hit)
        near = open_[_enters(origins[open_], segments[open_], whole)]
        if len(near):
            hit[near] = _enters(origins[near], segments[near], group)
    return hit


def _enters(origins: np.ndarray, segments: np.ndarray, boxes: np.ndarray) -> np.ndarray:
    """[n] whether each segment (origin + t * segment) enters any of the boxes ([K,2,3])
    before its end (t < 1): the slab test. (The surroundings keep out of the action's box,
    so no target lies on or in a piece.)"""
    with np.errstate(divide="ignore", invalid="ignore"):
        inverse = 1.0 / segments[:, None]
        t0 = (boxes[None, :, 0] - origins[:, None]) * inverse
        t1 = (boxes[None, :, 1] - origins[:, None]) * inverse
    # nan where a segment runs along a slab's plane: the other axes decide
    near = np.nanmax(np.minimum(t0, t1), axis=2)
    far = np.nanmin(np.maximum(t0, t1), axis=2)
    return ((near <= far) & (far >= 0) & (near < 1)).any(axis=1)
