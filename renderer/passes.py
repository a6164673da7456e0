"""Per-frame image passes (colour, depth, segmentation) and the labels read off them.

Depth is float32 metres along the camera's viewing axis, 0 where nothing was hit (the sky).
Segmentation is uint16 instance ids, 0 for the background and the ground. Colour, depth and
ids come from the same pass, so a pixel's depth and id describe the same surface point.
A 2D box is [x0, y0, x1, y1] in pixels with x1, y1 exclusive: it covers columns x0..x1-1.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numba import njit

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
    boxes = np.full((num_ids, 4), -1, dtype=np.int64)
    counts = np.zeros(num_ids, dtype=np.int64)
    _boxes_and_counts(np.ascontiguousarray(segmentation), boxes, counts)
    boxes[0] = -1  # the background and the ground have no box
    return boxes, counts


@njit(cache=True)
def _boxes_and_counts(segmentation: np.ndarray, boxes: np.ndarray, counts: np.ndarray) -> None:
    # one pass over the pixels: sorting a frame's labelled pixels by id cost ten times more
    num_ids = len(counts)
    for row in range(segmentation.shape[0]):
        for col in range(segmentation.shape[1]):
            i = segmentation[row, col]
            if i >= num_ids:
                continue
            counts[i] += 1
            box = boxes[i]
            if box[0] < 0:
                box[0], box[1], box[2], box[3] = col, row, col + 1, row + 1
            else:
                box[0] = min(box[0], col)
                box[2] = max(box[2], col + 1)
                box[3] = row + 1  # rows are visited in order
