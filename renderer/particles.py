"""Liquid particles: their instance poses, and which particle each liquid pixel shows.

A liquid is one sphere mesh drawn once per particle, with instance k at particle k. The id
shaders write k mod 256 into the third byte of the id colour (see renderer/offscreen.py).
With up to 256 particles that byte is the particle. With more it leaves ceil(N / 256)
candidates; the pixel's surface point, lifted with its depth, lies on the sphere it shows and
outside every other sphere (one enclosing it would be nearer the camera and drawn instead),
so the candidate whose centre is nearest that point is the one shown.

For flow, each particle is a motion slot after the instance ids: a pose that is a pure
translation to its centre, so a liquid pixel moves with the particle it shows.
"""
from __future__ import annotations

import numpy as np

from bridge.instances import Instance
from bridge.trajectory import Trajectory
from renderer.camera import CameraTrack

INDEX_MODULUS = 256  # the byte's range
VIEW_MARGIN = 1.1  # a particle just outside the view still shows part of its sphere


def particle_poses(centres: np.ndarray) -> np.ndarray:
    """[N,4,4] float32 instance poses for [N,3] centres. A NaN particle gets a zero-scale
    pose, which collapses its sphere to a point that covers no pixel while the instance keeps
    its index."""
    finite = np.isfinite(centres).all(axis=1)
    poses = np.zeros((len(centres), 4, 4), np.float32)
    poses[finite, :3, :3] = np.eye(3)
    poses[finite, :3, 3] = centres[finite]
    poses[:, 3, 3] = 1.0
    return poses


def pixels_per_metre(centres: np.ndarray, camera: CameraTrack) -> float:
    """The largest scale, in pixels per metre, at which any of the [F,N,3] particles is seen
    in view over the shot (0 when none is)."""
    largest = 0.0
    for frame in range(camera.num_frames):
        pose, focal = camera.pose(frame), camera.focal(frame)
        local = (centres[frame] - pose[:3, 3]) @ pose[:3, :3]  # camera axes: x right, y up
        depth = -local[:, 2]
        # NaN compares False, so absent particles drop out.
        seen = (depth > camera.near) \
            & (np.abs(local[:, 0]) * focal <= VIEW_MARGIN * camera.width / 2 * depth) \
            & (np.abs(local[:, 1]) * focal <= VIEW_MARGIN * camera.height / 2 * depth)
        if seen.any():
            largest = max(largest, focal / depth[seen].min())
    return largest


def first_slot(instances: list[Instance]) -> int:
    """Motion slots 0..max id are the instances' (by segmentation id); particles follow."""
    return max((inst.id for inst in instances), default=0) + 1


def _liquids(instances: list[Instance], trajectory: Trajectory
             ) -> list[tuple[Instance, np.ndarray]]:
    """Liquid instances with recorded particles, in instance order, and their [F,N,3]."""
    return [(inst, trajectory.particles[inst.name]) for inst in instances
            if inst.kind == "liquid" and inst.name in trajectory.particles]


def slot_poses(trajectory: Trajectory, instances: list[Instance], frame: int) -> np.ndarray:
    """[P,4,4] world poses of the particle slots at one frame; NaN where a particle is absent.
    """
    centres = [particles[frame] for _, particles in _liquids(instances, trajectory)]
    centres = np.concatenate(centres) if centres else np.zeros((0, 3))
    poses = np.tile(np.eye(4), (len(centres), 1, 1))
    poses[:, :3, 3] = centres
    poses[~np.isfinite(centres).all(axis=1)] = np.nan
    return poses


def _surface_points(depth: np.ndarray, where: np.ndarray, camera: CameraTrack,
                    frame: int) -> np.ndarray:
    """[K,3] world points of the flat pixel indices `where` (all with depth)."""
    h, w = depth.shape
    focal = camera.focal(frame)
    z = depth.ravel()[where].astype(float)
    local = np.stack([(where % w + 0.5 - w / 2) / focal * z,
                      (h / 2 - where // w - 0.5) / focal * z, -z], axis=1)
    pose = camera.pose(frame)
    return local @ pose[:3, :3].T + pose[:3, 3]


def _nearest_candidate(byte: np.ndarray, points: np.ndarray, centres: np.ndarray) -> np.ndarray:
    """Per pixel, among the particles k = byte (mod 256), the one whose centre is nearest."""
    count = len(centres)
    candidates = byte[:, None] + INDEX_MODULUS * np.arange(-(-count // INDEX_MODULUS))
    valid = candidates < count
    candidates = np.where(valid, candidates, 0)
    gap = np.linalg.norm(centres[candidates] - points[:, None], axis=2)
    gap = np.where(valid & np.isfinite(gap), gap, np.inf)
    return candidates[np.arange(len(byte)), gap.argmin(axis=1)]


def pixel_slots(depth: np.ndarray, segmentation: np.ndarray, instance_bytes: np.ndarray,
                camera: CameraTrack, frame: int, trajectory: Trajectory,
                instances: list[Instance]) -> np.ndarray:
    """[H,W] int32 motion slot per pixel: its id, or for a liquid pixel its particle's slot."""
    slots = segmentation.astype(np.int32)
    flat = slots.ravel()
    slot = first_slot(instances)
    for inst, particles in _liquids(instances, trajectory):
        count = particles.shape[1]
        where = np.flatnonzero(segmentation.ravel() == inst.id)
        if where.size:
            index = instance_bytes.ravel()[where].astype(np.int64)
            if count > INDEX_MODULUS:
                index = _nearest_candidate(index, _surface_points(depth, where, camera, frame),
                                           particles[frame])
            flat[where] = slot + np.minimum(index, count - 1)
        slot += count
    return slots
