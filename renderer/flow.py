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
from numba import njit

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


def _rigid_inverse(poses: np.ndarray) -> np.ndarray:
    """[S,4,4] inverses of rigid poses (R, t): (R^T, -R^T t); NaN stays NaN."""
    rotation_t = np.swapaxes(poses[:, :3, :3], 1, 2)
    inverse = np.zeros_like(poses)
    inverse[:, :3, :3] = rotation_t
    inverse[:, :3, 3] = -(rotation_t @ poses[:, :3, 3:])[..., 0]
    inverse[:, 3, 3] = 1.0
    return inverse


def _motions(poses_from: np.ndarray, poses_to: np.ndarray) -> np.ndarray:
    """[S,4,4] world-space rigid motion per slot; identity where either pose is missing."""
    # a liquid brings thousands of slots: the closed-form inverse, not a general one
    motions = poses_to @ _rigid_inverse(poses_from)
    missing = np.isnan(poses_from).any(axis=(1, 2)) | np.isnan(poses_to).any(axis=(1, 2))
    motions[missing] = np.eye(4)
    return motions


@dataclass
class _Lifted:
    """One frame's pixels as camera rays, shared by both flows."""

    focal: np.float32  # pixels, of the source camera
    z: np.ndarray  # [H,W] float32 depth, 1 for the sky
    hit: np.ndarray  # [H,W] bool, False for the sky (a direction: w = 0)
    ray_x: np.ndarray  # [W] x / -z at each column centre (OpenGL axes: x right, y up)
    ray_y: np.ndarray  # [H] y / -z at each row centre
    slots: np.ndarray  # [H,W] int32 motion slot


def _lift(depth: np.ndarray, slots: np.ndarray, focal: float) -> _Lifted:
    h, w = depth.shape
    hit = depth > 0
    z = np.where(hit, depth, np.float32(1.0)).astype(np.float32)
    ray_x = (np.arange(w, dtype=np.float32) + 0.5 - w / 2) / np.float32(focal)
    ray_y = (h / 2 - np.arange(h, dtype=np.float32) - 0.5) / np.float32(focal)
    return _Lifted(np.float32(focal), z, hit, ray_x, ray_y, slots.astype(np.int32, copy=False))


def _project(lifted: _Lifted, maps: np.ndarray, focal: float) -> tuple[np.ndarray, np.ndarray]:
    """Flow [H,W,2] and camera-space z [H,W] in the target camera, given per-slot 3x4 maps
    from source to target camera coordinates."""
    if lifted.slots.size and lifted.slots.max() >= len(maps):  # the kernel does not check
        raise ValueError(f"a pixel's motion slot {lifted.slots.max()} has no pose "
                         f"({len(maps)} slots)")
    flow = np.empty(lifted.z.shape + (2,), np.float32)
    pz = np.empty(lifted.z.shape, np.float32)
    _project_pixels(lifted.z, lifted.hit, lifted.ray_x, lifted.ray_y, lifted.slots,
                    np.ascontiguousarray(maps), np.float32(-focal), lifted.focal, flow, pz)
    return flow, pz


@njit(cache=True)
def _project_pixels(z: np.ndarray, hit: np.ndarray, ray_x: np.ndarray, ray_y: np.ndarray,
                    slots: np.ndarray, maps: np.ndarray, minus_focal: np.float32,
                    source: np.float32, flow: np.ndarray, pz: np.ndarray) -> None:
    """Each pixel's point moved by its slot's map into the target camera: its flow (zero
    behind that camera) and its z there. float32 throughout, in numpy's order."""
    # one pass over the pixels: the array expressions this replaces made a dozen full-frame
    # temporaries per flow, two flows a frame
    near = np.float32(-1e-6)
    for i in range(z.shape[0]):
        ry = ray_y[i]
        for j in range(z.shape[1]):
            m, rx, depth = maps[slots[i, j]], ray_x[j], z[i, j]
            w = np.float32(1.0) if hit[i, j] else np.float32(0.0)
            x = (m[0, 0] * rx + m[0, 1] * ry - m[0, 2]) * depth + m[0, 3] * w
            y = (m[1, 0] * rx + m[1, 1] * ry - m[1, 2]) * depth + m[1, 3] * w
            pz[i, j] = (m[2, 0] * rx + m[2, 1] * ry - m[2, 2]) * depth + m[2, 3] * w
            if pz[i, j] < near:
                scale = minus_focal / pz[i, j]
                flow[i, j, 0] = x * scale - rx * source
                flow[i, j, 1] = ry * source - y * scale
            else:
                flow[i, j, 0] = np.float32(0.0)
                flow[i, j, 1] = np.float32(0.0)


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
