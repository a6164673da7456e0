"""Which particle each liquid pixel moves with, for flow.

A liquid is drawn as one surface around its particles (renderer/liquid_surface.py). Each
particle is a motion slot after the instance ids: a pose that is a pure translation to its
centre. A liquid pixel's surface point, lifted with its depth, moves with the particle
nearest it, so the liquid's flow is its particles' velocities.
"""
from __future__ import annotations

import numpy as np
from scipy.spatial import cKDTree

from bridge.instances import Instance
from bridge.trajectory import Trajectory
from renderer.camera import CameraTrack


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


def _nearest(points: np.ndarray, centres: np.ndarray) -> np.ndarray:
    """Per point, the index of the nearest present particle."""
    present = np.flatnonzero(np.isfinite(centres).all(axis=1))
    if present.size == 0:
        return np.zeros(len(points), np.int64)
    return present[cKDTree(centres[present]).query(points)[1]]


def pixel_slots(depth: np.ndarray, segmentation: np.ndarray, camera: CameraTrack, frame: int,
                trajectory: Trajectory, instances: list[Instance]) -> np.ndarray:
    """[H,W] int32 motion slot per pixel: its id, or for a liquid pixel its particle's slot."""
    slots = segmentation.astype(np.int32)
    flat = slots.ravel()
    slot = first_slot(instances)
    for inst, particles in _liquids(instances, trajectory):
        count = particles.shape[1]
        where = np.flatnonzero(segmentation.ravel() == inst.id)
        if where.size:
            flat[where] = slot + _nearest(_surface_points(depth, where, camera, frame),
                                          particles[frame])
        slot += count
    return slots
