"""Directional shadows: each sun's fixed light view, framed once per shot on the bodies
and their shadows, and its shadow map set up for filtered depth tests."""
from __future__ import annotations

import numpy as np

from renderer.gl import select_platform

select_platform()  # before the first import of PyOpenGL, which binds the platform once

import pyrender
from OpenGL import GL

from bridge.transforms import look_at_quat, pose_matrix

ShadowView = tuple[np.ndarray, np.ndarray]  # (V, P): world-to-light view and ortho projection


def shadow_view(direction: np.ndarray, points: np.ndarray) -> ShadowView:
    """An orthographic light view along `direction` that just covers `points`."""
    direction = np.asarray(direction, float) / np.linalg.norm(direction)
    centre = (points.min(axis=0) + points.max(axis=0)) / 2
    pose = pose_matrix(centre, look_at_quat(centre - direction, centre))
    local = (points - centre) @ pose[:3, :3]  # light axes: right, up, backward
    margin = 0.02 + 0.02 * np.ptp(local, axis=0).max()
    half = np.abs(local[:, :2]).max(axis=0) + margin
    pose[:3, 3] = centre + pose[:3, 2] * (local[:, 2].max() + margin)
    depth = local[:, 2].max() - local[:, 2].min() + 2 * margin
    camera = pyrender.OrthographicCamera(xmag=half[0], ymag=half[1], znear=margin / 2,
                                         zfar=depth + margin)
    return np.linalg.inv(pose), camera.get_projection_matrix()


def compare_in_sampler(texture_id: int) -> None:
    """Let the shader's sampler2DShadow compare depths and filter the results bilinearly."""
    GL.glBindTexture(GL.GL_TEXTURE_2D, texture_id)
    for parameter, value in ((GL.GL_TEXTURE_COMPARE_MODE, GL.GL_COMPARE_REF_TO_TEXTURE),
                             (GL.GL_TEXTURE_COMPARE_FUNC, GL.GL_LEQUAL),
                             (GL.GL_TEXTURE_MIN_FILTER, GL.GL_LINEAR),
                             (GL.GL_TEXTURE_MAG_FILTER, GL.GL_LINEAR),
                             (GL.GL_TEXTURE_WRAP_S, GL.GL_CLAMP_TO_EDGE),
                             (GL.GL_TEXTURE_WRAP_T, GL.GL_CLAMP_TO_EDGE)):
        GL.glTexParameteri(GL.GL_TEXTURE_2D, parameter, value)
    GL.glBindTexture(GL.GL_TEXTURE_2D, 0)
