"""The per-frame camera: static, keyframed (monotone C1 cubic through the keys) or auto-framed.

Pixel convention: pixel (col, row) covers [col, col+1] x [row, row+1], so its centre is at
(col + 0.5, row + 0.5); the principal point is the image centre (w/2, h/2).
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.interpolate import CubicHermiteSpline, PchipInterpolator

from bridge.schema import Camera
from bridge.trajectory import Trajectory
from bridge.transforms import look_at_quat, quat_to_matrix
from renderer.framing import DEFAULT_AZIMUTH_DEG

AUTO_ELEVATION_DEG = 25.0
AUTO_MARGIN = 0.85  # fraction of the half field of view the framed points may use


@dataclass
class CameraTrack:
    positions: np.ndarray  # [F,3] world
    quaternions: np.ndarray  # [F,4] xyzw camera-to-world, OpenGL (looks along -z, y up)
    fov_deg: np.ndarray  # [F] vertical field of view
    width: int
    height: int
    near: float
    far: float

    @property
    def num_frames(self) -> int:
        return len(self.positions)

    def focal(self, frame: int) -> float:
        """fx = fy in pixels at this frame."""
        return (self.height / 2) / np.tan(np.radians(self.fov_deg[frame]) / 2)

    def intrinsics(self, frame: int) -> np.ndarray:
        f = self.focal(frame)
        return np.array([[f, 0.0, self.width / 2], [0.0, f, self.height / 2], [0.0, 0.0, 1.0]])

    def pose(self, frame: int) -> np.ndarray:
        """4x4 camera-to-world matrix at this frame."""
        m = np.eye(4)
        m[:3, :3] = quat_to_matrix(self.quaternions[frame])
        m[:3, 3] = self.positions[frame]
        return m

    def metadata(self) -> dict:
        """The `camera` entry of metadata.json; intrinsics are [F][3][3] only when fov varies."""
        if np.all(self.fov_deg == self.fov_deg[0]):
            intrinsics = self.intrinsics(0).tolist()
        else:
            intrinsics = [self.intrinsics(i).tolist() for i in range(self.num_frames)]
        return {"intrinsics": intrinsics, "positions": self.positions.tolist(),
                "quaternions": self.quaternions.tolist(), "fov_deg": self.fov_deg.tolist(),
                "near": self.near, "far": self.far}


def _box_corners(low: np.ndarray, high: np.ndarray) -> np.ndarray:
    """[...,8,3] corners of the axis-aligned boxes between [...,3] `low` and `high`."""
    upper = np.array([[i, j, k] for i in (0, 1) for j in (0, 1) for k in (0, 1)], bool)
    return np.where(upper, np.asarray(high)[..., None, :], np.asarray(low)[..., None, :])


def trajectory_corners(bounds: dict[str, np.ndarray], trajectory: Trajectory) -> np.ndarray:
    """[N,3] world corners of each instance's body-frame bounds at every frame it exists,
    and of each liquid's particles' (each soft body's nodes') bounding box at every frame it
    has them."""
    out = []
    for name, box in bounds.items():
        if name not in trajectory.pos:
            continue
        alive = trajectory.exists(name)
        if not alive.any():
            continue
        corners = _box_corners(box[0], box[1])
        rot = quat_to_matrix(trajectory.quat[name][alive])  # [A,3,3]
        world = np.einsum("aij,cj->aci", rot, corners) + trajectory.pos[name][alive][:, None]
        out.append(world.reshape(-1, 3))
    for particles in [*trajectory.particles.values(), *trajectory.soft.values()]:
        alive = np.isfinite(particles).all(axis=2).any(axis=1)
        if alive.any():
            low, high = np.nanmin(particles[alive], axis=1), np.nanmax(particles[alive], axis=1)
            out.append(_box_corners(low, high).reshape(-1, 3))
    return np.concatenate(out) if out else np.zeros((0, 3))


def box_corners_per_frame(bounds: dict[str, np.ndarray], trajectory: Trajectory,
                          names: list[str], frames: np.ndarray) -> np.ndarray:
    """[len(frames), 8 * len(names), 3] world box corners of the named instances; NaN rows
    while an instance does not exist."""
    out = np.full((len(frames), 8 * len(names), 3), np.nan)
    for i, name in enumerate(names):
        box = bounds.get(name)
        if box is None or name not in trajectory.pos:
            continue
        alive = np.isfinite(trajectory.quat[name][frames]).all(axis=1)
        if not alive.any():
            continue
        rot = quat_to_matrix(trajectory.quat[name][frames][alive])
        corners = _box_corners(box[0], box[1])
        out[alive, 8 * i:8 * i + 8] = (np.einsum("aij,cj->aci", rot, corners)
                                       + trajectory.pos[name][frames][alive][:, None])
    return out


def _look_at_all(positions: np.ndarray, targets: np.ndarray) -> np.ndarray:
    if np.any(np.linalg.norm(targets - positions, axis=1) < 1e-9):
        raise ValueError("camera position and look_at coincide")
    return np.stack([look_at_quat(p, t) for p, t in zip(positions, targets)])


def _keyframed(camera: Camera, times: np.ndarray, fov: float
               ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    keys = sorted(camera.keyframes, key=lambda k: k.at)
    at = np.array([k.at for k in keys])
    if np.any(np.diff(at) <= 0):
        raise ValueError("camera keyframes need distinct times")
    values = np.array([[*k.position, *k.look_at, fov if k.fov is None else k.fov]
                       for k in keys])
    if len(keys) == 1:
        track = np.repeat(values, len(times), axis=0)
    else:
        # PCHIP slopes keep it monotone between keys (no overshoot); zero slopes at the first
        # and last key start and stop the camera at rest, so clamping keeps it C1.
        slopes = PchipInterpolator(at, values, axis=0).derivative()(at)
        slopes[[0, -1]] = 0.0
        track = CubicHermiteSpline(at, values, slopes, axis=0)(np.clip(times, at[0], at[-1]))
    return track[:, :3], track[:, 3:6], track[:, 6]


def auto_frame(points: np.ndarray, fov_deg: float, aspect: float, near: float,
               target: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Camera position and target that fit all points in both fovs, from a three-quarter view."""
    if len(points) == 0:
        points = np.zeros((1, 3))
    if target is None:
        target = (points.min(axis=0) + points.max(axis=0)) / 2
    az, el = np.radians(DEFAULT_AZIMUTH_DEG), np.radians(AUTO_ELEVATION_DEG)
    back = np.array([np.cos(el) * np.cos(az), np.cos(el) * np.sin(az), np.sin(el)])
    rot = quat_to_matrix(look_at_quat(back, np.zeros(3)))
    local = (points - target) @ rot  # camera axes: right, up, backward
    tan_v = np.tan(np.radians(fov_deg) / 2) * AUTO_MARGIN
    tan_h = tan_v * aspect
    # A point at camera depth (dist - local_z) fits when |x| <= tan_h * depth, so the
    # smallest distance is closed-form per point.
    dist = max(np.max(np.abs(local[:, 0]) / tan_h + local[:, 2]),
               np.max(np.abs(local[:, 1]) / tan_v + local[:, 2]),
               np.max(local[:, 2]) + 2 * near, 0.1)
    return target + back * dist, target


def camera_track(camera: Camera, resolution: tuple[int, int], times: np.ndarray,
                 points: np.ndarray) -> CameraTrack:
    """The camera at each time; `points` are world points to frame automatically (no pose)."""
    w, h = resolution
    n = len(times)
    fov = np.full(n, camera.vertical_fov(w / h))
    if camera.keyframes:
        positions, targets, fov = _keyframed(camera, np.asarray(times, float), fov[0])
    elif camera.position is not None and camera.look_at is not None:
        positions = np.tile(camera.position, (n, 1)).astype(float)
        targets = np.tile(camera.look_at, (n, 1)).astype(float)
    else:
        target = None if camera.look_at is None else np.asarray(camera.look_at, float)
        position, target = auto_frame(points, fov[0], w / h, camera.near, target)
        if camera.position is not None:
            position = np.asarray(camera.position, float)
        positions, targets = np.tile(position, (n, 1)), np.tile(target, (n, 1))
    return CameraTrack(positions, _look_at_all(positions, targets), fov, w, h,
                       camera.near, camera.far)
