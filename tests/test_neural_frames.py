"""neural.frames: frame-count and size constraints, exact round trips, seamless windows."""
from __future__ import annotations

import itertools

import numpy as np
import pytest

from neural import frames as fr


def _video(f: int, h: int, w: int, seed: int = 0) -> np.ndarray:
    return np.random.default_rng(seed).integers(0, 256, (f, h, w, 3), dtype=np.uint8)


@pytest.mark.parametrize(("n", "step", "want"), [
    (1, 4, 1), (2, 4, 1), (3, 4, 5), (5, 4, 5), (6, 4, 5), (7, 4, 9), (9, 4, 9),
    (72, 4, 73), (81, 4, 81), (12, 8, 9), (13, 8, 17), (97, 8, 97)])
def test_valid_count_is_the_nearest_step_k_plus_1(n, step, want):
    got = fr.valid_count(n, step)
    assert got == want and (got - 1) % step == 0
    assert all(abs(c - n) >= abs(got - n) for c in range(1, 4 * n, step))


def test_resampling_spans_the_same_time_and_restores_the_count():
    times = fr.resample_times(6, 5)
    assert times[0] == 0 and times[-1] == 5 and np.all(np.diff(times) > 0)
    video = _video(6, 8, 8)
    model = fr.resample_frames(video, 5)
    assert model.shape == (5, 8, 8, 3) and model.dtype == np.uint8
    assert np.array_equal(model[0], video[0]) and np.array_equal(model[-1], video[-1])
    back = fr.restore_frames(model, 6)
    assert back.shape == video.shape
    assert np.array_equal(back[0], video[0]) and np.array_equal(back[-1], video[-1])
    assert np.array_equal(fr.resample_frames(video, 6), video)  # equal counts: unchanged
    nearest = fr.resample_frames(video, 11, mode="nearest")
    assert all(any(np.array_equal(f, v) for v in video) for f in nearest)


def test_linear_resampling_blends_the_two_neighbours():
    ramp = np.arange(5, dtype=np.float64).reshape(5, 1, 1, 1) * 10  # 0, 10, ..., 40
    out = fr.resample_frames(ramp, 9)
    assert np.allclose(out[:, 0, 0, 0], np.arange(9) * 5)
    assert np.allclose(fr.restore_frames(out, 5), ramp)


@pytest.mark.parametrize(("h", "w"), [(48, 64), (50, 62), (32, 32), (720, 1280), (17, 33)])
def test_pad_and_crop_round_trip_exactly(h, w):
    video = _video(3, h, w)
    padded, pads = fr.pad_to_multiple(video, 16)
    assert padded.shape[1] % 16 == 0 and padded.shape[2] % 16 == 0
    top, bottom, left, right = pads
    assert padded.shape[1:3] == (h + top + bottom, w + left + right)
    if bottom:  # edge replication
        assert np.array_equal(padded[:, -1, left:left + w], video[:, -1])
    assert np.array_equal(fr.crop(padded, pads), video)


def test_fit_pads_small_borders_and_resizes_large_ones():
    small = fr.plan_fit(720, 1270, 16)  # 0 and 10 px: under 1/8 of the side
    assert not small.resized and small.model_size == (720, 1280)
    big = fr.plan_fit(24, 40, 16)  # 8 px more on 24: a third of the side
    assert big.resized and big.model_size[0] % 16 == 0 and big.model_size[1] % 16 == 0
    for h, w in [(50, 62), (24, 40), (32, 32)]:
        video = _video(2, h, w)
        fitted, fit = fr.fit_frames(video, 16)
        assert fitted.shape[1:3] == fit.model_size
        assert all(s % 16 == 0 for s in fit.model_size)
        back = fr.unfit_frames(fitted, fit)
        assert back.shape == video.shape
        if not fit.resized:
            assert np.array_equal(back, video)


def test_resize_to_keeps_a_flat_image_flat():
    flat = np.full((2, 24, 40, 3), 77, np.uint8)
    assert np.array_equal(fr.resize_to(flat, 32, 48), np.full((2, 32, 48, 3), 77, np.uint8))


@pytest.mark.parametrize(("n", "size", "overlap"), [(81, 81, 8), (200, 81, 8), (100, 33, 16),
                                                    (34, 33, 8), (10, 4, 1)])
def test_chunks_cover_with_the_overlap(n, size, overlap):
    windows = fr.chunks(n, size, overlap)
    assert windows[0][0] == 0 and windows[-1][1] == n
    assert all(e - s == min(size, n) for s, e in windows)
    for (_, e0), (s1, _) in itertools.pairwise(windows):
        assert e0 - s1 >= overlap


def test_crossfade_keeps_constants_and_ramps_without_a_seam():
    n = 50
    windows = fr.chunks(n, 17, 5)
    assert len(windows) > 2
    const = [np.full((e - s, 2, 2, 3), 9.0) for s, e in windows]
    assert np.allclose(fr.crossfade(const, windows, n), 9.0)
    ramp = np.arange(n, dtype=np.float64).reshape(n, 1, 1, 1) * 0.5
    joined = fr.crossfade([ramp[s:e] for s, e in windows], windows, n)
    assert np.allclose(joined, ramp)
    # windows that disagree by a constant offset join with no jump bigger than a ramp step
    shifted = [ramp[s:e] + 3.0 * i for i, (s, e) in enumerate(windows)]
    steps = np.diff(fr.crossfade(shifted, windows, n)[:, 0, 0, 0])
    assert steps.max() < 1.5 and steps.min() > 0
    as_uint8 = [np.full((e - s, 1, 1, 3), 200, np.uint8) for s, e in windows]
    out = fr.crossfade(as_uint8, windows, n)
    assert out.dtype == np.uint8 and np.all(out == 200)


def test_flows_are_resampled_by_nearest_frame_and_scaled_by_the_step():
    flows = np.arange(6, dtype=np.float32)[:, None, None, None] * np.ones((6, 2, 3, 2))
    out = fr.resample_flows(flows, 5)  # model frames at source times 0, 1.25, 2.5, 3.75, 5
    np.testing.assert_allclose(out[:, 0, 0, 0], np.array([0, 1, 3, 4, 5]) * 1.25)
    assert out.dtype == np.float32
    np.testing.assert_array_equal(fr.resample_flows(flows, 6), flows)


def test_flows_are_padded_or_resized_and_scaled_like_the_frames():
    flows = np.random.default_rng(0).normal(size=(2, 30, 46, 2)).astype(np.float32)
    fit = fr.plan_fit(30, 46, 16)
    padded = fr.fit_flows(flows, fit)
    assert padded.shape == (2, 32, 48, 2) and not fit.resized
    np.testing.assert_array_equal(fr.crop(padded, fit.pads), flows)
    fit = fr.plan_fit(20, 40, 16)  # resized to 16x32: vectors scaled by 0.8
    assert fit.resized and fit.model_size == (16, 32)
    uniform = np.broadcast_to(np.float32([3.0, -5.0]), (2, 20, 40, 2))
    np.testing.assert_allclose(fr.fit_flows(uniform, fit), np.broadcast_to(
        np.float32([2.4, -4.0]), (2, 16, 32, 2)), rtol=1e-6)
    with pytest.raises(ValueError, match="do not match"):
        fr.fit_flows(flows, fit)
