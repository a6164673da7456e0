"""Surface patterns on the GPU: each procedural texture (renderer/textures.py) uploaded once
per shot, and which primitive draws with which.

A pattern goes up as one RGBA8 texture: its albedo modulation's luminance in R (a material
keeps its hue; the grain, grout and weave modulate its lightness) and the normal map's x and
y in G and B. One fetch per projection instead of two: texture fetches dominate the cost of
a pattern on llvmpipe.

The textures sit on fixed texture units above those pyrender hands out (it numbers shadow
maps and material textures from 0 and restarts for every draw), so binding a pattern never
takes over a shadow map's unit.
"""
from __future__ import annotations

import numpy as np
from OpenGL import GL

from renderer.textures import SurfaceTexture, surface_texture

UNIT = 15  # llvmpipe and every GL 3.3 driver have at least 16 units
LUMINANCE = np.array([0.2126, 0.7152, 0.0722])  # Rec. 709 weights
# Relief drawn, as a share of the texture's own: wood's figure is in its colour, and its
# full grain relief under a low sun reads as sand ripples on a tabletop.
RELIEF = {"wood": 0.3}
# Repeat length along the grain (u), as a multiple of the texture's: a board's grain runs
# long and nearly straight, where the square texture's rings would wave like ripples.
STRETCH = {"wood": 4.0}


class Patterns:
    """The pattern of each patterned primitive, and the GL textures they need."""

    def __init__(self, seed: int):
        self.seed = seed
        self.by_primitive: dict[object, SurfaceTexture] = {}
        self._uploaded: dict[str, tuple[int, np.ndarray]] = {}  # pattern -> (id, scale)

    def assign(self, primitives: list, pattern: str | None) -> None:
        """Draw these primitives with the pattern (None: plain)."""
        if pattern is not None:
            texture = surface_texture(pattern, self.seed)
            for primitive in primitives:
                self.by_primitive[primitive] = texture

    def bind(self, program, primitive) -> None:
        """Bind the pattern of one patterned draw (GL context current); others need none."""
        texture = self.by_primitive.get(primitive)
        if texture is None:
            return
        # on the pattern's own unit, uploads included: binding on whichever unit pyrender left
        # active would take a shadow map off its unit for that draw (the first frame's sun)
        GL.glActiveTexture(GL.GL_TEXTURE0 + UNIT)
        if texture.pattern not in self._uploaded:
            metres = np.array([texture.metres * STRETCH.get(texture.pattern, 1.0),
                               texture.metres])
            self._uploaded[texture.pattern] = (_upload(packed(texture)),
                                               (1.0 / metres).astype(np.float32))
        texture_id, scale = self._uploaded[texture.pattern]
        GL.glBindTexture(GL.GL_TEXTURE_2D, texture_id)
        GL.glActiveTexture(GL.GL_TEXTURE0)
        program.set_uniform("pattern", UNIT)
        program.set_uniform("pattern_scale", scale)

    def delete(self) -> None:
        """Free the GL textures (context current)."""
        if self._uploaded:
            GL.glDeleteTextures(len(self._uploaded), [i for i, _ in self._uploaded.values()])
        self._uploaded.clear()


def packed(texture: SurfaceTexture) -> np.ndarray:
    """[S,S,4] uint8: albedo luminance (128 = x1), normal x, normal y, 255."""
    luminance = np.rint(texture.albedo.astype(np.float64) @ LUMINANCE)
    out = np.empty(texture.albedo.shape[:2] + (4,), np.uint8)
    out[..., 0] = np.clip(luminance, 0, 255)
    slope = (texture.normal[..., :2].astype(np.float64) - 127.5) * RELIEF.get(texture.pattern, 1.0)
    out[..., 1:3] = np.clip(np.rint(slope + 127.5), 0, 255)
    out[..., 3] = 255
    return out


def _upload(image: np.ndarray) -> int:
    """A repeating, mipmapped RGBA8 texture (far-off tiles do not shimmer)."""
    texture_id = GL.glGenTextures(1)
    GL.glBindTexture(GL.GL_TEXTURE_2D, texture_id)
    GL.glPixelStorei(GL.GL_UNPACK_ALIGNMENT, 1)
    height, width = image.shape[:2]
    GL.glTexImage2D(GL.GL_TEXTURE_2D, 0, GL.GL_RGBA8, width, height, 0, GL.GL_RGBA,
                    GL.GL_UNSIGNED_BYTE, np.ascontiguousarray(image, np.uint8))
    GL.glGenerateMipmap(GL.GL_TEXTURE_2D)
    for parameter, value in ((GL.GL_TEXTURE_WRAP_S, GL.GL_REPEAT),
                             (GL.GL_TEXTURE_WRAP_T, GL.GL_REPEAT),
                             (GL.GL_TEXTURE_MIN_FILTER, GL.GL_LINEAR_MIPMAP_LINEAR),
                             (GL.GL_TEXTURE_MAG_FILTER, GL.GL_LINEAR)):
        GL.glTexParameteri(GL.GL_TEXTURE_2D, parameter, value)
    GL.glBindTexture(GL.GL_TEXTURE_2D, 0)
    return texture_id
