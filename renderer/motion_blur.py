"""Motion blur on the RGB pass, from the exact flow: each pixel averages the colour along the
path its surface point travels while the shutter is open.

The shutter is open for half the frame interval (a film camera's 180-degree shutter), centred
on the frame's time: a point covers half its backward flow before the frame and half its
forward flow after it, so the blur streak runs both ways. Colour is gathered from the frame
itself along that path (a velocity blur): the exact passes are not blurred, because a blurred
id or depth would describe no surface.
"""
from __future__ import annotations

import numpy as np

SHUTTER = 0.5  # open for this fraction of the frame interval
TAPS = 7  # samples along the path; odd, so the pixel itself is one of them


def blur(rgb: np.ndarray, forward: np.ndarray, backward: np.ndarray) -> np.ndarray:
    """[H,W,3] uint8 colour averaged along each pixel's motion during the exposure.
    `forward` and `backward` are the frame's flows [H,W,2] (dx, dy) to the next and previous
    frame (zeros past either end)."""
    height, width = rgb.shape[:2]
    rows, cols = np.mgrid[0:height, 0:width].astype(np.float32)
    source = rgb.astype(np.float32)
    total = np.zeros_like(source)
    for t in np.linspace(-SHUTTER / 2, SHUTTER / 2, TAPS, dtype=np.float32):
        step = forward * t if t > 0 else backward * -t
        total += _bilinear(source, cols + step[..., 0], rows + step[..., 1])
    return np.clip(np.rint(total / TAPS), 0, 255).astype(np.uint8)


def _bilinear(image: np.ndarray, x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """image sampled at pixel-centre coordinates (x, y), clamped at the borders."""
    height, width = image.shape[:2]
    x = np.clip(x, 0, width - 1)
    y = np.clip(y, 0, height - 1)
    x0 = np.minimum(x.astype(np.int32), width - 2)
    y0 = np.minimum(y.astype(np.int32), height - 2)
    fx, fy = (x - x0)[..., None], (y - y0)[..., None]
    top = image[y0, x0] * (1 - fx) + image[y0, x0 + 1] * fx
    bottom = image[y0 + 1, x0] * (1 - fx) + image[y0 + 1, x0 + 1] * fx
    return top * (1 - fy) + bottom * fy
