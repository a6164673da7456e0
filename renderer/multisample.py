"""The multisampled colour target of the anti-aliased RGB pass.

Edges alias when each pixel takes one sample. A 4x multisampled colour and depth target,
resolved (averaged) into the single-sample colour buffer, smooths them. Only colour is
multisampled: depth, ids and normals come from a single-sample pass, so they still describe
the surface point at each pixel's centre and exact flow keeps its footing (an averaged id or
depth at an edge would describe no surface at all).
"""
from __future__ import annotations

from dataclasses import dataclass

from OpenGL import GL

SAMPLES = 4


@dataclass
class MultisampleTarget:
    framebuffer: int
    buffers: tuple[int, int]  # colour and depth renderbuffers
    size: tuple[int, int]

    def delete(self) -> None:
        GL.glDeleteRenderbuffers(2, list(self.buffers))
        GL.glDeleteFramebuffers(1, [self.framebuffer])


def create(width: int, height: int, samples: int = SAMPLES) -> MultisampleTarget:
    """A framebuffer with a multisampled RGBA8 colour and 24-bit depth, drawing to colour 0."""
    samples = min(samples, int(GL.glGetIntegerv(GL.GL_MAX_SAMPLES)))
    color, depth = GL.glGenRenderbuffers(2)
    framebuffer = GL.glGenFramebuffers(1)
    GL.glBindFramebuffer(GL.GL_DRAW_FRAMEBUFFER, framebuffer)
    for buffer, storage, attachment in ((color, GL.GL_RGBA8, GL.GL_COLOR_ATTACHMENT0),
                                        (depth, GL.GL_DEPTH_COMPONENT24, GL.GL_DEPTH_ATTACHMENT)):
        GL.glBindRenderbuffer(GL.GL_RENDERBUFFER, buffer)
        GL.glRenderbufferStorageMultisample(GL.GL_RENDERBUFFER, samples, storage, width, height)
        GL.glFramebufferRenderbuffer(GL.GL_DRAW_FRAMEBUFFER, attachment, GL.GL_RENDERBUFFER,
                                     buffer)
    GL.glDrawBuffers(1, [GL.GL_COLOR_ATTACHMENT0])
    status = GL.glCheckFramebufferStatus(GL.GL_DRAW_FRAMEBUFFER)
    if status != GL.GL_FRAMEBUFFER_COMPLETE:
        raise RuntimeError(f"multisampled framebuffer incomplete (status {status:#x})")
    return MultisampleTarget(framebuffer, (color, depth), (width, height))


def resolve(target: MultisampleTarget, framebuffer: int, draw_buffers: list[int]) -> None:
    """Average the samples into colour attachment 0 of `framebuffer`, whose other colour
    attachments (`draw_buffers` is its full list, restored after) are left as they are."""
    width, height = target.size
    GL.glBindFramebuffer(GL.GL_READ_FRAMEBUFFER, target.framebuffer)
    GL.glReadBuffer(GL.GL_COLOR_ATTACHMENT0)
    GL.glBindFramebuffer(GL.GL_DRAW_FRAMEBUFFER, framebuffer)
    GL.glDrawBuffers(1, [GL.GL_COLOR_ATTACHMENT0])  # a blit writes every draw buffer
    GL.glBlitFramebuffer(0, 0, width, height, 0, 0, width, height, GL.GL_COLOR_BUFFER_BIT,
                         GL.GL_NEAREST)
    GL.glDrawBuffers(len(draw_buffers), draw_buffers)
