"""Exact optical flow from depth, segmentation, recorded instance poses and the cameras.

Each pixel's surface point is lifted to 3D with its depth, moved rigidly with its motion
slot's pose change, and projected into the other frame's camera. A pixel's slot is its
instance id (the ground and background, id 0, stay put), or for a liquid pixel the particle
it shows, which moves by pure translation (see renderer/particles.py). Sky pixels (depth 0)
are points at infinity: only the camera's rotation moves them. A point that ends up behind
the other camera gets zero flow. Flow is (dx, dy) in pixels.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from bridge.instances import Instance
from bridge.trajectory import Trajectory
from bridge.transforms import quat_to_matrix
from renderer.camera import CameraTrack
from renderer.particles import first_slot, pixel_slots, slot_poses


def poses_at(trajectory: Trajectory, instances: list[Instance], frame: int) -> np.ndarray:
    """[S,4,4] world poses by motion slot at one frame: by segmentation id, identity for id 0
    (the ground and background never move), then the liquid particles; NaN where absent."""
    poses = np.full((first_slot(instances), 4, 4), np.nan)
    poses[0] = np.eye(4)
    known = [inst for inst in instances if inst.name in trajectory.pos]
    if known:
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
    return np.concatenate([poses, slot_poses(trajectory, instances, frame)])


def _motions(poses_from: np.ndarray, poses_to: np.ndarray) -> np.ndarray:
    """[S,4,4] world-space rigid motion per slot; identity where either pose is missing."""
    motions = poses_to @ np.linalg.inv(np.where(np.isnan(poses_from), np.eye(4), poses_from))
    missing = np.isnan(poses_from).any(axis=(1, 2)) | np.isnan(poses_to).any(axis=(1, 2))
    motions[missing] = np.eye(4)
    return motions


@dataclass
class _Lifted:
    """One frame's pixels as homogeneous camera points (ray * z, hit), shared by both flows."""

    focal: float  # pixels, of the source camera
    z: np.ndarray  # [H,W] float32 depth, 1 for the sky
    hit: np.ndarray  # [H,W] bool, False for the sky (a direction: w = 0)
    ray_x: np.ndarray  # [W] x / -z at each column centre (OpenGL axes: x right, y up)
    ray_y: np.ndarray  # [H] y / -z at each row centre
    body: np.ndarray  # flat indices of pixels that show an instance (slot > 0)
    body_slots: np.ndarray
    body_rx: np.ndarray
    body_ry: np.ndarray
    body_z: np.ndarray


def _lift(depth: np.ndarray, slots: np.ndarray, focal: float) -> _Lifted:
    h, w = depth.shape
    hit = depth > 0
    z = np.where(hit, depth, np.float32(1.0)).astype(np.float32)
    ray_x = (np.arange(w, dtype=np.float32) + 0.5 - w / 2) / np.float32(focal)
    ray_y = (h / 2 - np.arange(h, dtype=np.float32) - 0.5) / np.float32(focal)
    body = np.flatnonzero(slots)
    return _Lifted(focal, z, hit, ray_x, ray_y, body, slots.ravel()[body], ray_x[body % w],
                   ray_y[body // w], z.ravel()[body])


def _project(lifted: _Lifted, maps: np.ndarray, focal: float) -> tuple[np.ndarray, np.ndarray]:
    """Flow [H,W,2] and camera-space z [H,W] in the target camera, given per-slot 3x4 maps
    from source to target camera coordinates."""
    z, hit, ray_x, ray_y = lifted.z, lifted.hit, lifted.ray_x, lifted.ray_y
    h, w = z.shape
    # The background's map for every pixel by broadcasting, then the bodies' own maps.
    m = maps[0]
    moved = [(m[i, 0] * ray_x[None, :] + m[i, 1] * ray_y[:, None] - m[i, 2]) * z
             + m[i, 3] * hit for i in range(3)]
    if lifted.body.size:
        mb = maps[lifted.body_slots]  # [K,3,4]
        for i in range(3):
            moved[i].ravel()[lifted.body] = lifted.body_z * (
                mb[:, i, 0] * lifted.body_rx + mb[:, i, 1] * lifted.body_ry - mb[:, i, 2]) \
                + mb[:, i, 3]
    px, py, pz = moved
    ahead = pz < -1e-6
    scale = np.divide(np.float32(-focal), pz, out=np.zeros_like(pz), where=ahead)
    flow = np.empty((h, w, 2), np.float32)
    source = np.float32(lifted.focal)  # pixel offsets from the image centre at the source
    flow[..., 0] = px * scale - ray_x[None, :] * source
    flow[..., 1] = ray_y[:, None] * source - py * scale
    flow[~ahead] = 0.0
    return flow, pz


def _maps(camera: CameraTrack, frm: int, to: int, poses_from: np.ndarray,
          poses_to: np.ndarray) -> np.ndarray:
    """[S,3,4] float32 per slot: camera-`frm` coordinates to camera-`to` coordinates."""
    maps = np.linalg.inv(camera.pose(to)) @ _motions(poses_from, poses_to) @ camera.pose(frm)
    return maps[:, :3].astype(np.float32)


def flow_between(depth: np.ndarray, slots: np.ndarray, camera: CameraTrack,
                 frm: int, to: int, poses_from: np.ndarray, poses_to: np.ndarray
                 ) -> tuple[np.ndarray, np.ndarray]:
    """Flow [H,W,2] from frame `frm` to frame `to`, and each point's depth in frame `to`
    ([H,W], inf for the sky), which tells where a point becomes hidden. `slots` is each
    pixel's motion slot: the segmentation, where no liquid is in view."""
    lifted = _lift(depth, slots, camera.focal(frm))
    flow, pz = _project(lifted, _maps(camera, frm, to, poses_from, poses_to), camera.focal(to))
    return flow, np.where(lifted.hit, -pz, np.float32(np.inf))


def forward_backward(depth: np.ndarray, segmentation: np.ndarray, camera: CameraTrack,
                     trajectory: Trajectory, instances: list[Instance], frame: int
                     ) -> tuple[np.ndarray, np.ndarray]:
    """Forward (to frame+1) and backward (to frame-1) flow; zeros past either end."""
    slots = pixel_slots(depth, segmentation, camera, frame, trajectory, instances)
    lifted = _lift(depth, slots, camera.focal(frame))
    here = poses_at(trajectory, instances, frame)
    flows = []
    for other in (frame + 1, frame - 1):
        if 0 <= other < camera.num_frames:
            maps = _maps(camera, frame, other, here, poses_at(trajectory, instances, other))
            flows.append(_project(lifted, maps, camera.focal(other))[0])
        else:
            flows.append(np.zeros(depth.shape + (2,), np.float32))
    return flows[0], flows[1]
