"""neural.fidelity: warp error and edge agreement on synthetic videos with known answers, and
measure/compare (after refining, when a backend is named) on a real tiny shot folder."""
from __future__ import annotations

import math

import numpy as np
import pytest

from bridge import shot as shotfiles
from bridge.errors import UserError
from neural import fidelity as fid
from neural import refine as rf

pytestmark = pytest.mark.slow  # seconds a test: left out of `make test-quick`

HEIGHT, WIDTH, FRAMES = 40, 56, 5


def _texture(offset_x: float, offset_y: float) -> np.ndarray:
    """A smooth RGB texture seen through a window moved by (offset_x, offset_y) px, uint8."""
    rows, cols = np.indices((HEIGHT, WIDTH), np.float64)
    x, y = cols + offset_x, rows + offset_y
    channels = [127.5 + 60 * np.sin(0.31 * x + 0.17 * y + phase)
                + 55 * np.cos(0.13 * x - 0.29 * y + 2 * phase) for phase in (0.0, 1.1, 2.3)]
    return np.clip(np.rint(np.stack(channels, axis=-1)), 0, 255).astype(np.uint8)


def _panning(step: tuple[float, float]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Frames whose window moves by `step` per frame; their exact forward and backward flows."""
    frames = np.stack([_texture(k * step[0], k * step[1]) for k in range(FRAMES)])
    # content at window offset o_k + x is seen at x - step in the next frame
    forward = np.broadcast_to(np.float32([-step[0], -step[1]]),
                              (FRAMES, HEIGHT, WIDTH, 2)).copy()
    return frames, forward, -forward


@pytest.mark.parametrize("step", [(2.0, -1.0), (1.37, -0.61)])
def test_warp_error_vanishes_along_the_exact_flow_and_not_on_shuffled_frames(step):
    frames, forward, backward = _panning(step)
    exact = fid.warp_error(frames, forward, backward)
    integer = step[0].is_integer() and step[1].is_integer()
    assert exact["mean_abs"] < (1e-9 if integer else 0.004)
    assert exact["rmse"] < (1e-9 if integer else 0.006)
    # targets inside [0, side - 1]: ceil(|dx|) columns and ceil(|dy|) rows fall off
    lost_cols, lost_rows = math.ceil(abs(step[0])), math.ceil(abs(step[1]))
    assert exact["visible"] == pytest.approx(
        (WIDTH - lost_cols) * (HEIGHT - lost_rows) / (WIDTH * HEIGHT))
    assert fid.warp_error(frames, forward) == exact  # a consistent backward flow drops nothing

    shuffled = fid.warp_error(frames[[3, 0, 4, 1, 2]], forward, backward)
    assert shuffled["mean_abs"] > 0.08 and shuffled["mean_abs"] > 20 * exact["mean_abs"]
    still = fid.warp_error(frames, np.zeros_like(forward))  # ignoring the motion costs too
    assert still["mean_abs"] > 0.05 and still["visible"] == 1.0


def test_pixels_failing_the_forward_backward_check_are_left_out():
    frames, forward, backward = _panning((2.0, -1.0))
    wrong = forward.copy()
    wrong[:, 10:20, 10:30] += np.float32([5.0, 3.0])  # points 5.8 px off: an occluded patch
    naive = fid.warp_error(frames, wrong)
    checked = fid.warp_error(frames, wrong, backward)
    clean = fid.warp_error(frames, forward, backward)
    assert naive["mean_abs"] > 0.01  # counted, the patch raises the error
    assert checked["mean_abs"] < 1e-9  # |f + b| = 5.8 > 0.5 + 0.05 |f|: all dropped
    dropped = (FRAMES - 1) * 10 * 20 / ((FRAMES - 1) * HEIGHT * WIDTH)
    assert checked["visible"] == pytest.approx(clean["visible"] - dropped)
    # the tolerance grows with the motion: 0.4 px off passes, 0.7 px off does not
    for error, kept in ((0.4, True), (0.7, False)):
        off = forward.copy()
        off[:, 10:20, 10:30, 0] += error
        result = fid.warp_error(frames, off, backward)
        assert (result["visible"] == pytest.approx(clean["visible"])) is kept


def test_pixels_whose_instance_changes_are_left_out():
    frames, forward, backward = _panning((2.0, -1.0))
    ids = np.ones((FRAMES, HEIGHT, WIDTH), np.uint16)
    occluded = frames.copy()
    for k in range(1, FRAMES):  # a black occluder (id 2) appears over the moving background
        occluded[k, 12:22, 15:25] = 0
        ids[k, 12:22, 15:25] = 2
    naive = fid.warp_error(occluded, forward, backward)
    checked = fid.warp_error(occluded, forward, backward, ids)
    clean = fid.warp_error(frames, forward, backward, np.ones_like(ids))
    assert naive["mean_abs"] > 0.01
    assert checked["mean_abs"] < 1e-9
    # frame 0 -> 1: the 100 background pixels that land on the occluder; later pairs: the 28
    # background pixels landing on it and the 28 occluder pixels moving off it (the other 72
    # occluder pixels land on the occluder again and are kept)
    dropped = (100 + (FRAMES - 2) * (28 + 28)) / ((FRAMES - 1) * HEIGHT * WIDTH)
    assert checked["visible"] == pytest.approx(clean["visible"] - dropped)


def test_no_visible_pixel_gives_nan_not_a_perfect_score():
    frames, forward, _ = _panning((2.0, -1.0))
    result = fid.warp_error(frames, forward + np.float32(1e3))
    assert result["visible"] == 0.0
    assert math.isnan(result["mean_abs"]) and math.isnan(result["rmse"])


def _segmentation() -> np.ndarray:
    """Three frames of a moving rectangle (id 1) and disc (id 2) on background (id 0)."""
    rows, cols = np.indices((HEIGHT, WIDTH))
    ids = np.zeros((3, HEIGHT, WIDTH), np.uint16)
    for k in range(3):
        ids[k, 5 + k:20 + k, 4:18] = 1
        ids[k][(rows - 25) ** 2 + (cols - 38 + 2 * k) ** 2 <= 81] = 2
    return ids


# luminance 0.12, 0.42, 0.68: every step between two ids is above the edge threshold
COLOURS = np.array([[30, 30, 30], [220, 60, 60], [90, 200, 250]], np.uint8)


def test_edges_drawn_from_the_segmentation_agree_with_it():
    step = np.array([[1, 1, 2, 2], [1, 1, 2, 2], [3, 3, 3, 3]], np.uint16)
    assert fid.boundary_map(step).tolist() == [[False, True, True, False],  # both sides
                                               [True, True, True, True],
                                               [True, True, True, True]]
    ids = _segmentation()
    result = fid.edge_agreement(COLOURS[ids], ids)
    assert result["precision"] == 1.0 and result["recall"] == 1.0 and result["f1"] == 1.0
    assert result["boundary_fraction"] == pytest.approx(
        sum(fid.boundary_map(frame).sum() for frame in ids) / ids.size)


def test_edges_away_from_the_boundaries_or_missing_score_low():
    ids = _segmentation()
    near = fid.edge_agreement(COLOURS[np.roll(ids, 1, axis=1)], ids)  # 1 px down
    assert near["precision"] == 1.0 and near["recall"] == 1.0
    # 2 px, the tolerance: only the Sobel responses diagonal to corners end up 2.2 px away
    within = fid.edge_agreement(COLOURS[np.roll(ids, 2, axis=1)], ids)
    assert within["precision"] > 0.9 and within["recall"] == 1.0
    shifted = fid.edge_agreement(COLOURS[np.roll(ids, (6, 6), axis=(1, 2))], ids)
    assert shifted["precision"] < 0.35 and shifted["recall"] < 0.35 and shifted["f1"] < 0.35
    assert fid.edge_agreement(COLOURS[np.roll(ids, 6, axis=1)], ids, tolerance=6)["f1"] > 0.95

    flat = fid.edge_agreement(np.full(ids.shape + (3,), 128, np.uint8), ids)
    assert flat == {"precision": 0.0, "recall": 0.0, "f1": 0.0, "edge_fraction": 0.0,
                    "boundary_fraction": flat["boundary_fraction"]}
    faint = np.array([[112] * 3, [100] * 3, [124] * 3], np.uint8)  # each id 12 levels off 0's
    assert fid.edge_agreement(faint[ids], ids)["edge_fraction"] == 0.0  # below the threshold
    noise = np.random.default_rng(0).integers(0, 256, ids.shape + (3,), np.uint8)
    assert fid.edge_agreement(noise, ids)["precision"] < 0.3


def test_measure_and_compare_on_a_real_shot(shot):
    coarse = fid.measure(shot, shotfiles.RGB)
    assert coarse["warp"]["mean_abs"] < 0.01 and coarse["warp"]["visible"] > 0.9
    assert coarse["edges"]["f1"] > 0.5
    assert fid.compare(shot) == {"coarse": coarse}  # nothing refined yet

    fps = shotfiles.read_json(shot / shotfiles.METADATA)["scene"]["fps"]
    frames = rf.read_video(shot / shotfiles.RGB)
    rf.write_video(shot / shotfiles.REFINED, frames, fps)  # an identity refinement
    same = fid.compare(shot)["ratios"]
    # a second H.264 pass moves the figures a little (on this 48x32 shot, +27% and -14%)
    assert 0.7 < same["warp_mean_abs"] < 1.5 and 0.75 < same["edge_f1"] < 1.25

    noise = np.random.default_rng(1).integers(0, 256, frames.shape, np.uint8)
    rf.write_video(shot / shotfiles.REFINED, noise, fps)
    result = fid.compare(shot)
    assert result["refined"] == fid.measure(shot)
    assert result["ratios"]["warp_mean_abs"] > 5 and result["ratios"]["edge_f1"] < 0.5


def test_shots_are_measured_or_refined_first_when_a_backend_is_named(shot, monkeypatch):
    seen = []

    def fake_refine(folder, options, backend):
        seen.append((backend, options))
        frames = rf.read_video(folder / shotfiles.RGB)
        rf.write_video(folder / shotfiles.REFINED, 255 - frames, 12)

    monkeypatch.setattr(rf, "refine_shot", fake_refine)
    flags = {"backend": None, "model": None, "strength": None}
    assert set(fid.refine_and_compare(shot, flags)) == {"coarse"} and not seen

    report = fid.refine_and_compare(shot, {
        "backend": "ltx", "model": "some/model", "strength": 0.3, "steps": 7,
        "offload": "model", "vae_tiling": True, "guidance": None})
    assert set(report) == {"refine_s", "coarse", "refined", "ratios"}
    backend, options = seen[0]
    assert backend == "ltx" and (options.model, options.strength, options.steps,
                                 options.offload, options.vae_tiling, options.guidance) == (
        "some/model", 0.3, 7, "model", True, rf.RefineOptions().guidance)


def test_a_shot_without_the_labels_is_a_user_error(shot):
    flow = shotfiles.FORWARD_FLOW
    for path in (shot / flow.folder).glob(flow.pattern):
        path.unlink()
    with pytest.raises(UserError, match="flow and segmentation passes"):
        fid.compare(shot)
