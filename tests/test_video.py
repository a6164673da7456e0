"""Video: exactly N frames at fps, the right size, the same bytes for the same frames; the
segmentation PNG keeps uint16 ids exactly."""
from __future__ import annotations

from fractions import Fraction

import av
import numpy as np
import pytest
from PIL import Image

from bridge import shot as shotfiles
from bridge.instances import instances_for
from bridge.video import VideoWriter, probe
from renderer.render import render_shot
from tests.helpers import make_scene, trajectory_of


@pytest.mark.parametrize("frames, fps", [(1, 24), (7, 24), (10, 30)])
def test_writer_puts_exactly_n_frames_at_fps(tmp_path, frames, fps):
    path = tmp_path / "v.mp4"
    with VideoWriter(path, 96, 64, fps) as video:
        for i in range(frames):
            video.write(np.full((64, 96, 3), 20 * i, np.uint8))
    assert probe(path) == (frames, 96, 64, Fraction(fps))
    with av.open(str(path)) as container:
        stream = container.streams.video[0]
        assert stream.codec_context.name == "h264"
        assert stream.codec_context.pix_fmt == "yuv420p"
        assert stream.duration * stream.time_base == Fraction(frames, fps)


def test_writer_is_deterministic(tmp_path):
    frames = np.random.default_rng(3).integers(0, 255, (5, 48, 64, 3), dtype=np.uint8)
    for name in ("a.mp4", "b.mp4"):
        with VideoWriter(tmp_path / name, 64, 48, 24) as video:
            for frame in frames:
                video.write(frame)
    assert (tmp_path / "a.mp4").read_bytes() == (tmp_path / "b.mp4").read_bytes()


def test_rendered_shot_has_one_video_frame_per_scene_frame(tmp_path):
    scene = make_scene(bodies=[{"name": "a", "asset": "ball", "position": [0, 0, 0]}],
                       duration=0.5, fps=24, resolution=[64, 48])
    render_shot(scene, trajectory_of(scene, {}), instances_for(scene), tmp_path, None,
                frozenset({"rgb"}))
    assert probe(tmp_path / "rgb.mp4") == (12, 64, 48, Fraction(24))
    with av.open(str(tmp_path / "rgb.mp4")) as container:
        first = next(container.decode(video=0)).to_ndarray(format="rgb24")
    assert first.std() > 5  # a lit scene, not a blank frame


def test_segmentation_png_round_trips_uint16(tmp_path):
    ids = np.array([[0, 1, 255], [256, 4097, 65535]], np.uint16)
    Image.fromarray(ids).save(tmp_path / "s.png")
    np.testing.assert_array_equal(shotfiles.read_segmentation(tmp_path / "s.png"), ids)
