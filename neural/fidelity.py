"""How faithful a video is to the engine's labels: two figures per video of a shot folder.

- temporal consistency (`warp_error`): frame k+1 sampled along the engine's exact forward
  flow and compared with frame k, on the pixels visible in both frames (lower is better);
- structure kept (`edge_agreement`): precision, recall and F1 of the frames' luminance edges
  against the engine's segmentation boundaries, within 2 px (higher is better).

`compare` gives both for the coarse rgb.mp4 and, when present, refined.mp4, with the
refined/coarse ratios; `refine_and_compare` refines the shot first. `python -m
bench.refine_fidelity` prints them as JSON. scipy (whose import adds a warning filter) is
imported inside functions.
"""
from __future__ import annotations

import math
import time
from pathlib import Path

import numpy as np

from bridge import shot
from bridge.errors import UserError
from neural import refine as rf

# Edge: Sobel magnitude of a luminance step of 0.1 (on 0..1, about 25 levels) or more; the
# best coarse F1 on rendered shots (a 512x512 glass scene, the bench shot); 0.2 loses the
# low-contrast outlines (ball on ground), 0.05 adds shading and shadows.
EDGE_THRESHOLD = 0.1
EDGE_TOLERANCE = 2  # px between an edge and a boundary that still counts as agreeing
LUMA = np.array([0.299, 0.587, 0.114], np.float32)  # Rec. 601 weights


def _sample(image: np.ndarray, coords: np.ndarray) -> np.ndarray:
    """Bilinear samples [N,C] of an [H,W,C] image at float (row, col) coords [2,N]."""
    from scipy import ndimage

    return np.stack([ndimage.map_coordinates(image[..., c], coords, order=1, mode="nearest")
                     for c in range(image.shape[-1])], axis=-1)


def _visible(grid: np.ndarray, flow: np.ndarray, back: np.ndarray | None,
             ids: np.ndarray | None, ids_next: np.ndarray | None
             ) -> tuple[np.ndarray, np.ndarray]:
    """(flat indices [N] of a frame's pixels seen again in the next, their targets [2,N])."""
    height, width = flow.shape[:2]
    step = flow.reshape(-1, 2)
    coords = grid + step.T[::-1]
    # inside [0, side - 1] so that both bilinear neighbours are real pixels
    keep = np.flatnonzero((coords[0] >= 0) & (coords[0] <= height - 1)
                          & (coords[1] >= 0) & (coords[1] <= width - 1))
    if ids is not None and ids_next is not None:
        # the surface must still be the same object at the nearest target pixel
        near = np.rint(coords[:, keep]).astype(np.intp)
        keep = keep[ids_next[near[0], near[1]] == ids.ravel()[keep]]
    if back is not None:
        # forward-backward check |f(x) + b(x + f(x))| <= 0.5 + 0.05 |f(x)|, b bilinear: a
        # pixel hidden in the next frame lands on a surface that moves otherwise
        moved = step[keep]
        loop = moved + _sample(back, coords[:, keep])
        keep = keep[np.hypot(loop[:, 0], loop[:, 1])
                    <= 0.5 + 0.05 * np.hypot(moved[:, 0], moved[:, 1])]
    return keep, coords[:, keep]


def warp_error(frames: np.ndarray, forward: np.ndarray, backward: np.ndarray | None = None,
               segmentation: np.ndarray | None = None) -> dict:
    """Frame k+1 warped back along forward[k] vs frame k, on visible pixels (0..1 scale).

    frames [F,H,W,3] uint8; forward/backward [F,H,W,2] (dx, dy) px, k -> k+1 / k -> k-1;
    segmentation [F,H,W] ids. A pixel is visible when its target is inside the image, passes
    the forward-backward check (when `backward` is given) and keeps its instance id at the
    nearest target pixel (when `segmentation` is given). mean_abs and rmse are NaN when no
    pixel is visible (0 would read as perfect); `visible` is the fraction counted.
    """
    pairs = len(frames) - 1
    total_abs = total_sq = 0.0
    count = 0
    grid = np.indices(frames.shape[1:3], np.float64).reshape(2, -1)  # (row, col) per pixel
    for k in range(pairs):
        keep, coords = _visible(
            grid, forward[k], None if backward is None else backward[k + 1],
            None if segmentation is None else segmentation[k],
            None if segmentation is None else segmentation[k + 1])
        warped = _sample(frames[k + 1].astype(np.float64), coords)  # float64 samples faster
        diff = (warped - frames[k].reshape(-1, frames.shape[-1])[keep]) / 255.0
        total_abs += float(np.abs(diff).sum())
        total_sq += float(np.square(diff).sum())
        count += len(keep)
    values = count * frames.shape[-1]
    pixels = max(pairs, 0) * frames.shape[1] * frames.shape[2]
    return {"mean_abs": total_abs / values if values else math.nan,
            "rmse": math.sqrt(total_sq / values) if values else math.nan,
            "visible": count / pixels if pixels else 0.0}


def edge_map(frame: np.ndarray, threshold: float = EDGE_THRESHOLD) -> np.ndarray:
    """[H,W] bool: Sobel gradient magnitude of luminance (0..1) at or above threshold."""
    from scipy import ndimage

    luma = frame.astype(np.float32) @ LUMA / 255.0
    # /4 undoes Sobel's [1,2,1] smoothing weight: a sharp step of contrast c reads c on
    # both pixels beside it
    grad = np.hypot(ndimage.sobel(luma, axis=0, mode="nearest"),
                    ndimage.sobel(luma, axis=1, mode="nearest")) / 4.0
    return grad >= threshold


def boundary_map(ids: np.ndarray) -> np.ndarray:
    """[H,W] bool: pixels whose right or lower 4-neighbour has another id, both marked."""
    # both sides, as a Sobel response to a step lies on both pixels beside it
    out = np.zeros(ids.shape, bool)
    right, down = ids[:, 1:] != ids[:, :-1], ids[1:] != ids[:-1]
    out[:, 1:] |= right
    out[:, :-1] |= right
    out[1:] |= down
    out[:-1] |= down
    return out


def _near(points: np.ndarray, targets: np.ndarray, tolerance: float) -> int:
    """How many `points` pixels lie within `tolerance` px of a `targets` pixel."""
    from scipy import ndimage

    if not targets.any() or not points.any():
        return 0
    return int((ndimage.distance_transform_edt(~targets)[points] <= tolerance).sum())


def edge_agreement(frames: np.ndarray, segmentation: np.ndarray,
                   tolerance: float = EDGE_TOLERANCE, threshold: float = EDGE_THRESHOLD
                   ) -> dict:
    """Precision, recall and F1 of frame edges vs segmentation boundaries, all frames pooled.

    precision: share of edge pixels within `tolerance` px of a boundary; recall: share of
    boundary pixels within `tolerance` px of an edge. A share of an empty set is 0.0 (and F1
    is 0.0 when both are), so flat frames score the worst rather than NaN.
    """
    edges_near = bounds_near = edges_total = bounds_total = 0
    for frame, ids in zip(frames, segmentation):
        edges, bounds = edge_map(frame, threshold), boundary_map(ids)
        edges_near += _near(edges, bounds, tolerance)
        bounds_near += _near(bounds, edges, tolerance)
        edges_total += int(edges.sum())
        bounds_total += int(bounds.sum())
    precision = edges_near / edges_total if edges_total else 0.0
    recall = bounds_near / bounds_total if bounds_total else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    pixels = max(segmentation.size, 1)
    return {"precision": precision, "recall": recall, "f1": f1,
            "edge_fraction": edges_total / pixels, "boundary_fraction": bounds_total / pixels}


def read_labels(shot_dir: Path) -> tuple[rf.ShotFlows, np.ndarray]:
    """The shot's flows and segmentation [F,H,W]; UserError without those passes."""
    count = int(rf.read_metadata(shot_dir)["scene"]["num_frames"])
    paths = shot.SEGMENTATION.paths(shot_dir, count)
    needed = paths + shot.FORWARD_FLOW.paths(shot_dir, count)
    if not all(p.is_file() for p in needed):
        raise UserError(f"{shot_dir}: fidelity needs the flow and segmentation passes; "
                        "render with --passes rgb,depth,segmentation,flow")
    return rf.read_flows(shot_dir, count), np.stack([shot.read_segmentation(p) for p in paths])


def _score(video: Path, labels: tuple[rf.ShotFlows, np.ndarray]) -> dict:
    flows, segmentation = labels
    frames = rf.read_video(video)
    if frames.shape[:3] != segmentation.shape:
        raise UserError(f"{video}: frames {list(frames.shape[:3])} do not match the shot's "
                        f"labels {list(segmentation.shape)}")
    return {"warp": warp_error(frames, flows.forward, flows.backward, segmentation),
            "edges": edge_agreement(frames, segmentation)}


def measure(shot_dir: Path, video: str = shot.REFINED) -> dict:
    """Both figures for one video of the shot folder."""
    return _score(Path(shot_dir) / video, read_labels(shot_dir))


def _ratio(new: float, old: float) -> float | None:
    return new / old if old and math.isfinite(old) and math.isfinite(new) else None


def compare(shot_dir: Path) -> dict:
    """The figures for rgb.mp4 and (when present) refined.mp4, with refined/coarse ratios."""
    shot_dir = Path(shot_dir)
    labels = read_labels(shot_dir)
    out = {"coarse": _score(shot_dir / shot.RGB, labels)}
    if (shot_dir / shot.REFINED).is_file():
        out["refined"] = refined = _score(shot_dir / shot.REFINED, labels)
        out["ratios"] = {
            "warp_mean_abs": _ratio(refined["warp"]["mean_abs"], out["coarse"]["warp"]["mean_abs"]),
            "edge_f1": _ratio(refined["edges"]["f1"], out["coarse"]["edges"]["f1"])}
    return out


def refine_and_compare(shot_dir: Path, flags: dict) -> dict:
    """`compare`, after refining the shot when `flags` name a backend; `flags` as `simshot
    refine` takes them (rf.options_for: None is not given), with refine_s the seconds."""
    if not flags.get("backend"):
        return compare(shot_dir)
    options, backend = rf.options_for(Path(shot_dir), flags)
    started = time.perf_counter()
    rf.refine_shot(shot_dir, options, backend=backend)
    return {"refine_s": round(time.perf_counter() - started, 2), **compare(shot_dir)}
