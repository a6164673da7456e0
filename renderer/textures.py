"""Procedural surface textures: seeded, tileable albedo-modulation and normal maps in numpy.

The renderer lays these triplanar in each object's own frame, repeating every `metres`, so
each texture must tile without a seam (all noise here is FFT-filtered white noise, all lines
and cells wrap) and must have a physical repeat size. The albedo is a modulation, not a
colour (128 = x1, mean ~1 per channel), so a red plastic stays red on average and a pattern
can dress any material. Normals come from a periodic height map whose relief is given in
millimetres per pattern, so bumps keep a physical depth whatever the texture's resolution.
Every texture is a pure function of (pattern, seed, size), and cached.
"""
from __future__ import annotations

import functools
import zlib
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from scipy import fft, ndimage

PATTERNS: tuple[str, ...] = ("wood", "planks", "tiles", "concrete", "stone", "fabric",
                             "brushed_metal")
MIN_SIZE, MAX_SIZE = 16, 1024


@dataclass(frozen=True)
class SurfaceTexture:
    pattern: str
    albedo: np.ndarray  # [S,S,3] uint8 colour modulation, value / 128 (128 = x1.0)
    normal: np.ndarray  # [S,S,3] uint8 (n + 1) / 2 * 255; x along u (columns), y along v (rows)
    metres: float  # world size of one repeat


Field = tuple[np.ndarray, np.ndarray]  # (modulation [S,S] or [S,S,3], height [S,S], ~unit relief)


def _noise(rng: np.random.Generator, size: int, cycles_u: float,
           cycles_v: float | None = None) -> np.ndarray:
    """Periodic Gaussian noise (zero mean, unit std), low-passed at `cycles` per repeat per axis.

    Drawn as white noise straight in the frequency domain, so only whole cycles per repeat
    exist and it wraps exactly; coefficients the filter all but zeroes are never drawn."""
    cycles_v = cycles_u if cycles_v is None else cycles_v
    gain_u = np.exp(-0.5 * (np.fft.rfftfreq(size, 1.0 / size) / cycles_u) ** 2)
    gain_v = np.exp(-0.5 * (np.fft.fftfreq(size, 1.0 / size) / cycles_v) ** 2)
    rows, cols = np.flatnonzero(gain_v > 1e-4), np.flatnonzero(gain_u > 1e-4)
    re, im = rng.standard_normal((2, rows.size, cols.size), dtype=np.float32)
    spectrum = np.zeros((size, size // 2 + 1), np.complex64)
    spectrum[np.ix_(rows, cols)] = (re + 1j * im) * np.outer(gain_v[rows], gain_u[cols])
    spectrum[0, 0] = 0.0
    field = fft.irfft2(spectrum, s=(size, size))
    return field * np.float32(1.0 / (field.std(dtype=np.float64) + 1e-12))


def _fbm(rng: np.random.Generator, size: int, cycles: float, octaves: int) -> np.ndarray:
    """Multi-scale noise: octaves from `cycles` per repeat upwards, each finer one weaker."""
    total = sum(0.55 ** k * _noise(rng, size, cycles * 2 ** k) for k in range(octaves))
    return total / total.std()


def _grid(size: int, centred: bool = False) -> tuple[np.ndarray, np.ndarray]:
    """Texel positions (u, v) in repeats: u along columns, v along rows."""
    t = ((np.arange(size) + (0.5 if centred else 0.0)) / size).astype(np.float32)
    return np.meshgrid(t, t)


def _wrap(x: np.ndarray) -> np.ndarray:
    """Signed offset from the nearest integer, in [-0.5, 0.5]."""
    return x - np.round(x)


def _smoothstep(a: float, b: float, x: np.ndarray) -> np.ndarray:
    t = np.clip((x - a) / (b - a), 0.0, 1.0)
    return t * t * (3.0 - 2.0 * t)


def _line(dist_px: np.ndarray, width_px: float) -> np.ndarray:
    """Fraction of each texel covered by a line `width_px` wide `dist_px` from its centre."""
    half = width_px / 2.0
    return np.clip(np.minimum(dist_px + 0.5, half) - np.maximum(dist_px - 0.5, -half), 0.0, 1.0)


def _groove(dist_px: np.ndarray, width_px: float, bevel_px: float) -> np.ndarray:
    """Depth 0..1 of a trough with a flat floor `width_px` wide and walls `bevel_px` wide."""
    return np.clip((width_px / 2.0 + bevel_px - dist_px) / bevel_px, 0.0, 1.0)


def _tint(lum: np.ndarray, gammas: tuple[float, float, float]) -> np.ndarray:
    """RGB modulation lum ** gamma per channel, so darker areas also shift hue (wood reddens)."""
    return np.exp(np.log(np.clip(lum, 1e-3, None))[..., None] * np.float32(gammas))


def _grain(rng: np.random.Generator, size: int, metres: float) -> Field:
    """Flat-sawn grain: wavy growth rings along u, fibres, a few dark mineral streaks."""
    _, v = _grid(size)
    rings = max(4, round(metres / rng.uniform(0.012, 0.018)))  # whole rings per repeat: periodic
    # The rings drift slowly across v along the board, never steeply enough to fold back.
    bend = 2.0 * _noise(rng, size, metres / 0.5, metres / 0.5) \
        + 0.15 * _noise(rng, size, metres / 0.15, metres / 0.06)
    phase = (v * rings + bend) % 1.0
    # Latewood darkens gradually and ends abruptly at the next year's earlywood.
    late = _smoothstep(0.35, 0.97, phase) ** 1.5
    fibre = _noise(rng, size, metres / 0.04, metres / 0.0008)
    streak = _smoothstep(1.6, 2.6, _noise(rng, size, metres / 0.4, metres / 0.006))
    lum = (1.0 - 0.22 * late - 0.035 * fibre - 0.14 * streak
           + 0.05 * _noise(rng, size, metres / 0.25))
    return lum, 0.5 * late + 0.3 * fibre


def _wood(rng: np.random.Generator, size: int, metres: float) -> Field:
    lum, height = _grain(rng, size, metres)
    return _tint(lum, (1.0, 1.15, 1.35)), height


def _stagger(rng: np.random.Generator, counts: np.ndarray, clearance: float = 0.1) -> np.ndarray:
    """Per-row butt-joint offsets (repeats), kept `clearance` from the joints of adjacent rows."""
    def joints(offset: float, n: int) -> np.ndarray:
        return (offset + np.arange(n) / n) % 1.0

    offsets: list[float] = []
    for i, n in enumerate(counts):
        near = [joints(offsets[-1], counts[i - 1])] if i else []
        if i == len(counts) - 1:  # the last row also meets the first across the wrap
            near.append(joints(offsets[0], counts[0]))
        for _ in range(100):
            offset = rng.random()
            mine = joints(offset, n)
            if all(np.abs(_wrap(mine[:, None] - o[None, :])).min() >= clearance for o in near):
                break
        offsets.append(offset)
    return np.array(offsets)


def _planks(rng: np.random.Generator, size: int, metres: float) -> Field:
    rows = int(rng.choice([8, 9, 10]))  # boards 0.15, 0.133 or 0.12 m wide
    counts = rng.choice([1, 2], size=rows, p=[0.6, 0.4])  # boards 1.2 or 0.6 m long
    offsets = _stagger(rng, counts)
    u, v = _grid(size)
    row = np.floor(v * rows).astype(int) % rows
    along = (u - offsets[row]) * counts[row]
    board = row * 2 + np.floor(along).astype(int) % counts[row]
    # Each board cuts its own piece out of one shared grain field.
    grain, grain_height = _grain(rng, size, metres)
    shift = rng.integers(0, size, (rows * 2, 2))
    r, c = np.indices((size, size))
    r, c = (r + shift[board, 0]) % size, (c + shift[board, 1]) % size
    tone = np.exp(0.08 * rng.standard_normal(rows * 2))[board]
    gap_px, bevel_px = max(0.003 * size / metres, 1.0), max(0.002 * size / metres, 1.0)
    d_side = np.abs(_wrap(v * rows)) * size / rows
    d_end = np.abs(_wrap(along)) * size / counts[row]
    gap = np.maximum(_line(d_side, gap_px), _line(d_end, gap_px))
    groove = np.maximum(_groove(d_side, gap_px, bevel_px), _groove(d_end, gap_px, bevel_px))
    lum = grain[r, c] * tone * (1.0 - 0.7 * gap)
    return _tint(lum, (1.0, 1.15, 1.35)), 0.03 * grain_height[r, c] - groove


def _tiles(rng: np.random.Generator, size: int, metres: float) -> Field:
    per = round(metres / 0.3)  # 0.3 m tiles, whole ones per repeat
    u, v = _grid(size)
    grout_px, bevel_px = max(0.0045 * size / metres, 1.0), max(0.0015 * size / metres, 1.0)
    # Grout lines centred on texel columns/rows k * size / per.
    d = np.minimum(np.abs(_wrap(u * per)), np.abs(_wrap(v * per))) * size / per
    grout = _line(d, grout_px)
    tile = (np.floor(v * per).astype(int) % per) * per + np.floor(u * per).astype(int) % per
    tone = np.exp(0.035 * rng.standard_normal(per * per))[tile]
    glaze = 1.0 + 0.015 * _fbm(rng, size, metres / 0.1, 3)
    grout_lum = 0.62 * (1.0 + 0.06 * _noise(rng, size, metres / 0.01))
    lum = tone * glaze * (1.0 - grout) + grout_lum * grout
    height = 0.02 * _noise(rng, size, metres / 0.15) - _groove(d, grout_px, bevel_px)
    return lum, height


def _pores(rng: np.random.Generator, size: int, metres: float, per_m2: float) -> np.ndarray:
    """Coverage 0..1 of small round voids (bug holes), each splatted on the texel holding it."""
    count = rng.poisson(per_m2 * metres ** 2)
    radius = 0.001 + rng.exponential(0.0015, count)
    at = rng.integers(0, size, (2, count))
    cover = np.zeros((size, size))
    np.add.at(cover, (at[0], at[1]), np.pi * radius ** 2 / (metres / size) ** 2)
    return np.clip(ndimage.gaussian_filter(cover, 0.5, mode="wrap"), 0.0, 1.0)


def _concrete(rng: np.random.Generator, size: int, metres: float) -> Field:
    blotch = _fbm(rng, size, metres / 0.6, 3)
    grain = _fbm(rng, size, metres / 0.05, 3)
    sand = _noise(rng, size, size / 3.0)  # texel-scale grit
    pores = _pores(rng, size, metres, per_m2=400.0)
    lum = 1.0 + 0.045 * blotch + 0.03 * grain + 0.02 * sand - 0.5 * pores
    # A faint warm/cool drift, as cement and aggregate vary from batch to batch.
    drift = 0.006 * _noise(rng, size, metres / 0.8)[..., None] * np.array([1.0, 0.0, -1.0])
    return lum[..., None] * (1.0 + drift), 0.3 * grain + 0.3 * sand - pores


def _voronoi(u: np.ndarray, v: np.ndarray, seeds: np.ndarray) -> tuple[np.ndarray, ...]:
    """Periodic nearest and second-nearest seed distances (repeats) and the nearest's index."""
    f1 = np.full(u.shape, np.inf, np.float32)  # squared distances until the end
    f2 = f1.copy()
    nearest = np.zeros(u.shape, np.int32)
    for i, (su, sv) in enumerate(seeds):  # a loop over seeds keeps memory at O(S^2)
        ou, ov = _wrap(u - np.float32(su)), _wrap(v - np.float32(sv))
        d = ou * ou + ov * ov
        np.minimum(f2, np.maximum(f1, d), out=f2)
        nearest += (d < f1) * (np.int32(i) - nearest)  # arithmetic: masked writes are slow
        np.minimum(f1, d, out=f1)
    return np.sqrt(f1), np.sqrt(f2), nearest


def _stone(rng: np.random.Generator, size: int, metres: float) -> Field:
    g = max(2, round(metres / 0.28))  # slabs ~0.28 m across on a jittered grid
    cells = np.stack(np.meshgrid(np.arange(g), np.arange(g)), -1).reshape(-1, 2)
    seeds = (cells + 0.5 + rng.uniform(-0.4, 0.4, cells.shape)) / g
    u, v = _grid(size)  # a periodic warp bends the straight Voronoi edges into wavy joints
    u, v = u + 0.022 * _noise(rng, size, 4.0), v + 0.022 * _noise(rng, size, 4.0)
    f1, f2, cell = _voronoi(u, v, seeds)
    du, dv = _wrap(u - seeds[cell, 0]), _wrap(v - seeds[cell, 1])
    seam_px, bevel_px = max(0.012 * size / metres, 1.0), max(0.025 * size / metres, 1.0)
    d = (f2 - f1) / 2.0 * size  # ~distance to the bisector, in texels
    mortar = _line(d, seam_px)
    n = len(seeds)
    tone = np.exp(0.1 * rng.standard_normal((n, 1)) + 0.015 * rng.standard_normal((n, 3)))
    mottle = _fbm(rng, size, metres / 0.12, 4)
    slab = tone[cell].astype(np.float32) * (1.0 + 0.08 * mottle)[..., None]
    mortar_lum = 0.55 * (1.0 + 0.08 * _noise(rng, size, metres / 0.02))
    mod = slab * (1.0 - mortar[..., None]) + (mortar_lum * mortar)[..., None]
    tilt = rng.normal(0.0, 1.5, (n, 2))  # slabs are laid not quite level
    height = _smoothstep(seam_px / 2, seam_px / 2 + bevel_px, d) ** 0.5 \
        + 0.12 * mottle + tilt[cell, 0] * du + tilt[cell, 1] * dv
    return mod, height


def _fabric(rng: np.random.Generator, size: int, metres: float) -> Field:
    threads = 64  # 1.56 mm threads in a 0.1 m repeat; even, so the over-under parity wraps
    if size < 2 * threads:  # too fine for the texels: build finer and box-average (a mip level)
        k = 2 * threads // size
        mod, height = _fabric(rng, 2 * threads, metres)
        return (mod.reshape(size, k, size, k, 3).mean((1, 3)),
                height.reshape(size, k, size, k).mean((1, 3)))
    u, v = _grid(size, centred=True)
    x, y = u * threads, v * threads
    i, j = np.floor(x).astype(int), np.floor(y).astype(int)

    def profile(f: np.ndarray) -> np.ndarray:  # elliptic thread cross-section
        return np.sqrt(np.clip(1.0 - (2.0 * f) ** 2, 0.0, 1.0))

    # Plain weave: the warp (thread i, along v) is over where i + j is even, the weft where odd.
    warp = 0.2 * np.cos(np.pi * (y - 0.5 + i)) + profile(x - i - 0.5)
    weft = -0.2 * np.cos(np.pi * (x - 0.5 + j)) + profile(y - j - 0.5)
    on_warp = warp >= weft
    height = np.maximum(warp, weft)
    yarn = np.exp(0.04 * rng.standard_normal((2, threads)))  # uneven yarn, thread by thread
    fibre_v = _noise(rng, size, size / 3.0, metres / 0.004)
    fibre_u = _noise(rng, size, metres / 0.004, size / 3.0)
    fibre = np.where(on_warp, fibre_v, fibre_u)
    tone = np.where(on_warp, yarn[0][i % threads], 0.95 * yarn[1][j % threads])
    shade = 0.55 + 0.45 * np.clip(height, 0.0, 1.0)  # crevices between threads fall in shadow
    slub = 1.0 + 0.05 * _fbm(rng, size, metres / 0.03, 2)
    return (tone * (1.0 + 0.05 * fibre) * shade * slub)[..., None] * np.ones(3), \
        height + 0.03 * fibre


def _brushed_metal(rng: np.random.Generator, size: int, metres: float) -> Field:
    fine = _noise(rng, size, metres / 0.12, metres / 0.0003)  # long along u, hairline across
    coarse = _noise(rng, size, metres / 0.3, metres / 0.004)
    sheen = _noise(rng, size, metres / 0.2)
    lum = 1.0 + 0.035 * fine + 0.025 * coarse + 0.02 * sheen
    return lum, fine + 0.5 * coarse


# pattern -> (builder, metres per repeat, relief in millimetres per unit of builder height)
_SPECS: dict[str, tuple[Callable[[np.random.Generator, int, float], Field], float, float]] = {
    "wood": (_wood, 0.5, 0.3),
    "planks": (_planks, 1.2, 3.0),
    "tiles": (_tiles, 1.2, 3.0),
    "concrete": (_concrete, 2.0, 3.0),
    "stone": (_stone, 1.0, 4.0),
    "fabric": (_fabric, 0.1, 0.6),
    "brushed_metal": (_brushed_metal, 0.3, 0.05),
}


def _albedo(mod: np.ndarray) -> np.ndarray:
    """uint8 modulation with each channel's mean rescaled to exactly x1 (128)."""
    mod = mod.astype(np.float32)
    mean = mod.mean(axis=(0, 1), dtype=np.float64)
    out = np.clip(np.rint(mod * (128.0 / mean).astype(np.float32)), 0, 255).astype(np.uint8)
    return np.repeat(out[..., None], 3, axis=2) if out.ndim == 2 else out


def _normal(height_mm: np.ndarray, texel_m: float) -> np.ndarray:
    """uint8 tangent-space normals of a periodic height map in mm, texels `texel_m` apart."""
    h = height_mm.astype(np.float32) * np.float32(1e-3 / (2.0 * texel_m))
    gx = np.roll(h, -1, axis=1) - np.roll(h, 1, axis=1)  # slopes, metres per metre
    gy = np.roll(h, -1, axis=0) - np.roll(h, 1, axis=0)
    z = 1.0 / np.sqrt(1.0 + gx * gx + gy * gy)
    n = np.stack([-gx * z, -gy * z, z], axis=-1)
    return np.rint((n + 1.0) * 127.5).astype(np.uint8)


@functools.lru_cache(maxsize=64, typed=True)  # typed: 64.0 must not hit 64
def surface_texture(pattern: str, seed: int, size: int = 256) -> SurfaceTexture:
    """The `pattern` texture for `seed`, size x size texels; cached, so arrays are read-only."""
    if pattern not in _SPECS:
        raise ValueError(f"unknown texture pattern {pattern!r}; valid: {', '.join(PATTERNS)}")
    if (isinstance(size, bool) or not isinstance(size, (int, np.integer))
            or not MIN_SIZE <= size <= MAX_SIZE or size & (size - 1)):
        raise ValueError(f"texture size must be a power of two from {MIN_SIZE} to {MAX_SIZE}, "
                         f"got {size!r} (patterns: {', '.join(PATTERNS)})")
    build, metres, relief_mm = _SPECS[pattern]
    rng = np.random.default_rng([seed, zlib.crc32(pattern.encode())])
    mod, height = build(rng, int(size), metres)
    albedo, normal = _albedo(mod), _normal(relief_mm * height, metres / size)
    albedo.flags.writeable = normal.flags.writeable = False
    return SurfaceTexture(pattern, albedo, normal, metres)
