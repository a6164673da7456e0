"""Liquid surfaces worked out one frame ahead, on a background thread.

A render goes through its frames in order, and the main thread spends much of each frame
in Python and waiting on the rasterizer's readback. Meshing the next frame's liquids
meanwhile (the surface's numba kernels release the GIL) takes it off that path: the juice
example's full look rendered at 86 ms a frame with the surface meshed in line and 75 ms with
it meshed ahead (medians of 12 alternating runs on this project's 2-core machine), and at 74
and 69 ms in 6 more with the order swapped (a scene without liquid within 5% either way).
The surfaces are the same arrays either way: each is a function of its frame's particles.
"""
from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor, wait

# liquid name -> (vertices, normals, faces), as renderer.liquid_surface.surface gives them
Surfaces = dict[str, tuple]


class SurfacesAhead:
    """`get(frame)` gives `mesh(frame)`, and starts meshing frame + 1 on a background thread
    so that asking for frames in order finds each one ready. Another frame is meshed when
    asked; a failure on the thread is raised by the `get` that wanted its frame."""

    def __init__(self, mesh: Callable[[int], Surfaces], num_frames: int):
        self._mesh, self._frames = mesh, num_frames
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="liquid-ahead")
        self._next: tuple[int, Future] | None = None
        self._closed = False

    def get(self, frame: int) -> Surfaces:
        if self._closed:
            raise RuntimeError("the surfaces ahead are closed")
        pending, self._next = self._next, None
        if pending is not None and pending[0] == frame:
            surfaces = pending[1].result()
        else:
            if pending is not None:  # unwanted, and its failure is not this frame's
                wait([pending[1]])  # one meshing at a time
            surfaces = self._mesh(frame)
        if frame + 1 < self._frames:
            self._next = (frame + 1, self._pool.submit(self._mesh, frame + 1))
        return surfaces

    def close(self) -> None:
        """Drop the frame meshed ahead and stop the thread (after the meshing under way)."""
        self._closed = True
        self._next = None
        self._pool.shutdown(wait=True, cancel_futures=True)
