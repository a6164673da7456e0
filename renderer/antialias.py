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
from numba import njit

LUMA = np.array([0.299, 0.587, 0.114], np.float32)
CONTRAST_MIN = 8.0  # of 255: a lightness step smaller than this is not an edge
CONTRAST_RATIO = 0.125  # nor one smaller than this share of the brightest neighbour
REDUCE_MUL, REDUCE_MIN = 1 / 8, 2.0  # keep the search direction sane on faint edges
SPAN_MAX = 8.0  # pixels along the edge the samples may reach


STEPS = np.array([1 / 3 - 0.5, 2 / 3 - 0.5, -0.5, 0.5], np.float32)  # along the edge: 2 in, 2 out


def smooth_edges(rgb: np.ndarray) -> np.ndarray:
    """[H,W,3] uint8 colour with its edges smoothed (a new array; the input is kept)."""
    out = np.array(rgb, order="C")  # a copy, contiguous
    if out.size:
        _smooth(np.ascontiguousarray(rgb), out)
    return out


# One compiled pass, each step in float32 or float64 exactly as the array expressions it
# replaced computed them (the same pixels, bit for bit): those took 9 ms a 512x512 frame in
# temporaries, on the thread that also writes the shot's files.


@njit(cache=True)
def _smooth(rgb: np.ndarray, out: np.ndarray) -> None:
    """Blends each edge pixel of `rgb` (found on the lightness) into `out`."""
    height, width = rgb.shape[0], rgb.shape[1]
    luma = _padded_luma(rgb)
    taps = np.empty((4, 3))
    blend = np.empty((2, 3))  # the narrow blend, then the wide one
    for i in range(height):
        for j in range(width):
            centre = luma[i + 1, j + 1]
            around = (luma[i, j + 1], luma[i + 2, j + 1], luma[i + 1, j], luma[i + 1, j + 2])
            high = max(max(max(max(centre, around[0]), around[1]), around[2]), around[3])
            low = min(min(min(min(centre, around[0]), around[1]), around[2]), around[3])
            if not high - low >= max(np.float32(CONTRAST_MIN), np.float32(CONTRAST_RATIO) * high):
                continue
            nw, ne, sw, se = luma[i, j], luma[i, j + 2], luma[i + 2, j], luma[i + 2, j + 2]
            # along the edge: across the lightness gradient of the four diagonal neighbours
            along_x, along_y = -((nw + ne) - (sw + se)), (nw + sw) - (ne + se)
            reduce = max((((nw + ne) + sw) + se) * np.float32(0.25 * REDUCE_MUL),
                         np.float32(REDUCE_MIN))
            scale = np.float32(1.0) / (min(abs(along_x), abs(along_y)) + reduce)
            span = np.float32(SPAN_MAX)
            along_x = min(max(along_x * scale, -span), span)
            along_y = min(max(along_y * scale, -span), span)
            for t in range(4):
                _bilinear(rgb, np.float32(i) + STEPS[t] * along_y,
                          np.float32(j) + STEPS[t] * along_x, taps[t])
            for c in range(3):
                blend[0, c] = 0.5 * (taps[0, c] + taps[1, c])
                blend[1, c] = 0.5 * blend[0, c] + 0.25 * (taps[2, c] + taps[3, c])
            # the wide blend overshoots where the span crosses another edge: keep the narrow
            wide = (blend[1, 0] * np.float64(LUMA[0]) + blend[1, 1] * np.float64(LUMA[1])) \
                + blend[1, 2] * np.float64(LUMA[2])
            lowest = min(min(nw, ne), min(min(sw, se), centre))
            highest = max(max(nw, ne), max(max(sw, se), centre))
            pick = 0 if wide < lowest or wide > highest else 1
            for c in range(3):
                out[i, j, c] = np.uint8(min(max(np.rint(blend[pick, c]), 0.0), 255.0))


@njit(cache=True)
def _padded_luma(rgb: np.ndarray) -> np.ndarray:
    """[H+2,W+2] float32 lightness, the border pixels repeated around it."""
    height, width = rgb.shape[0], rgb.shape[1]
    luma = np.empty((height + 2, width + 2), np.float32)
    for i in range(height):
        for j in range(width):
            luma[i + 1, j + 1] = (np.float32(rgb[i, j, 0]) * LUMA[0]
                                  + np.float32(rgb[i, j, 1]) * LUMA[1]) \
                + np.float32(rgb[i, j, 2]) * LUMA[2]
    luma[0, 1:width + 1] = luma[1, 1:width + 1]
    luma[height + 1, 1:width + 1] = luma[height, 1:width + 1]
    luma[:, 0] = luma[:, 1]
    luma[:, width + 1] = luma[:, width]
    return luma


@njit(cache=True)
def _bilinear(rgb: np.ndarray, y: np.float32, x: np.float32, colour: np.ndarray) -> None:
    """The colour at a fractional pixel position (centres at integers), clamped to the
    image; interpolated along x in float32, then along y in float64."""
    height, width = rgb.shape[0], rgb.shape[1]
    y = min(max(y, np.float32(0.0)), np.float32(height - 1))
    x = min(max(x, np.float32(0.0)), np.float32(width - 1))
    y0, x0 = min(np.int64(y), max(height - 2, 0)), min(np.int64(x), max(width - 2, 0))
    fy, fx = np.float64(y) - y0, np.float64(x) - x0
    y1, x1 = y0 + (1 if height > 1 else 0), x0 + (1 if width > 1 else 0)
    for c in range(3):
        upper = np.float32(rgb[y0, x0, c])
        upper = np.float32(upper + np.float64(np.float32(rgb[y0, x1, c]) - upper) * fx)
        lower = np.float32(rgb[y1, x0, c])
        lower = np.float32(lower + np.float64(np.float32(rgb[y1, x1, c]) - lower) * fx)
        colour[c] = upper + np.float64(lower - upper) * fy
