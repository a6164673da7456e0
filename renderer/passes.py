"""Per-frame image passes (colour, depth, segmentation) and the labels read off them.

Depth is float32 metres along the camera's viewing axis, 0 where nothing was hit (the sky).
Segmentation is uint16 instance ids, 0 for the background and the ground. Colour, depth and
ids come from the same pass, so a pixel's depth and id describe the same surface point.
A 2D box is [x0, y0, x1, y1] in pixels with x1, y1 exclusive: it covers columns x0..x1-1.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from renderer.offscreen import Offscreen
from renderer.scene_builder import ShotScene


@dataclass
class FramePasses:
    rgb: np.ndarray | None  # [H,W,3] uint8, None when colour was not asked for
    depth: np.ndarray  # [H,W] float32 metres, 0 = nothing
    segmentation: np.ndarray  # [H,W] uint16 instance ids
    normals: np.ndarray | None = None  # [H,W,3] uint16 world normals, (n + 1) / 2 x 65535


def render_frame(renderer: Offscreen, shot: ShotScene, lit: bool) -> FramePasses:
    """Render the passes of the frame currently posed in `shot`: one lit pass that also
    writes ids (and normals when the renderer reads them), or only the cheaper unlit ids
    pass."""
    if lit:
        passes = FramePasses(*renderer.render_lit(shot.scene, shot.shadows))
        passes.normals = renderer.last_normals
        return passes
    return FramePasses(None, *renderer.render_ids(shot.scene))


def boxes_and_counts(segmentation: np.ndarray, num_ids: int) -> tuple[np.ndarray, np.ndarray]:
    """Per id in [0, num_ids): boxes [num_ids,4] int (-1 where absent) and pixel counts."""
    width = segmentation.shape[1]
    flat = segmentation.ravel()
    counts = np.bincount(flat, minlength=num_ids)[:num_ids]
    boxes = np.full((num_ids, 4), -1, dtype=np.int64)
    where = np.flatnonzero(flat)
    if where.size == 0:
        return boxes, counts
    ids = flat[where]
    order = np.argsort(ids, kind="stable")
    ids, where = ids[order], where[order]
    starts = np.flatnonzero(np.r_[True, ids[1:] != ids[:-1]])
    rows, cols = where // width, where % width
    present = ids[starts]
    keep = present < num_ids
    boxes[present[keep]] = np.stack([
        np.minimum.reduceat(cols, starts), np.minimum.reduceat(rows, starts),
        np.maximum.reduceat(cols, starts) + 1, np.maximum.reduceat(rows, starts) + 1,
    ], axis=1)[keep]
    return boxes, counts
