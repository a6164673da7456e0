"""Labels beyond the image passes: object coordinates, 3D boxes and image positions.

Object coordinates are each pixel's surface point in its instance's own frame, scaled to
[0, 1] over the instance's box (0 = the box's low corner), as Kubric's MOVi gives them;
they come from the depth and the recorded pose, so they are exact to the depth's precision.
"""
from __future__ import annotations

import numpy as np

from bridge.instances import Instance
from bridge.trajectory import Trajectory
from renderer.camera import CameraTrack, box_corners_per_frame

UINT16_MAX = 65535


def object_coordinates(depth: np.ndarray, segmentation: np.ndarray, camera: CameraTrack,
                       frame: int, poses: np.ndarray, boxes: np.ndarray) -> np.ndarray:
    """[H,W,3] uint16 object coordinates; 0 on the background, the ground and liquids.

    `poses` [S,4,4] are world poses by segmentation id (NaN where absent) and `boxes`
    [S,2,3] the body-frame boxes by id (NaN for ids without one)."""
    h, w = depth.shape
    ids = segmentation.ravel().astype(np.int64)
    known = ids < len(boxes)
    usable = np.flatnonzero(known & (depth.ravel() > 0))
    usable = usable[np.isfinite(boxes[ids[usable], 0, 0]) & np.isfinite(poses[ids[usable], 0, 0])]
    out = np.zeros((h * w, 3), np.uint16)
    if usable.size == 0:
        return out.reshape(h, w, 3)
    focal, z = camera.focal(frame), depth.ravel()[usable].astype(np.float64)
    cols, rows = usable % w, usable // w
    camera_points = np.stack([(cols + 0.5 - w / 2) / focal * z,
                              (h / 2 - rows - 0.5) / focal * z, -z, np.ones_like(z)])
    world = camera.pose(frame) @ camera_points  # [4, K]
    pixel_ids = ids[usable]
    inverse = np.linalg.inv(poses[pixel_ids])  # [K,4,4]
    local = np.einsum("kij,jk->ki", inverse, world)[:, :3]
    low, high = boxes[pixel_ids, 0], boxes[pixel_ids, 1]
    scaled = np.clip((local - low) / np.maximum(high - low, 1e-9), 0.0, 1.0)
    out[usable] = np.rint(scaled * UINT16_MAX).astype(np.uint16)
    return out.reshape(h, w, 3)


def boxes_by_id(bounds: dict[str, np.ndarray], instances: list[Instance]) -> np.ndarray:
    """[S,2,3] body-frame boxes indexed by segmentation id; NaN where there is none."""
    out = np.full((max((i.id for i in instances), default=0) + 1, 2, 3), np.nan)
    for inst in instances:
        if inst.name in bounds:
            out[inst.id] = bounds[inst.name]
    return out


def project(camera: CameraTrack, frame: int, points: np.ndarray) -> np.ndarray:
    """[N,2] continuous pixel coordinates of world points [N,3] (NaN behind the camera)."""
    pose = camera.pose(frame)
    local = (np.asarray(points, float) - pose[:3, 3]) @ pose[:3, :3]
    ahead = local[:, 2] < -1e-9
    focal = camera.focal(frame)
    with np.errstate(divide="ignore", invalid="ignore"):
        x = camera.width / 2 + focal * local[:, 0] / -local[:, 2]
        y = camera.height / 2 - focal * local[:, 1] / -local[:, 2]
    return np.where(ahead[:, None], np.stack([x, y], axis=1), np.nan)


def instance_labels(bounds: dict[str, np.ndarray], trajectory: Trajectory,
                    instances: list[Instance], camera: CameraTrack) -> dict[str, np.ndarray]:
    """Per instance with a box: `boxes_3d/<name>` [F,8,3] world corners and
    `image_positions/<name>` [F,2], the pixel position of its box centre; NaN while absent."""
    frames = np.arange(camera.num_frames)
    labels = {}
    for inst in instances:
        if inst.name not in bounds or inst.name not in trajectory.pos:
            continue
        corners = box_corners_per_frame(bounds, trajectory, [inst.name], frames)
        centres = corners.mean(axis=1)
        labels[f"boxes_3d/{inst.name}"] = corners.astype(np.float32)
        labels[f"image_positions/{inst.name}"] = np.stack(
            [project(camera, f, c[None])[0] for f, c in zip(frames, centres)]).astype(np.float32)
    return labels


def event_image_positions(events: dict, camera: CameraTrack,
                          labels: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """`collisions_image_positions` [C,2], where each collision of events.json touches,
    `fractures_image_positions` [K,2], the broken body's centre on its last whole frame,
    `spills_image_positions` [S,2], where the escaping liquid is on the spill's frame, and
    `topples_image_positions` [T,2], the toppling body's centre on the topple's frame."""
    last = camera.num_frames - 1
    collisions = [project(camera, min(e["frame"], last), np.asarray([e["position"]]))[0]
                  for e in events.get("collisions", [])]
    fractures = []
    for e in events.get("fractures", []):
        track = labels.get(f"image_positions/{e['body']}")
        frame = min(max(e["frame"] - 1, 0), last)
        fractures.append(track[frame] if track is not None else (np.nan, np.nan))
    spills = [project(camera, min(e["frame"], last), np.asarray([e["position"]]))[0]
              for e in events.get("spills", [])]
    topples = []
    for e in events.get("topples", []):
        track = labels.get(f"image_positions/{e['body']}")
        topples.append(track[min(e["frame"], last)] if track is not None else (np.nan, np.nan))
    return {"collisions_image_positions": np.asarray(collisions, np.float32).reshape(-1, 2),
            "fractures_image_positions": np.asarray(fractures, np.float32).reshape(-1, 2),
            "spills_image_positions": np.asarray(spills, np.float32).reshape(-1, 2),
            "topples_image_positions": np.asarray(topples, np.float32).reshape(-1, 2)}
