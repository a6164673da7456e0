"""The main framebuffer of the lit and ids passes, and reading it back.

Colour, instance ids and world normals are three colour attachments of one single-sample
framebuffer, so one lit pass gives colour, depth and ids at each pixel's centre. With
`msaa`, pyrender draws the colour into a multisampled target instead, resolved into
attachment 0 (renderer/multisample.py).

Instance ids are encoded as 8-bit colours (low byte, high byte, 0).
"""
from __future__ import annotations

import numpy as np

from renderer.gl import select_platform

select_platform()  # before the first import of PyOpenGL, which binds the platform once

import pyrender
from OpenGL import GL

from renderer import multisample
from renderer.readback import linear_depth, read_color, read_normals_attachment

IDS_ATTACHMENT = 1  # colour attachment that the lit shader writes instance ids to
NORMALS_ATTACHMENT = 2  # and world-space normals, (n + 1) / 2 in 16-bit channels
MAIN_DRAW_BUFFERS = [GL.GL_COLOR_ATTACHMENT0 + k for k in (0, IDS_ATTACHMENT, NORMALS_ATTACHMENT)]


def encode_id(instance_id: int) -> tuple[int, int, int]:
    """An instance id as an 8-bit RGB colour: low byte, high byte, 0."""
    return instance_id & 0xFF, instance_id >> 8, 0


def decode_ids(colors: np.ndarray) -> np.ndarray:
    """[H,W,>=2] uint8 id colours to [H,W] uint16 ids."""
    return colors[..., 0].astype(np.uint16) | (colors[..., 1].astype(np.uint16) << 8)


class MainFramebuffer:
    """Mixed into pyrender's Renderer: its main framebuffer, with the ids and normals
    attachments, and the read-back of each pass."""

    def __init__(self, width: int, height: int):
        self._main_ids = self._main_normals = None
        self.last_ids: np.ndarray | None = None  # ids of the latest lit render
        self.read_normals = False  # read the normals attachment back after a lit render
        self.last_normals: np.ndarray | None = None  # [H,W,3] uint16, 0 where nothing
        self._multisampled: multisample.MultisampleTarget | None = None
        self.multisample_pass = False  # draw into the multisampled colour target, read colour
        super().__init__(width, height)

    def _configure_main_framebuffer(self):
        dims = (self.viewport_width, self.viewport_height)
        if self._main_fb is None or self._main_fb_dims != dims:
            self._create_main_framebuffer(dims)
        if self.multisample_pass:  # pyrender draws into `_main_fb_ms`
            if self._multisampled is None:
                self._multisampled = multisample.create(*dims)
            self._main_fb_ms = self._multisampled.framebuffer

    def _create_main_framebuffer(self, dims: tuple[int, int]) -> None:
        self._delete_main_framebuffer()
        color, ids, normals, depth = GL.glGenRenderbuffers(4)
        framebuffer = GL.glGenFramebuffers(1)
        GL.glBindFramebuffer(GL.GL_DRAW_FRAMEBUFFER, framebuffer)
        for buffer, storage, attachment in (
                (color, GL.GL_RGBA8, GL.GL_COLOR_ATTACHMENT0),
                (ids, GL.GL_RGBA8, GL.GL_COLOR_ATTACHMENT0 + IDS_ATTACHMENT),
                (normals, GL.GL_RGBA16, GL.GL_COLOR_ATTACHMENT0 + NORMALS_ATTACHMENT),
                (depth, GL.GL_DEPTH_COMPONENT24, GL.GL_DEPTH_ATTACHMENT)):
            GL.glBindRenderbuffer(GL.GL_RENDERBUFFER, buffer)
            GL.glRenderbufferStorage(GL.GL_RENDERBUFFER, storage, *dims)
            GL.glFramebufferRenderbuffer(GL.GL_DRAW_FRAMEBUFFER, attachment,
                                         GL.GL_RENDERBUFFER, buffer)
        GL.glDrawBuffers(3, MAIN_DRAW_BUFFERS)
        # pyrender draws into the "_ms" names and frees both sets; deleting twice is a no-op.
        self._main_fb = self._main_fb_ms = framebuffer
        self._main_cb = self._main_cb_ms = color
        self._main_db = self._main_db_ms = depth
        self._main_ids, self._main_normals = ids, normals
        self._main_fb_dims = dims

    def _delete_main_framebuffer(self):
        if self._multisampled is not None:
            self._multisampled.delete()
            self._multisampled = None
        if self._main_ids is not None:
            GL.glDeleteRenderbuffers(2, [self._main_ids, self._main_normals])
            self._main_ids = self._main_normals = None
        super()._delete_main_framebuffer()

    def _read_main_framebuffer(self, scene, flags):
        """Depth [H,W] float32 metres (0 = nothing) for DEPTH_ONLY, else (colour [H,W,3]
        uint8, depth); a lit render also leaves its ids in `last_ids`."""
        width, height = self._main_fb_dims
        GL.glPixelStorei(GL.GL_PACK_ALIGNMENT, 1)  # rows of 3-byte pixels are not 4-aligned
        if self.multisample_pass:
            multisample.resolve(self._multisampled, self._main_fb, MAIN_DRAW_BUFFERS)
            return read_color(self._main_fb, width, height), None
        GL.glBindFramebuffer(GL.GL_READ_FRAMEBUFFER, self._main_fb)
        raw = GL.glReadPixels(0, 0, width, height, GL.GL_DEPTH_COMPONENT, GL.GL_FLOAT)
        camera = scene.main_camera_node.camera
        depth = linear_depth(np.frombuffer(raw, np.float32).reshape(height, width)[::-1],
                              camera.znear, camera.zfar)
        if flags & pyrender.RenderFlags.DEPTH_ONLY:
            return depth
        if not flags & pyrender.RenderFlags.SEG:
            GL.glReadBuffer(GL.GL_COLOR_ATTACHMENT0 + IDS_ATTACHMENT)
            raw = GL.glReadPixels(0, 0, width, height, GL.GL_RGBA, GL.GL_UNSIGNED_BYTE)
            rgba = np.frombuffer(raw, np.uint8).reshape(height, width, 4)[::-1]
            # The clear leaves alpha 0 (see `Offscreen.render_lit`); drawn pixels have 1.
            self.last_ids = np.where(rgba[..., 3] > 0, decode_ids(rgba), np.uint16(0))
            self.last_normals = (read_normals_attachment(NORMALS_ATTACHMENT, width, height)
                                 if self.read_normals else None)
            GL.glReadBuffer(GL.GL_COLOR_ATTACHMENT0)
        return read_color(self._main_fb, width, height), depth
