"""neural.control: the control frames of structure-controlled refiners (depth, edges)."""
from __future__ import annotations

import shutil

import numpy as np
import pytest

from bridge import shot as shotfiles
from bridge.errors import UserError
from neural.control import (
    CONTROLS,
    control_frames,
    depth_frames,
    edge_frames,
    read_depth,
    read_segmentation,
)

FRAMES, WIDTH, HEIGHT = 6, 48, 32  # tests.tiny_models.SHOT_SCRIPT


def _two_squares() -> np.ndarray:
    """[2,20,24] ids: square 1 at rows 3..8 x cols 4..9; in frame 0 square 2 at rows 3..8 x
    cols 10..15 (touching square 1), in frame 1 at rows 12..17 x cols 14..21 (apart)."""
    ids = np.zeros((2, 20, 24), np.uint16)
    ids[:, 3:9, 4:10] = 1
    ids[0, 3:9, 10:16] = 2
    ids[1, 12:18, 14:22] = 300  # an id above 255: the PNGs hold 16-bit ids
    return ids


def _ring(shape, rows, cols, width) -> np.ndarray:
    """The lines `edge_frames` draws around one rectangle [rows) x [cols) on a flat
    background, written out: a band over each side's crack, floor(width/2) pixels before it
    (up or left) and ceil(width/2) after it (down or right), corners filled."""
    (y0, y1), (x0, x1) = rows, cols
    before, after = width // 2, width - width // 2  # pixels left of / right of a crack
    out = np.zeros(shape, bool)
    out[max(y0 - before, 0):y1 + after, max(x0 - before, 0):x1 + after] = True
    out[y0 + after:y1 - before, x0 + after:x1 - before] = False
    return out


@pytest.mark.parametrize("width", [1, 2, 3, 4])
def test_edges_are_lines_of_the_given_width_exactly_where_the_ids_change(width):
    ids = _two_squares()
    edges = edge_frames(ids, width)
    assert edges.shape == (2, 20, 24, 3) and edges.dtype == np.uint8
    assert set(np.unique(edges)) <= {0, 255}
    assert np.array_equal(edges[..., 0], edges[..., 1])
    assert np.array_equal(edges[..., 0], edges[..., 2])
    lit = edges[..., 0] == 255
    # frame 1: two separate squares, each in a ring of lines straddling its outline
    expected = (_ring((20, 24), (3, 9), (4, 10), width)
                | _ring((20, 24), (12, 18), (14, 22), width))
    assert np.array_equal(lit[1], expected)
    # frame 0: the union's outline plus the shared side (the crack between columns 9 and 10)
    shared = np.zeros((20, 24), bool)
    shared[3:9, 10 - width // 2:10 + width - width // 2] = True
    expected = _ring((20, 24), (3, 9), (4, 16), width) | shared
    assert np.array_equal(lit[0], expected)


def test_a_crack_is_lit_over_exactly_width_columns_and_flat_regions_stay_black():
    ids = np.zeros((1, 8, 12), np.uint16)
    ids[0, :, 5:] = 4  # the crack between columns 4 and 5, across the whole frame
    for width, columns in ((1, [5]), (2, [4, 5]), (3, [4, 5, 6]), (4, [3, 4, 5, 6])):
        lit = edge_frames(ids, width)[0, ..., 0] == 255
        assert all(list(np.flatnonzero(row)) == columns for row in lit), width
    # no change anywhere (the frame's own border is no boundary)
    assert not edge_frames(np.full((3, 8, 12), 9, np.uint16)).any()
    with pytest.raises(ValueError, match="width"):
        edge_frames(ids, 0)


def test_read_segmentation_decodes_the_pass_as_the_renderer_does(tiny_coarse_shot):
    seg = read_segmentation(tiny_coarse_shot, FRAMES)
    assert seg.shape == (FRAMES, HEIGHT, WIDTH) and seg.dtype == np.uint16
    for k in range(FRAMES):
        assert np.array_equal(seg[k], shotfiles.read_segmentation(shotfiles.SEGMENTATION.path(tiny_coarse_shot, k)))
    assert len(np.unique(seg)) > 1  # the ball is in view: the edges have something to draw
    edges = control_frames(tiny_coarse_shot, "edges", FRAMES)
    assert np.array_equal(edges, edge_frames(seg))
    assert edges.shape == (FRAMES, HEIGHT, WIDTH, 3) and edges.any()


def test_a_missing_segmentation_pass_says_which_pass_to_render(shot):
    shutil.rmtree(shot / "segmentation")
    for call in (lambda: read_segmentation(shot, FRAMES),
                 lambda: control_frames(shot, "edges", FRAMES)):
        with pytest.raises(UserError, match=r"render with --passes \.\.\.,segmentation"):
            call()


def test_depth_control_is_the_normalised_depth_pass(tiny_coarse_shot):
    depth = read_depth(tiny_coarse_shot, FRAMES)
    assert depth.shape == (FRAMES, HEIGHT, WIDTH) and depth.dtype == np.float32
    frames = control_frames(tiny_coarse_shot, "depth", FRAMES)
    assert np.array_equal(frames, depth_frames(depth))
    assert frames.shape == (FRAMES, HEIGHT, WIDTH, 3) and frames.dtype == np.uint8


def test_a_missing_depth_pass_says_which_pass_to_render(shot):
    shutil.rmtree(shot / "depth")
    with pytest.raises(UserError, match=r"render with --passes \.\.\.,depth"):
        control_frames(shot, "depth", FRAMES)


def test_an_unknown_control_lists_the_valid_ones(tiny_coarse_shot):
    assert CONTROLS == ("depth", "edges")
    with pytest.raises(UserError, match="unknown control 'normals'; valid controls: "
                                        "depth, edges"):
        control_frames(tiny_coarse_shot, "normals", FRAMES)


def test_depth_frames_are_near_bright_and_sky_black():
    depth = np.array([[[1.0, 2.0, 3.0, np.inf, 0.0]]], np.float32)
    image = depth_frames(depth)
    assert image.shape == (1, 1, 5, 3) and image.dtype == np.uint8
    levels = image[0, 0, :, 0]
    assert levels[0] > levels[1] > levels[2] > 0 and levels[3] == levels[4] == 0
