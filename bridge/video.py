"""H.264 video: a writer that puts exactly one frame at each 1/fps tick, and a probe for tests."""
from __future__ import annotations

from fractions import Fraction
from pathlib import Path
from typing import Self

import av
import numpy as np
from av.codec.context import Flags

# Fixed encoder settings, single-threaded: the same frames always give the same bytes.
X264_OPTIONS = {"preset": "veryfast", "crf": "18", "threads": "1"}


class VideoWriter:
    """Writes RGB uint8 frames [H,W,3] to an H.264 yuv420p MP4 at a whole-number frame rate."""

    def __init__(self, path: Path, width: int, height: int, fps: int):
        self._rate = Fraction(fps)
        self._container = av.open(str(path), mode="w", options={"fflags": "+bitexact"})
        self._stream = self._container.add_stream("libx264", rate=self._rate,
                                                  options=dict(X264_OPTIONS))
        self._stream.width, self._stream.height = width, height
        self._stream.pix_fmt = "yuv420p"
        self._stream.time_base = 1 / self._rate
        self._stream.codec_context.flags |= Flags.bitexact
        self._count = 0

    def write(self, rgb: np.ndarray) -> None:
        frame = av.VideoFrame.from_ndarray(np.ascontiguousarray(rgb), format="rgb24")
        frame.pts = self._count  # one tick of 1/fps per frame: exact count and duration
        frame.time_base = 1 / self._rate
        self._container.mux(self._stream.encode(frame))
        self._count += 1

    def close(self) -> None:
        self._container.mux(self._stream.encode(None))
        self._container.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def probe(path: Path) -> tuple[int, int, int, Fraction]:
    """Decoded frame count, width, height and average frame rate of a video."""
    with av.open(str(path)) as container:
        stream = container.streams.video[0]
        count = sum(1 for _ in container.decode(stream))
        return count, stream.codec_context.width, stream.codec_context.height, \
            stream.average_rate
