"""Exact optical flow from depth, segmentation, recorded instance poses and the cameras.

Each pixel's surface point is lifted to 3D with its depth, moved rigidly with its instance's
pose change (the ground and background stay put), and projected into the other frame's
camera. Sky pixels (depth 0) are points at infinity: only the camera's rotation moves them.
A point that ends up behind the other camera gets zero flow. Flow is (dx, dy) in pixels.
"""
from __future__ import annotations

import numpy as np

from bridge.instances import Instance
from bridge.trajectory import Trajectory
from bridge.transforms import quat_to_matrix
from renderer.camera import CameraTrack


def poses_at(trajectory: Trajectory, instances: list[Instance], frame: int) -> np.ndarray:
    """[max_id+1,4,4] world poses by segmentation id at one frame; NaN where absent,
    identity for id 0 (the ground and background never move)."""
    max_id = max((inst.id for inst in instances), default=0)
    poses = np.full((max_id + 1, 4, 4), np.nan)
    poses[0] = np.eye(4)
    known = [inst for inst in instances if inst.name in trajectory.pos]
    if not known:
        return poses
    ids = np.array([inst.id for inst in known])
    pos = np.array([trajectory.pos[inst.name][frame] for inst in known])
    quat = np.array([trajectory.quat[inst.name][frame] for inst in known])
    ok = np.isfinite(pos).all(axis=1) & np.isfinite(quat).all(axis=1)
    if ok.any():
        mats = np.zeros((int(ok.sum()), 4, 4))
        mats[:, :3, :3] = quat_to_matrix(quat[ok])
        mats[:, :3, 3] = pos[ok]
        mats[:, 3, 3] = 1.0
        poses[ids[ok]] = mats
    return poses


def _motions(poses_from: np.ndarray, poses_to: np.ndarray) -> np.ndarray:
    """[N,4,4] world-space rigid motion per id; identity where either pose is missing."""
    motions = poses_to @ np.linalg.inv(np.where(np.isnan(poses_from), np.eye(4), poses_from))
    missing = np.isnan(poses_from).any(axis=(1, 2)) | np.isnan(poses_to).any(axis=(1, 2))
    motions[missing] = np.eye(4)
    return motions


def flow_between(depth: np.ndarray, segmentation: np.ndarray, camera: CameraTrack,
                 frm: int, to: int, poses_from: np.ndarray, poses_to: np.ndarray
                 ) -> tuple[np.ndarray, np.ndarray]:
    """Flow [H,W,2] from frame `frm` to frame `to`, and each point's depth in frame `to`
    ([H,W], inf for the sky), which tells where a point becomes hidden."""
    h, w = depth.shape
    cam_from, cam_to = camera.pose(frm), camera.pose(to)
    f_from, f_to = camera.focal(frm), camera.focal(to)
    # Per id, one 3x4 map from camera-`frm` to camera-`to` coordinates. Points are
    # homogeneous (x, y, z, hit): a sky pixel (hit = 0) is a direction, so only the rotation
    # of the background's map (id 0, static) applies to it.
    maps = (np.linalg.inv(cam_to) @ _motions(poses_from, poses_to) @ cam_from)[:, :3]
    maps = maps.astype(np.float32)
    hit = depth > 0
    z = np.where(hit, depth, np.float32(1.0)).astype(np.float32)
    # Each pixel centre's ray in OpenGL camera axes (x right, y up, looking along -z),
    # scaled so its z component is -1: the point is ray * depth.
    u = np.arange(w, dtype=np.float32) + 0.5
    v = np.arange(h, dtype=np.float32) + 0.5
    ray_x, ray_y = (u - w / 2) / np.float32(f_from), (h / 2 - v) / np.float32(f_from)

    # The background's map for every pixel, by broadcasting; then the bodies' pixels.
    m = maps[0]
    moved = [(m[i, 0] * ray_x[None, :] + m[i, 1] * ray_y[:, None] - m[i, 2]) * z
             + m[i, 3] * hit for i in range(3)]
    body = np.flatnonzero(segmentation)
    if body.size:
        mb = maps[segmentation.ravel()[body]]  # [K,3,4]
        rx, ry, zb = ray_x[body % w], ray_y[body // w], z.ravel()[body]
        for i in range(3):
            moved[i].ravel()[body] = (mb[:, i, 0] * rx + mb[:, i, 1] * ry - mb[:, i, 2]) * zb \
                + mb[:, i, 3]
    px, py, pz = moved

    ahead = pz < -1e-6
    inv = np.divide(np.float32(-f_to), pz, out=np.zeros_like(pz), where=ahead)
    flow = np.empty((h, w, 2), np.float32)
    flow[..., 0] = px * inv + (w / 2 - u)[None, :]
    flow[..., 1] = py * -inv + (h / 2 - v)[:, None]
    flow[~ahead] = 0.0
    depth_to = np.where(hit, -pz, np.float32(np.inf))
    return flow, depth_to


def forward_backward(depth: np.ndarray, segmentation: np.ndarray, camera: CameraTrack,
                     trajectory: Trajectory, instances: list[Instance], frame: int
                     ) -> tuple[np.ndarray, np.ndarray]:
    """Forward (to frame+1) and backward (to frame-1) flow; zeros past either end."""
    here = poses_at(trajectory, instances, frame)
    flows = []
    for other in (frame + 1, frame - 1):
        if 0 <= other < camera.num_frames:
            there = poses_at(trajectory, instances, other)
            flows.append(flow_between(depth, segmentation, camera, frame, other, here, there)[0])
        else:
            flows.append(np.zeros(depth.shape + (2,), np.float32))
    return flows[0], flows[1]
