"""Flow-warped Gaussian noise for SDEdit, after "Go-with-the-Flow" (Burgert et al. 2025).

The noise of frame k+1 is the noise of frame k carried along the engine's exact forward
flow, so the diffusion model sees the noise texture move with the objects, while every frame
stays exactly i.i.d. N(0, 1) over space, which is what the sampler assumes.

One step, for every pixel p of frame k at once (np.add.at, no per-pixel loop):

- p's noise sits at the float position p + s(p), p the pixel's corner and s its sub-pixel
  offset inside the pixel (the centre, 0.5, for noise drawn fresh); it moves to
  p + s(p) + flow(p);
- it lands in the pixel containing that point (nearest splat) and carries the new offset
  along, so a 0.3 px/frame motion moves the pattern 3 px in 10 frames instead of rounding to
  0 every frame and freezing;
- a target hit by k sources takes their sum / sqrt(k) and their mean offset: the sources are
  disjoint sets of i.i.d. N(0, 1) values and the mapping depends on the flow alone, never
  on the noise, so each target is again N(0, 1) and independent of the others;
- a target hit by none (disocclusion, expansion holes, the entering border) draws fresh
  N(0, 1) from the caller's generator; noise that leaves the frame, or whose flow is not
  finite, is dropped.

Against GWTF's own warping: holes get fresh noise rather than a share of a neighbour's value,
so a zoom-in decorrelates sooner, and the flow is read at the pixel, not at p + s(p). Where
backward flows are given, a source that becomes hidden (its forward and backward flows
disagree) is dropped instead of being mixed into its occluder's noise.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    import torch

# Forward-backward consistency (Sundaram et al. 2010): |f + b|^2 < 0.01 (|f|^2 + |b|^2) + 0.5.
_FB_RELATIVE = 0.01
_FB_ABSOLUTE = 0.5
_ONE = np.float32(1.0)
MODES = ("pick", "mean")


def _frame_flows(flows: np.ndarray, frames: int | None) -> np.ndarray:
    """The F-1 flows [F-1,H,W,2] that make `frames` frames."""
    flows = np.asarray(flows, dtype=np.float32)
    if flows.ndim != 4 or flows.shape[-1] != 2:
        raise ValueError(f"flows must be [F-1, H, W, 2] (dx, dy); got shape {flows.shape}")
    frames = len(flows) + 1 if frames is None else frames
    if frames < 1 or frames not in (len(flows), len(flows) + 1):
        raise ValueError(f"{len(flows)} flows make {len(flows) + 1} frames, or {len(flows)} "
                         f"with the last (zero) flow ignored; got frames={frames}")
    return flows[: frames - 1]


def _planes(flow: np.ndarray) -> np.ndarray:
    """[H,W,2] as contiguous [2,H*W] (dx, dy rows), which the vectorised step reads fastest."""
    return np.ascontiguousarray(np.moveaxis(flow, -1, 0)).reshape(2, -1)


def _consistent(fwd: np.ndarray, back: np.ndarray) -> np.ndarray:
    """Whether each forward flow [2,n] is undone by the backward flow at its target."""
    err = np.square(fwd + back).sum(axis=0)
    size = np.square(fwd).sum(axis=0) + np.square(back).sum(axis=0)
    return err < _FB_RELATIVE * size + _FB_ABSOLUTE


class _Warp:
    """One shot's pixel grid, channel count and generator, shared by every step."""

    def __init__(self, h: int, w: int, channels: int, rng: np.random.Generator):
        if h * w >= 2**24:
            raise ValueError(f"frames of {w}x{h} exceed 2^24 pixels; warp the noise in "
                             f"tiles or at a lower resolution")
        self.width, self.n, self.channels, self.rng = w, h * w, channels, rng
        self.corners = np.indices((h, w), dtype=np.float32)[::-1].reshape(2, -1)

    def targets(self, flow: np.ndarray, offset: np.ndarray,
                back: np.ndarray | None) -> tuple[np.ndarray, np.ndarray]:
        """Each source's target pixel (flat; n where dropped) and its new offset [2,n]."""
        n, width = self.n, self.width
        # A non-finite flow gives NaN, which fails every test below, so its source is dropped.
        with np.errstate(invalid="ignore", over="ignore"):
            # Offset and flow are added before the pixel index, so their float rounding is
            # the same in every pixel and a uniform motion crosses pixel edges everywhere.
            moved = offset + flow
            jump = np.floor(moved)
            moved -= jump
            cell = self.corners + jump
            keep = (cell[0] >= 0) & (cell[0] < width) & (cell[1] >= 0) & (cell[1] < n // width)
            flat = cell[1] * np.float32(width)  # exact below 2^24 pixels
            flat += cell[0]
            flat[~keep] = n
            tgt = flat.astype(np.intp)
            if back is not None:
                inside = np.flatnonzero(keep)
                hidden = ~_consistent(flow[:, inside], back[:, tgt[inside]])
                tgt[inside[hidden]] = n
        return tgt, moved

    def step(self, noise: np.ndarray, offset: np.ndarray, flow: np.ndarray,
             back: np.ndarray | None, out: np.ndarray) -> None:
        """Write the next frame's noise [C,n] into `out` and its offsets [2,n] into `offset`."""
        n = self.n
        tgt, moved = self.targets(flow, offset, back)
        # Rows: the channels, the two offsets, the hit count; column n takes dropped sources.
        acc = np.zeros((self.channels + 3, n + 1), np.float32)
        # np.add.at on float32 rows: np.bincount would cast each row to float64, ~10x slower.
        for row, values in enumerate((*noise, *moved)):
            np.add.at(acc[row], tgt, values)
        np.add.at(acc[-1], tgt, _ONE)
        count = np.maximum(acc[-1, :n], _ONE)
        np.divide(acc[:self.channels, :n], np.sqrt(count), out=out)
        np.divide(acc[self.channels:-1, :n], count, out=offset)
        holes = np.flatnonzero(acc[-1, :n] == 0)
        fresh = self.rng.standard_normal((self.channels, holes.size), dtype=np.float32)
        # One row at a time: 2-D fancy assignment is several times slower here.
        for row, values in zip(out, fresh):
            row[holes] = values
        for row in offset:
            row[holes] = 0.5


def warped_noise(flows: np.ndarray, channels: int, rng: np.random.Generator, *,
                 backward_flows: np.ndarray | None = None,
                 frames: int | None = None) -> np.ndarray:
    """Noise [F, channels, H, W] float32, each frame i.i.d. N(0, 1), carried along the flows.

    `flows` [F-1,H,W,2] go from frame k to k+1; pass the shot's F flows with frames=F to
    ignore the last (zero) one. With `backward_flows` [F,H,W,2] (k to k-1), sources that
    become hidden are dropped.
    """
    flows = _frame_flows(flows, frames)
    if backward_flows is not None:
        given = np.shape(backward_flows)
        # Step k checks frame k+1's backward flow.
        backward_flows = np.asarray(backward_flows, np.float32)[1: len(flows) + 1]
        if backward_flows.shape != flows.shape:
            raise ValueError(f"backward_flows must be [F, H, W, 2], one per frame like the "
                             f"shot's, F = {len(flows) + 1}; got shape {given}")
    h, w = flows.shape[1:3]
    warp = _Warp(h, w, channels, rng)
    out = np.empty((len(flows) + 1, channels, h * w), np.float32)
    out[0] = rng.standard_normal((channels, h * w), dtype=np.float32)
    offset = np.full((2, h * w), 0.5, np.float32)
    for k, flow in enumerate(flows):
        back = None if backward_flows is None else _planes(backward_flows[k])
        warp.step(out[k], offset, _planes(flow), back, out[k + 1])
    return out.reshape(len(flows) + 1, channels, h, w)


def downsample(noise: np.ndarray, factor: int) -> np.ndarray:
    """Area-downsample [F,C,H,W] by `factor`, keeping N(0, 1): block sum / factor."""
    f, c, h, w = noise.shape
    if factor < 1 or h % factor or w % factor:
        raise ValueError(f"noise {h}x{w} is not divisible by factor {factor}: render at a "
                         f"multiple of {factor}, e.g. {h - h % factor}x{w - w % factor}")
    blocks = noise.reshape(f, c, h // factor, factor, w // factor, factor)
    # The sum of factor^2 i.i.d. N(0, 1) has standard deviation `factor`.
    return blocks.sum(axis=(3, 5), dtype=np.float32) / np.float32(factor)


def _latent_counts(frames: int) -> list[int]:
    """Latent frame counts 1 + (frames-1)/r over every integer ratio r."""
    if frames == 1:
        return [1]
    return sorted(1 + (frames - 1) // r for r in range(1, frames) if (frames - 1) % r == 0)


def reduce_frames(noise: np.ndarray, latent_frames: int, mode: str = "pick") -> np.ndarray:
    """Reduce [F,C,h,w] to [latent_frames,C,h,w] for a VAE with temporal ratio r.

    F = 1 + (latent_frames - 1) r (Wan: r = 4). Latent frame 0 is frame 0; latent frame
    j >= 1 covers frames 1+(j-1)r .. jr. "pick" takes the last frame of each group: exactly
    N(0, 1), but sees one frame in r. "mean" takes sum / sqrt(r), which is N(0, 1) only for
    independent frames; these are correlated along the flow, so each latent frame is then
    standardised empirically: it sees every frame, at the price of inexact marginals.
    """
    valid = _latent_counts(len(noise))
    if latent_frames not in valid:
        raise ValueError(f"{len(noise)} frames cannot make {latent_frames} latent frames "
                         f"(F = 1 + (latent_frames - 1) r); valid latent counts: {valid}")
    if mode not in MODES:
        raise ValueError(f"mode must be one of {MODES}; got {mode!r}")
    if latent_frames == 1:
        return noise[:1].copy()
    r = (len(noise) - 1) // (latent_frames - 1)
    if mode == "pick":
        return noise[::r].copy()
    # The sum's 1 / sqrt(r) is left out: the standardisation below cancels it.
    groups = noise[1:].reshape(latent_frames - 1, r, *noise.shape[1:]).sum(axis=1)
    axes = tuple(range(1, groups.ndim))
    groups = (groups - groups.mean(axis=axes, keepdims=True)) / groups.std(axis=axes,
                                                                           keepdims=True)
    return np.concatenate([noise[:1], groups.astype(np.float32)])


def latent_noise(flows: np.ndarray, latent_shape: tuple[int, int, int, int],
                 rng: np.random.Generator, *, backward_flows: np.ndarray | None = None,
                 frames: int | None = None, mode: str = "pick") -> np.ndarray:
    """Warped noise at pixel resolution, area-downsampled and reduced to `latent_shape`."""
    latent_frames, channels, h, w = latent_shape
    height, width = np.shape(flows)[1:3]
    if height % h or width % w or height // h != width // w:
        raise ValueError(f"latent {h}x{w} must divide the frames {height}x{width} by one "
                         f"integer factor on both axes")
    noise = warped_noise(flows, channels, rng, backward_flows=backward_flows, frames=frames)
    return reduce_frames(downsample(noise, height // h), latent_frames, mode)


def to_torch(noise: np.ndarray, dtype: torch.dtype | None = None,
             device: torch.device | str | None = None) -> torch.Tensor:
    """The noise as a torch tensor; torch is imported here so this module loads without it."""
    import torch

    return torch.from_numpy(np.ascontiguousarray(noise)).to(device=device, dtype=dtype)
