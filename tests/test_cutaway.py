"""The cutaway's sight-line test: grouped part boxes give what testing every box gives."""
from __future__ import annotations

import numpy as np
import trimesh

from renderer.cutaway import GROUP, _enters, _enters_piece, part_boxes


def test_grouped_boxes_block_exactly_the_sight_lines_every_box_blocks():
    rng = np.random.default_rng(4)
    low = rng.uniform(-2, 2, (5 * GROUP + 3, 3))
    boxes = np.stack([low, low + rng.uniform(0.02, 0.3, low.shape)], axis=1)
    origins = rng.uniform(-3, 3, (4000, 3))
    segments = rng.uniform(-3, 3, (4000, 3)) - origins
    expected = _enters(origins, segments, boxes)
    assert 0.05 < expected.mean() < 0.95  # some blocked, some clear
    assert (_enters_piece(origins, segments, boxes) == expected).all()


def test_part_boxes_run_along_the_longest_side():
    row = trimesh.util.concatenate([trimesh.creation.box((0.2, 0.3, 0.5)).apply_translation(
        (x, 0.0, 0.0)) for x in (2.0, -1.0, 0.5, 3.0)])
    boxes = part_boxes(row)
    assert np.allclose(boxes.mean(axis=1)[:, 0], [-1.0, 0.5, 2.0, 3.0])
