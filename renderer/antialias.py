"""Anti-aliasing after the fact: an edge filter on the finished colour (after FXAA's idea).

On a CPU rasterizer a second, multisampled pass costs much of a frame's time (the ids must
still come from a single-sample pass, so multisampling means two passes). The
filter instead finds the pixels where lightness changes sharply and blends each with colour
sampled along its edge, where a staircase's steps alternate: a step's pixels take in their
neighbours' share as a covered fraction would. Only edge pixels are touched, and depth, ids
and flow never see the filter.

Neighbours beyond the image border repeat the border pixel.
"""
from __future__ import annotations

import numpy as np

LUMA = np.array([0.299, 0.587, 0.114], np.float32)
CONTRAST_MIN = 8.0  # of 255: a lightness step smaller than this is not an edge
CONTRAST_RATIO = 0.125  # nor one smaller than this share of the brightest neighbour
REDUCE_MUL, REDUCE_MIN = 1 / 8, 2.0  # keep the search direction sane on faint edges
SPAN_MAX = 8.0  # pixels along the edge the samples may reach


def smooth_edges(rgb: np.ndarray) -> np.ndarray:
    """[H,W,3] uint8 colour with its edges smoothed (a new array; the input is kept)."""
    height, width = rgb.shape[:2]
    luma = rgb[..., 0] * LUMA[0] + rgb[..., 1] * LUMA[1] + rgb[..., 2] * LUMA[2]
    padded = np.pad(luma, 1, mode="edge")

    def shifted(dy: int, dx: int) -> np.ndarray:
        return padded[1 + dy:1 + dy + height, 1 + dx:1 + dx + width]

    high, low = luma.copy(), luma.copy()
    for dy, dx in ((-1, 0), (1, 0), (0, -1), (0, 1)):
        np.maximum(high, shifted(dy, dx), out=high)
        np.minimum(low, shifted(dy, dx), out=low)
    rows, cols = np.nonzero(high - low >= np.maximum(CONTRAST_MIN, CONTRAST_RATIO * high))
    out = np.array(rgb, order="C")  # a copy, contiguous
    if rows.size == 0:
        return out
    padded_at = (rows + 1) * (width + 2) + cols + 1
    nw, ne, sw, se = (np.take(padded, padded_at + dy * (width + 2) + dx)
                      for dy, dx in ((-1, -1), (-1, 1), (1, -1), (1, 1)))
    # along the edge: across the lightness gradient of the four diagonal neighbours
    along_x = -((nw + ne) - (sw + se))
    along_y = (nw + sw) - (ne + se)
    reduce = np.maximum((nw + ne + sw + se) * np.float32(0.25 * REDUCE_MUL), REDUCE_MIN)
    scale = 1.0 / (np.minimum(np.abs(along_x), np.abs(along_y)) + reduce)
    along_x = np.clip(along_x * scale, -SPAN_MAX, SPAN_MAX)
    along_y = np.clip(along_y * scale, -SPAN_MAX, SPAN_MAX)
    flat = out.reshape(-1, 3).copy()  # the taps read the unfiltered colour
    y, x = rows.astype(np.float32), cols.astype(np.float32)

    def at(step: float) -> np.ndarray:
        return _bilinear(flat, height, width, y + np.float32(step) * along_y,
                         x + np.float32(step) * along_x)

    inner = 0.5 * (at(1 / 3 - 0.5) + at(2 / 3 - 0.5))
    outer = 0.5 * inner + 0.25 * (at(-0.5) + at(0.5))
    # the wide blend overshoots where the span crosses another edge: keep the narrow one
    centre = np.take(padded, padded_at)
    lowest = np.minimum(np.minimum(nw, ne), np.minimum(np.minimum(sw, se), centre))
    highest = np.maximum(np.maximum(nw, ne), np.maximum(np.maximum(sw, se), centre))
    wide_luma = outer @ LUMA
    narrow = (wide_luma < lowest) | (wide_luma > highest)
    blended = np.where(narrow[:, None], inner, outer)
    out.reshape(-1, 3)[rows * width + cols] = np.clip(np.rint(blended), 0, 255).astype(np.uint8)
    return out


def _bilinear(flat: np.ndarray, height: int, width: int, y: np.ndarray,
              x: np.ndarray) -> np.ndarray:
    """[n,3] float32 colours of the [H*W,3] image at fractional pixel positions (pixel
    centres at integers), clamped to the image."""
    y = np.clip(y, 0, height - 1)
    x = np.clip(x, 0, width - 1)
    y0 = np.minimum(y.astype(np.int64), max(height - 2, 0))
    x0 = np.minimum(x.astype(np.int64), max(width - 2, 0))
    fy, fx = (y - y0)[:, None], (x - x0)[:, None]
    right = 1 if width > 1 else 0
    below = width if height > 1 else 0
    top = y0 * width + x0
    bottom = top + below

    def tap(index: np.ndarray) -> np.ndarray:
        return np.take(flat, index, axis=0).astype(np.float32)  # take: 5x fancy indexing

    upper, lower = tap(top), tap(bottom)
    upper += (tap(top + right) - upper) * fx
    lower += (tap(bottom + right) - lower) * fx
    return upper + (lower - upper) * fy
