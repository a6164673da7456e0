"""Reading the main framebuffer back: colour, metric depth and world normals, top row first."""
from __future__ import annotations

import numpy as np

from renderer.gl import select_platform

select_platform()  # before the first import of PyOpenGL, which binds the platform once

from OpenGL import GL


def read_color(framebuffer: int, width: int, height: int) -> np.ndarray:
    """[H,W,3] uint8 colour attachment 0 of the framebuffer."""
    GL.glBindFramebuffer(GL.GL_READ_FRAMEBUFFER, framebuffer)
    GL.glReadBuffer(GL.GL_COLOR_ATTACHMENT0)
    raw = GL.glReadPixels(0, 0, width, height, GL.GL_RGB, GL.GL_UNSIGNED_BYTE)
    return np.frombuffer(raw, np.uint8).reshape(height, width, 3)[::-1]


def read_normals_attachment(attachment: int, width: int, height: int) -> np.ndarray:
    """[H,W,3] uint16 normals from the bound read framebuffer's colour `attachment`; 0 where
    nothing was drawn."""
    GL.glReadBuffer(GL.GL_COLOR_ATTACHMENT0 + attachment)
    raw = GL.glReadPixels(0, 0, width, height, GL.GL_RGBA, GL.GL_UNSIGNED_SHORT)
    rgba = np.frombuffer(raw, np.uint16).reshape(height, width, 4)[::-1]
    return np.where(rgba[..., 3:] > 0, rgba[..., :3], np.uint16(0))


def linear_depth(buffer: np.ndarray, near: float, far: float) -> np.ndarray:
    """Window depth in [0, 1] to metres along the view axis; 0 where the far plane was kept."""
    ndc = buffer * np.float32(2.0) - np.float32(1.0)
    metres = np.float32(2.0 * near * far) / (np.float32(far + near) - ndc * np.float32(far - near))
    return np.where(buffer < 1.0, metres, np.float32(0.0))
