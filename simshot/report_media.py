"""Media for the shot report: small preview videos of the depth, segmentation and flow passes,
and a contact sheet of the coarse video's frames.

The passes are read by the shot folder's file names (DESIGN.md) rather than through
renderer.outputs, whose import pulls in pyrender and OpenGL: a report needs no GL.
Everything runs on the calling thread: on a two-core machine threads were measured slower
(GIL hand-offs between matplotlib and the numpy loops), and np.load is not safe to run on
two threads at once on Python 3.11 (CPython gh-106905).
"""
from __future__ import annotations

import functools
import io
import math
from collections.abc import Callable, Iterator
from pathlib import Path

import av
import numpy as np
import tifffile
from matplotlib import colormaps
from matplotlib.colors import hsv_to_rgb
from PIL import Image, ImageDraw

from bridge import shot

PREVIEW_SIDE = 256  # max side of a pass preview, in pixels
SHEET_FRAMES = 8
SHEET_COLUMNS = 4
SHEET_GAP = 2  # white pixels between frames
# Previews are made after every shot, so speed wins over size; one thread keeps bytes stable.
X264_PREVIEW = {"preset": "ultrafast", "crf": "23", "threads": "1"}
PREVIEWED = {"depth": shot.DEPTH, "segmentation": shot.SEGMENTATION, "flow": shot.FORWARD_FLOW}
# Flow of still surfaces is not exactly 0 (1e-7 px of rounding): scaling brightness to less
# than a pixel would paint that noise.
MIN_FLOW_SCALE_PX = 1.0
SCALE_SAMPLES = 24  # frames a pass's colour scale is taken from
GOLDEN = 0.618033988749895  # hue step that keeps neighbouring ids far apart on the wheel


def pass_previews(shot_dir: Path, fps: int) -> dict[str, bytes]:
    """H.264 MP4 previews of the passes present in the folder, keyed by pass name."""
    makers = {"depth": _depth_frames, "segmentation": _segmentation_frames, "flow": _flow_frames}
    return {name: _encode(makers[name](files), fps)
            for name in makers if (files := _pass_files(shot_dir, name))}


def _pass_files(shot_dir: Path, name: str) -> list[Path]:
    files = PREVIEWED[name]
    folder = shot_dir / files.folder
    return sorted(folder.glob(files.pattern)) if folder.is_dir() else []


def _small(image: np.ndarray) -> np.ndarray:
    """Nearest-neighbour downscale (exact ids stay exact), cropped to even sides for 4:2:0."""
    k = max(1, math.ceil(max(image.shape[:2]) / PREVIEW_SIDE))
    small = image[::k, ::k]
    return small[: small.shape[0] // 2 * 2, : small.shape[1] // 2 * 2]


def _encode(frames: Iterator[np.ndarray], fps: int) -> bytes:
    buffer = io.BytesIO()
    with av.open(buffer, mode="w", format="mp4") as container:
        stream = container.add_stream("libx264", rate=fps, options=dict(X264_PREVIEW))
        stream.pix_fmt = "yuv420p"
        for i, rgb in enumerate(frames):
            if i == 0:
                stream.height, stream.width = rgb.shape[:2]
            container.mux(stream.encode(av.VideoFrame.from_ndarray(rgb, format="rgb24")))
        container.mux(stream.encode(None))
    return buffer.getvalue()


def _read_sampled(files: list[Path], read: Callable[[Path], np.ndarray]
                  ) -> tuple[list[np.ndarray], Iterator[np.ndarray]]:
    """Evenly spaced frames to fix a colour scale on, then every frame in order; each file is
    read once and only the sample is held in memory (a shot may have 7,200 frames)."""
    sampled = {path: read(path) for path in files[::max(1, math.ceil(len(files) / SCALE_SAMPLES))]}
    sample = list(sampled.values())
    return sample, (sampled.pop(path) if path in sampled else read(path) for path in files)


def _depth_frames(files: list[Path]) -> Iterator[np.ndarray]:
    """Near bright, far dark; nothing hit (0 or inf) black. One scale for the whole shot."""
    # Inverse depth spends the colours on what is near, where the subject usually is.
    sample, frames = _read_sampled(files, _disparity)
    values = np.concatenate([d[::4, ::4].ravel() for d in sample])
    valid = values[values > 0]
    low, high = np.percentile(valid, (1, 99)) if valid.size else (0.0, 1.0)
    lut = _colormap("magma")
    for disparity in frames:
        shade = np.clip((disparity - low) / max(high - low, 1e-9), 0, 1)
        rgb = np.take(lut, (shade * 254).astype(np.uint8) + 1, axis=0)
        rgb[disparity <= 0] = 0
        yield rgb


def _disparity(path: Path) -> np.ndarray:
    """1 / depth of a downscaled depth file, 0 where nothing was hit (depth 0, inf or NaN)."""
    depth = _small(tifffile.imread(path))
    hit = np.isfinite(depth) & (depth > 0)
    return np.divide(1.0, depth, out=np.zeros_like(depth), where=hit)


def _segmentation_frames(files: list[Path]) -> Iterator[np.ndarray]:
    """A fixed colour per instance id, so an id keeps its colour in every shot; 0 black."""
    palette = _id_palette(2**16)
    for path in files:
        ids = _small(shot.read_segmentation(path))
        yield np.take(palette, ids, axis=0)


@functools.cache
def _id_palette(count: int) -> np.ndarray:
    """[count, 3] uint8 colours: id 0 black, others spread around the hue circle."""
    ids = np.arange(count)
    hue = (ids * GOLDEN) % 1.0
    value = np.where(ids % 2 == 0, 0.8, 1.0)  # alternate brightness for near hues
    palette = _hsv_to_rgb(hue, np.full(count, 0.75), value)
    palette[0] = 0
    return palette


def _flow_frames(files: list[Path]) -> Iterator[np.ndarray]:
    """Hue is direction, brightness is speed up to the shot's 99th percentile; still is black."""
    sample, flows = _read_sampled(files, _flow)
    speeds = np.concatenate([_speed(f)[::4, ::4].ravel() for f in sample])
    moving = speeds[speeds > MIN_FLOW_SCALE_PX]
    top = float(np.percentile(moving, 99)) if moving.size else MIN_FLOW_SCALE_PX
    # One table of every (hue, value) pair in 8 bits each: a single gather per frame.
    hue, value = np.meshgrid(np.arange(256) / 256, np.arange(256) / 255, indexing="ij")
    table = _hsv_to_rgb(hue.ravel(), np.ones(hue.size), value.ravel())
    for flow in flows:
        angle = np.arctan2(-flow[..., 1], flow[..., 0])  # image y points down
        hue_index = (angle * (128 / np.pi)).astype(np.int16).astype(np.uint16) & 255
        value_index = np.minimum(_speed(flow) * (255 / top), 255).astype(np.uint16)
        yield np.take(table, (hue_index << 8) | value_index, axis=0)


def _flow(path: Path) -> np.ndarray:
    return np.nan_to_num(_small(np.load(path)))


def _speed(flow: np.ndarray) -> np.ndarray:
    return np.hypot(flow[..., 0], flow[..., 1])


def _hsv_to_rgb(h: np.ndarray, s: np.ndarray, v: np.ndarray) -> np.ndarray:
    return (hsv_to_rgb(np.stack([h, s, v], axis=-1)) * 255 + 0.5).astype(np.uint8)


def _colormap(name: str) -> np.ndarray:
    return (colormaps[name](np.linspace(0, 1, 256))[:, :3] * 255 + 0.5).astype(np.uint8)


def contact_sheet(video: Path, sim_times: list[float]) -> bytes:
    """A PNG grid of evenly spaced frames of the video, each labelled with the simulated time
    it shows (which slow motion stretches over more video time)."""
    count = len(sim_times)
    picks = set(np.linspace(0, count - 1, min(SHEET_FRAMES, count)).round().astype(int))
    with av.open(str(video)) as container:
        tiles = [_tile(frame.to_ndarray(format="rgb24"), sim_times[i])
                 for i, frame in enumerate(container.decode(video=0)) if i in picks]
    h, w = tiles[0].shape[:2]
    rows, columns = math.ceil(len(tiles) / SHEET_COLUMNS), min(len(tiles), SHEET_COLUMNS)
    sheet = np.full((rows * (h + SHEET_GAP) - SHEET_GAP, columns * (w + SHEET_GAP) - SHEET_GAP, 3),
                    255, np.uint8)
    for n, tile in enumerate(tiles):
        row, column = divmod(n, SHEET_COLUMNS)
        top, left = row * (h + SHEET_GAP), column * (w + SHEET_GAP)
        sheet[top:top + h, left:left + w] = tile
    buffer = io.BytesIO()
    Image.fromarray(sheet).save(buffer, format="PNG", compress_level=1)
    return buffer.getvalue()


def _tile(rgb: np.ndarray, time_s: float) -> np.ndarray:
    image = Image.fromarray(rgb)
    image.thumbnail((PREVIEW_SIDE, PREVIEW_SIDE))
    draw = ImageDraw.Draw(image)
    draw.text((4, 2), f"t = {time_s:.2f} s", fill=(255, 255, 255), stroke_width=2,
              stroke_fill=(0, 0, 0))
    return np.asarray(image)

