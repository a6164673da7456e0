"""Rotation and pose helpers shared by the stages. Quaternions are [x, y, z, w]."""
from __future__ import annotations

import numpy as np
from scipy.spatial.transform import Rotation


def quat_from_euler_deg(rotation: tuple[float, float, float]) -> np.ndarray:
    """Extrinsic x-then-y-then-z rotation in degrees, as the script writes it."""
    return Rotation.from_euler("xyz", rotation, degrees=True).as_quat()


def quat_to_matrix(quat: np.ndarray) -> np.ndarray:
    """[..., 4] xyzw quaternions to [..., 3, 3] rotation matrices."""
    return Rotation.from_quat(np.asarray(quat, dtype=float).reshape(-1, 4)).as_matrix().reshape(
        np.shape(quat)[:-1] + (3, 3))


def quat_from_two_vectors(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """The shortest rotation that turns direction `a` into direction `b`."""
    a, b = (np.asarray(v, float) / np.linalg.norm(v) for v in (a, b))
    axis = np.cross(a, b)
    if np.linalg.norm(axis) < 1e-9:  # parallel, or opposite: half a turn about any normal
        if a @ b > 0:
            return np.array([0.0, 0.0, 0.0, 1.0])
        axis = np.cross(a, [1.0, 0.0, 0.0] if abs(a[0]) < 0.9 else [0.0, 1.0, 0.0])
    angle = np.arctan2(np.linalg.norm(np.cross(a, b)), a @ b)
    return Rotation.from_rotvec(axis / np.linalg.norm(axis) * angle).as_quat()


def tilt_deg(quat: np.ndarray) -> np.ndarray:
    """[...] degrees between each pose's local z axis and world z, from [..., 4] xyzw
    quaternions; NaN where a quaternion is NaN (a body that no longer exists)."""
    x, y, z, w = np.moveaxis(np.asarray(quat, float), -1, 0)
    with np.errstate(invalid="ignore"):
        up = 1.0 - 2.0 * (x * x + y * y) / (x * x + y * y + z * z + w * w)
    return np.degrees(np.arccos(np.clip(up, -1.0, 1.0)))


def box_corners(bounds: np.ndarray) -> np.ndarray:
    """[8, 3] corners of an axis-aligned box given as [[min x, y, z], [max x, y, z]]."""
    return np.array([[x, y, z] for x in bounds[:, 0] for y in bounds[:, 1] for z in bounds[:, 2]])


def pose_matrix(position: np.ndarray, quat: np.ndarray) -> np.ndarray:
    """A 4x4 homogeneous transform from a position and an xyzw quaternion."""
    m = np.eye(4)
    m[:3, :3] = quat_to_matrix(quat)
    m[:3, 3] = position
    return m


def compose(p1: np.ndarray, q1: np.ndarray, p2: np.ndarray, q2: np.ndarray
            ) -> tuple[np.ndarray, np.ndarray]:
    """The pose (p1, q1) * (p2, q2): apply the second in the first's frame."""
    r1 = Rotation.from_quat(q1)
    return np.asarray(p1) + r1.apply(p2), (r1 * Rotation.from_quat(q2)).as_quat()


def quat_multiply(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """[..., 4] products a * b of xyzw quaternions, element by element: scipy's Rotation
    composes thousands of poses ten times slower."""
    (ax, ay, az, aw), (bx, by, bz, bw) = np.moveaxis(a, -1, 0), np.moveaxis(b, -1, 0)
    return np.stack([aw * bx + bw * ax + (ay * bz - az * by),
                     aw * by + bw * ay + (az * bx - ax * bz),
                     aw * bz + bw * az + (ax * by - ay * bx),
                     aw * bw - (ax * bx + ay * by + az * bz)], axis=-1)


def quat_rotate(quat: np.ndarray, v: np.ndarray) -> np.ndarray:
    """[..., 3] vectors turned by [..., 4] unit xyzw quaternions, element by element."""
    # by components, as np.cross computes them: np.cross's own axis handling cost more than
    # its arithmetic on a recording's thousands of poses
    x, y, z, w = np.moveaxis(quat, -1, 0)
    vx, vy, vz = np.moveaxis(np.asarray(v, float), -1, 0)
    tx, ty, tz = 2.0 * (y * vz - z * vy), 2.0 * (z * vx - x * vz), 2.0 * (x * vy - y * vx)
    return np.stack([vx + w * tx + (y * tz - z * ty), vy + w * ty + (z * tx - x * tz),
                     vz + w * tz + (x * ty - y * tx)], axis=-1)


def invert(p: np.ndarray, q: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    r_inv = Rotation.from_quat(q).inv()
    return -r_inv.apply(p), r_inv.as_quat()


Z_UP = np.array([0.0, 0.0, 1.0])


def look_at_quat(position: np.ndarray, target: np.ndarray, up: np.ndarray = Z_UP) -> np.ndarray:
    """Camera-to-world rotation in the OpenGL convention: the camera looks along its -z, y up."""
    forward = np.asarray(target, float) - np.asarray(position, float)
    forward /= np.linalg.norm(forward)
    if abs(np.dot(forward, up)) > 0.999:  # looking straight up or down: pick another up
        up = np.array([0.0, 1.0, 0.0])
    right = np.cross(forward, up)
    right /= np.linalg.norm(right)
    true_up = np.cross(right, forward)
    matrix = np.stack([right, true_up, -forward], axis=1)
    return Rotation.from_matrix(matrix).as_quat()
