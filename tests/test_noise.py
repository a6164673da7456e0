"""Flow-warped noise: Gaussian per frame, carried along synthetic flows (translation, sub-pixel
translation, rotation, expansion, occlusion), deterministic, downsampled and reduced to
latent frames, and fast enough at 512x512."""
from __future__ import annotations

import numpy as np
import pytest
from scipy import stats

from neural.noise import downsample, latent_noise, reduce_frames, to_torch, warped_noise


def _centres(h: int, w: int) -> np.ndarray:
    """Pixel centres [H,W,2] (x, y) relative to the image centre."""
    rows, cols = np.indices((h, w), dtype=np.float64)
    return np.stack([cols + 0.5 - w / 2, rows + 0.5 - h / 2], axis=-1)


def _similarity(h: int, w: int, degrees: float, scale: float = 1.0) -> np.ndarray:
    """Flow [H,W,2] of a rotation and zoom about the image centre: s R p - p."""
    p = _centres(h, w)
    c, s = np.cos(np.radians(degrees)), np.sin(np.radians(degrees))
    moved = scale * np.stack([c * p[..., 0] - s * p[..., 1], s * p[..., 0] + c * p[..., 1]], -1)
    return (moved - p).astype(np.float32)


def _constant(h: int, w: int, frames: int, dx: float, dy: float = 0.0) -> np.ndarray:
    """Flows [frames-1,H,W,2] of a uniform translation."""
    return np.broadcast_to(np.float32([dx, dy]), (frames - 1, h, w, 2)).copy()


def _corr(a: np.ndarray, b: np.ndarray) -> float:
    """Pearson correlation of two same-sized arrays."""
    return float(np.corrcoef(a.ravel(), b.ravel())[0, 1])


def _along(first: np.ndarray, later: np.ndarray, flow: np.ndarray) -> float:
    """Correlation of [C,H,W] noise with a later frame at the pixels `flow` carries it to."""
    _, h, w = first.shape
    rows, cols = np.indices((h, w))
    tx = np.floor(cols + 0.5 + flow[..., 0]).astype(int)
    ty = np.floor(rows + 0.5 + flow[..., 1]).astype(int)
    ok = (tx >= 0) & (tx < w) & (ty >= 0) & (ty < h)
    return _corr(first[:, ok], later[:, ty[ok], tx[ok]])


def _assert_gaussian(noise: np.ndarray) -> None:
    """Each frame of [F,...] is N(0, 1): mean, std and a normality test at alpha = 0.01.

    With exact N(0, 1) frames some seeds still fail (about 1 in 10 over 8 frames, mostly the
    normality test at its 1% level); the seeds below are fixed, so the tests are not flaky.
    """
    for k, frame in enumerate(noise):
        values = frame.ravel().astype(np.float64)
        assert abs(values.mean()) < 3 / np.sqrt(values.size), k
        assert abs(values.std() - 1) < 0.02, k
        assert stats.normaltest(values).pvalue > 0.01, k


def test_integer_translation_shifts_the_noise_and_fills_the_entering_strip():
    noise = warped_noise(_constant(64, 64, 4, 3.0), 2, np.random.default_rng(0))
    assert noise.shape == (4, 2, 64, 64) and noise.dtype == np.float32
    for k in range(3):
        np.testing.assert_array_equal(noise[k + 1][..., 3:], noise[k][..., :-3])
        assert _corr(noise[k + 1][..., 3:], noise[k][..., :-3]) > 0.999
        assert abs(_corr(noise[k + 1], noise[k])) < 0.05  # across the flow
        assert abs(_corr(noise[k + 1][..., :3], noise[k][..., -3:])) < 0.2  # fresh, no wrap


def test_sub_pixel_motion_accumulates():
    noise = warped_noise(_constant(64, 64, 11, 0.3), 1, np.random.default_rng(1))
    first, last = noise[0, 0], noise[10, 0]
    shifts = range(-5, 6)
    scores = [_corr(last[:, 8 + s: 56 + s], first[:, 8:56]) for s in shifts]
    assert shifts[int(np.argmax(scores))] == 3
    assert max(scores) > 0.99


def test_rotation_stays_gaussian_and_follows_the_flow():
    noise = warped_noise(np.repeat(_similarity(128, 128, 2.0)[None], 7, 0), 1,
                         np.random.default_rng(3))
    _assert_gaussian(noise)
    assert _along(noise[0], noise[3], _similarity(128, 128, 6.0)) > 0.8
    assert abs(_along(noise[0], noise[3], _similarity(128, 128, -6.0))) < 0.05


@pytest.mark.parametrize("scale", [1.02, 0.98], ids=["zoom-in holes", "zoom-out many-to-one"])
def test_expansion_stays_gaussian_and_follows_the_flow(scale):
    noise = warped_noise(np.repeat(_similarity(128, 128, 0.0, scale)[None], 5, 0), 1,
                         np.random.default_rng(3))
    _assert_gaussian(noise)
    assert _along(noise[0], noise[1], _similarity(128, 128, 0.0, scale)) > 0.9
    assert _along(noise[0], noise[3], _similarity(128, 128, 0.0, scale**3)) > 0.5


def _square_flows(frames: int) -> tuple[np.ndarray, np.ndarray]:
    """A 32x16 square moving 2 px/frame right over a still background: forward, backward."""
    fwd = np.zeros((frames, 64, 64, 2), np.float32)
    back = np.zeros_like(fwd)
    for k in range(frames):
        fwd[k, 16:48, 2 * k: 2 * k + 16, 0] = 2.0
        back[k, 16:48, 2 * k: 2 * k + 16, 0] = -2.0 if k else 0.0
    return fwd[:-1], back


@pytest.mark.parametrize("with_backward", [True, False])
def test_occlusion_covered_background_comes_back_fresh(with_backward):
    fwd, back = _square_flows(17)
    noise = warped_noise(fwd, 8, np.random.default_rng(4),
                         backward_flows=back if with_backward else None)
    _assert_gaussian(noise)
    # Columns 18-25 are background at frame 0, under the square for frames 2-12, and
    # background again at frame 16: their noise there is new.
    assert abs(_corr(noise[0][:, 16:48, 18:26], noise[16][:, 16:48, 18:26])) < 0.1
    carried = _corr(noise[0][:, 16:48, 0:16], noise[16][:, 16:48, 32:48])
    # Backward flows drop the hidden background; without them it mixes into the leading edge.
    assert carried > (0.999 if with_backward else 0.8)


def test_same_seed_same_noise_other_seed_other_noise():
    flows = np.repeat(_similarity(48, 48, 3.0, 1.01)[None], 4, 0)
    first = warped_noise(flows, 2, np.random.default_rng(5))
    np.testing.assert_array_equal(first, warped_noise(flows, 2, np.random.default_rng(5)))
    assert abs(_corr(first, warped_noise(flows, 2, np.random.default_rng(6)))) < 0.05


def test_shot_flows_with_a_zero_last_flow_and_bad_counts():
    flows = _constant(16, 16, 5, 1.0)
    shot = np.concatenate([flows, np.zeros_like(flows[:1])])
    rng = np.random.default_rng(7)
    assert warped_noise(shot, 1, rng, frames=5).shape == (5, 1, 16, 16)
    with pytest.raises(ValueError, match="last"):
        warped_noise(flows, 1, rng, frames=3)
    with pytest.raises(ValueError, match=r"\[F, H, W, 2\]"):
        warped_noise(flows, 1, rng, backward_flows=flows[:2])


def test_downsample_keeps_unit_gaussian_and_rejects_indivisible_sizes():
    noise = warped_noise(np.repeat(_similarity(256, 256, 2.0)[None], 2, 0), 4,
                         np.random.default_rng(8))
    small = downsample(noise, 4)
    assert small.shape == (3, 4, 64, 64) and small.dtype == np.float32
    for frame in small:
        assert abs(frame.std() - 1) < 0.03 and abs(frame.mean()) < 0.03
        assert stats.normaltest(frame.ravel()).pvalue > 0.01
    with pytest.raises(ValueError, match="not divisible by factor 3"):
        downsample(noise, 3)


def test_reduce_frames_pick_mean_and_invalid_counts():
    noise = np.random.default_rng(9).standard_normal((17, 2, 8, 8)).astype(np.float32)
    np.testing.assert_array_equal(reduce_frames(noise, 5), noise[[0, 4, 8, 12, 16]])
    mean = reduce_frames(noise, 5, mode="mean")
    assert mean.shape == (5, 2, 8, 8) and mean.dtype == np.float32
    np.testing.assert_allclose(mean[1:].std(axis=(1, 2, 3)), 1.0, rtol=1e-4)
    assert reduce_frames(noise, 17).shape == (17, 2, 8, 8)
    with pytest.raises(ValueError, match=r"valid latent counts: \[2, 3, 5, 9, 17\]"):
        reduce_frames(noise, 6)
    with pytest.raises(ValueError, match="mode"):
        reduce_frames(noise, 5, mode="max")


def test_latent_noise_chain_and_torch():
    flows = _constant(64, 64, 17, 0.5, 0.25)
    rng = np.random.default_rng(10)
    latent = latent_noise(flows, (5, 4, 8, 8), rng)
    assert latent.shape == (5, 4, 8, 8) and latent.dtype == np.float32
    with pytest.raises(ValueError, match="one integer factor"):
        latent_noise(flows, (5, 4, 8, 16), rng)
    torch = pytest.importorskip("torch")
    tensor = to_torch(latent, dtype=torch.float16)
    assert tensor.dtype == torch.float16 and tuple(tensor.shape) == latent.shape
