"""Procedural surface textures: deterministic per seed, seamless across the wrap, colour-neutral
on average, unit normals from recessed grooves, and each pattern with its own structure."""
from __future__ import annotations

import numpy as np
import pytest

from renderer.textures import PATTERNS, SurfaceTexture, surface_texture

SIZE = 128


def _luminance(texture: SurfaceTexture) -> np.ndarray:
    """[S,S] albedo modulation, x1 = 1.0."""
    return texture.albedo.astype(np.float64).mean(axis=2) / 128.0


def _decoded(texture: SurfaceTexture) -> np.ndarray:
    """[S,S,3] normals decoded back to [-1, 1]."""
    return texture.normal.astype(np.float64) / 255.0 * 2.0 - 1.0


def _pair_steps(image: np.ndarray, axis: int) -> np.ndarray:
    """Mean absolute step from each line to the next along `axis`, wrapping, so the last entry
    is the step across the seam. Lines are averaged over runs of 4 texels first, so texel-scale
    grit does not drown a jump in the smoother structure."""
    lines = np.moveaxis(image.astype(np.float64), axis, 0)
    runs = lines.reshape(lines.shape[0], lines.shape[1] // 4, 4, -1).mean(axis=2)
    return np.abs(np.roll(runs, -1, axis=0) - runs).mean(axis=(1, 2))


def _seam_is_smooth(texture: SurfaceTexture, lined: bool) -> bool:
    """No seam step, in albedo or normals, either axis, is over 1.75x the 95th percentile of
    the interior steps. With `lined` (grout or a board gap on the seam by design) it may also
    match the sharpest interior step, as the same lines recur inside."""
    for image in (texture.albedo, texture.normal):
        for axis in (0, 1):
            steps = _pair_steps(image, axis)
            seam, interior = steps[-1], steps[:-1]
            limit = 1.75 * np.percentile(interior, 95)
            if seam > (max(limit, interior.max()) if lined else limit):
                return False
    return True


@pytest.mark.parametrize("pattern", PATTERNS)
def test_same_seed_is_bit_identical_and_another_seed_differs(pattern):
    first = surface_texture(pattern, 3, SIZE)
    surface_texture.cache_clear()
    again = surface_texture(pattern, 3, SIZE)
    other = surface_texture(pattern, 4, SIZE)
    assert first is not again
    assert np.array_equal(first.albedo, again.albedo)
    assert np.array_equal(first.normal, again.normal)
    assert not np.array_equal(first.albedo, other.albedo)
    assert not np.array_equal(first.normal, other.normal)


@pytest.mark.parametrize("pattern", PATTERNS)
def test_interface_shapes_and_cache(pattern):
    texture = surface_texture(pattern, 1, 64)
    assert texture.pattern == pattern
    assert texture.albedo.shape == texture.normal.shape == (64, 64, 3)
    assert texture.albedo.dtype == texture.normal.dtype == np.uint8
    assert surface_texture(pattern, 1, 64) is texture
    with pytest.raises(ValueError):  # the cached arrays are shared, so they must not change
        texture.albedo[0, 0, 0] = 0


@pytest.mark.parametrize("pattern", PATTERNS)
@pytest.mark.parametrize("seed", [0, 5])
def test_tiles_seamlessly(pattern, seed):
    texture = surface_texture(pattern, seed, SIZE)
    assert _seam_is_smooth(texture, lined=pattern in ("tiles", "planks"))


# Not fabric: its texel-scale weave makes every step large, and what could break at a seam
# (yarn tones, slubs) is too faint to stand out; the weave's own period is tested below.
@pytest.mark.parametrize("pattern", ["wood", "concrete", "stone", "brushed_metal"])
def test_seam_check_catches_a_crop_that_does_not_tile(pattern):
    """The check above fails on a crop of a larger texture: a repeat that does not wrap."""
    whole = surface_texture(pattern, 5, 256)
    crop = SurfaceTexture(pattern, whole.albedo[11:111, 11:111], whole.normal[11:111, 11:111],
                          whole.metres)  # 100 texels: not a whole number of any weave period
    assert not _seam_is_smooth(crop, lined=False)


@pytest.mark.parametrize("pattern", PATTERNS)
def test_albedo_keeps_the_material_colour_on_average(pattern):
    albedo = surface_texture(pattern, 2, SIZE).albedo.astype(np.float64)
    means = albedo.mean(axis=(0, 1)) / 128.0
    assert np.all((means > 0.9) & (means < 1.1)), means
    assert albedo.std() > 2.0  # a real pattern, not a flat x1


@pytest.mark.parametrize("pattern", PATTERNS)
@pytest.mark.parametrize("size", [16, 64, 256])
def test_normals_are_unit_and_face_out(pattern, size):
    n = _decoded(surface_texture(pattern, 2, size))
    length = np.linalg.norm(n, axis=-1)
    assert np.all(np.abs(length - 1.0) < 0.015)
    assert np.all(n[..., 2] > 0.3)
    if size == 256:
        assert np.hypot(n[..., 0], n[..., 1]).max() > 0.05  # there is some relief


@pytest.mark.parametrize("pattern", PATTERNS)
def test_repeat_sizes_are_physical(pattern):
    expected = {"wood": (0.3, 0.8), "planks": (1.0, 2.5), "tiles": (0.6, 1.2),
                "concrete": (1.5, 3.0), "stone": (0.7, 1.5), "fabric": (0.05, 0.2),
                "brushed_metal": (0.2, 0.5)}
    low, high = expected[pattern]
    assert low <= surface_texture(pattern, 0, 64).metres <= high


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_tile_grout_is_dark_recessed_and_on_the_tile_period(seed):
    texture = surface_texture("tiles", seed, 256)
    period = 256 * 0.3 / texture.metres
    assert period == int(period)
    period = int(period)
    lum = _luminance(texture)
    lines = np.arange(0, 256, period)
    for profile in (lum.mean(axis=0), lum.mean(axis=1)):  # along u (columns), along v (rows)
        assert set(np.argsort(profile)[:len(lines)]) == set(lines)
        assert np.all((profile[lines] > 0.5) & (profile[lines] < 0.75))
        between = np.delete(profile, np.concatenate([lines - 1, lines, (lines + 1) % 256]))
        assert between.min() > 0.85
    # Recessed: either side of a grout column the normal leans towards the groove's centre.
    nx = _decoded(texture)[..., 0]
    assert np.all(nx[:, lines - 1].mean(axis=0) > 0.05)
    assert np.all(nx[:, (lines + 1) % 256].mean(axis=0) < -0.05)


@pytest.mark.parametrize("seed", [0, 1, 2, 3])
def test_planks_are_boards_a_little_over_a_decimetre_wide(seed):
    texture = surface_texture("planks", seed, 256)
    rows = _luminance(texture).mean(axis=1)
    # The gaps between boards: rows much darker than the boards a few texels either side.
    gaps = rows - np.minimum(np.roll(rows, 3), np.roll(rows, -3)) < -0.15
    starts = np.flatnonzero(gaps & ~np.roll(gaps, 1))  # each run of gap rows is one gap
    widths = np.diff(np.append(starts, starts[0] + 256)) / 256 * texture.metres
    assert 8 <= len(starts) <= 10
    assert np.all((widths > 0.11) & (widths < 0.16)), widths
    # Butt joints: across the middle of a row of boards, one or two dark columns (boards 1.2
    # or 0.6 m long); averaging rows keeps the joints, which span the row, and blurs the grain.
    centre = (starts[0] + starts[1]) // 2
    middle = _luminance(texture)[centre - 4:centre + 5].mean(axis=0)
    dark = middle < 0.75 * np.median(middle)
    assert 1 <= np.count_nonzero(dark & ~np.roll(dark, 1)) <= 2


@pytest.mark.parametrize("pattern", ["wood", "brushed_metal"])
def test_grain_runs_along_u(pattern):
    lum = _luminance(surface_texture(pattern, 4, SIZE))
    along_u = np.abs(np.diff(lum, axis=1)).mean()
    along_v = np.abs(np.diff(lum, axis=0)).mean()
    assert along_u < 0.5 * along_v, (along_u, along_v)


@pytest.mark.parametrize("pattern", ["concrete", "stone"])
def test_isotropic_patterns_have_no_direction(pattern):
    lum = _luminance(surface_texture(pattern, 4, SIZE))
    ratio = np.abs(np.diff(lum, axis=1)).mean() / np.abs(np.diff(lum, axis=0)).mean()
    assert 0.7 < ratio < 1.4


def test_fabric_is_a_plain_weave_of_millimetre_threads():
    """Over-under: cells where the thread along v is on top and cells where the thread along u
    is alternate as a checkerboard, one cell per thread crossing, threads 1-2 mm wide."""
    texture = surface_texture("fabric", 1, 256)
    n = _decoded(texture)
    lean = np.abs(n[..., 0]) - np.abs(n[..., 1])  # > 0 where a thread along v lies on top

    def checkerboard(cell: int) -> float:
        k = 256 // cell
        means = lean.reshape(k, cell, k, cell).mean(axis=(1, 3))
        sign = (-1.0) ** np.add.outer(np.arange(k), np.arange(k))
        return abs(np.corrcoef(means.ravel(), sign.ravel())[0, 1])

    scores = {cell: checkerboard(cell) for cell in (2, 4, 8, 16)}
    best = max(scores, key=scores.get)
    assert scores[best] > 0.8, scores
    assert 0.001 <= best * texture.metres / 256 <= 0.002


def test_unknown_pattern_names_the_valid_ones():
    with pytest.raises(ValueError) as caught:
        surface_texture("marble", 0)
    for name in PATTERNS:
        assert name in str(caught.value)


@pytest.mark.parametrize("size", [8, 100, 2048, 0, -16, 64.0, True])
def test_bad_size_is_refused(size):
    with pytest.raises(ValueError, match="power of two") as caught:
        surface_texture("wood", 0, size)
    assert "wood" in str(caught.value) and "brushed_metal" in str(caught.value)
