"""Control frames for structure-controlled refiners (Wan VACE): the shot's own passes turned
into [F,H,W,3] uint8 videos the model is conditioned on.

- "depth": the depth pass (`depth/depth_*.tiff`, metres) normalised over the whole shot,
  near bright, far dark, sky and missing depth black (`depth_frames`);
- "edges": white lines on black where the segmentation pass (`segmentation/*.png`, 16-bit
  instance ids) changes id, object against object or object against background
  (`edge_frames`): the engine's exact silhouettes, with no texture or lighting in them.

The frames come out at the shot's size and count; neural.refine fits and windows them exactly
as the RGB frames. A shot rendered without the pass a control needs is a UserError that says
which pass to render. Only numpy, scipy, PIL and tifffile are used (imported inside the
functions that need them), so importing this module is cheap.
"""
from __future__ import annotations

from pathlib import Path

import numpy as np

from bridge import shot
from bridge.errors import UserError
from bridge.refine_options import CONTROLS


def control_frames(shot_dir: Path, kind: str, count: int) -> np.ndarray:
    """The shot's `kind` control frames [count,H,W,3] uint8: "depth" is
    depth_frames(read_depth(...)), "edges" is edge_frames(read_segmentation(...))."""
    if kind == "depth":
        return depth_frames(read_depth(shot_dir, count))
    if kind == "edges":
        return edge_frames(read_segmentation(shot_dir, count))
    raise UserError(f"unknown control {kind!r}; valid controls: {', '.join(CONTROLS)}")


# --- depth -------------------------------------------------------------------------------


def read_depth(shot_dir: Path, count: int) -> np.ndarray:
    """The depth pass (`depth/depth_*.tiff`, metres) as float32 [count,H,W]; UserError when
    the shot was rendered without it."""
    import tifffile

    paths = shot.DEPTH.paths(shot_dir, count)
    if not all(path.is_file() for path in paths):
        raise UserError(f"{shot_dir}: the depth-controlled refiner needs the depth pass; "
                        "render with --passes ...,depth")
    return np.stack([tifffile.imread(path) for path in paths]).astype(np.float32)


def depth_frames(depth: np.ndarray) -> np.ndarray:
    """Depth [F,H,W] metres -> [F,H,W,3] uint8 control frames, normalised over the whole
    shot: the 2nd..98th percentile of the valid (finite, positive) depths maps linearly to
    255 (near) .. 16 (far), clipped; sky and invalid pixels are 0."""
    valid = np.isfinite(depth) & (depth > 0)
    image = np.zeros(depth.shape, np.uint8)
    if valid.any():
        near, far = np.percentile(depth[valid], [2.0, 98.0])
        span = max(float(far - near), 1e-6)
        level = np.clip((far - depth[valid]) / span, 0.0, 1.0)
        image[valid] = np.rint(16 + 239 * level).astype(np.uint8)
    return np.repeat(image[..., None], 3, axis=-1)


# --- edges -------------------------------------------------------------------------------


def read_segmentation(shot_dir: Path, count: int) -> np.ndarray:
    """The segmentation pass (`segmentation/segmentation_*.png`, 16-bit ids) as uint16
    [count,H,W]; UserError when the shot was rendered without it."""
    paths = shot.SEGMENTATION.paths(shot_dir, count)
    if not all(path.is_file() for path in paths):
        raise UserError(f"{shot_dir}: the edge-controlled refiner needs the segmentation "
                        "pass; render with --passes ...,segmentation")
    return np.stack([shot.read_segmentation(path) for path in paths])


def edge_frames(segmentation: np.ndarray, width: int = 2) -> np.ndarray:
    """Ids [F,H,W] -> [F,H,W,3] uint8 control frames: 255 on the boundaries between different
    ids (object against object and object against background), 0 elsewhere.

    A boundary is the crack between two 4-neighbouring pixels of different ids. It is drawn
    `width` pixels thick, as the 1-pixel boundary dilated by a square: a pixel is lit when the
    (width+1) x (width+1) block reaching ceil(width/2) pixels up and left of it and
    floor(width/2) down and right holds more than one id. So a crack between columns x-1 and
    x lights columns x - floor(width/2) .. x + ceil(width/2) - 1: centred on the crack for an
    even width (width 2: both pixels beside it), the odd pixel on the right (lower) side for an
    odd width (width 1: the right or lower pixel alone); corners are filled. The image border
    is no boundary (the ids are edge-extended). Lines are 2 px by default because the VAE
    downsamples 8x and a 1-pixel line all but vanishes in the latents.
    """
    from scipy import ndimage

    ids = np.asarray(segmentation)
    if ids.ndim != 3:
        raise ValueError(f"segmentation must be [F,H,W] ids, got shape {ids.shape}")
    if width < 1:
        raise ValueError(f"width must be >= 1, got {width}")
    # size w+1 with origin 0: scipy centres the block at index (w+1)//2 = ceil(w/2), i.e.
    # it spans ceil(w/2) pixels before the pixel and floor(w/2) after it
    size = (1, width + 1, width + 1)
    lit = (ndimage.maximum_filter(ids, size=size, mode="nearest")
           != ndimage.minimum_filter(ids, size=size, mode="nearest"))
    return np.repeat((lit * np.uint8(255))[..., None], 3, axis=-1)
