"""Liquid surfaces meshed a frame ahead on a background thread (renderer/liquid_ahead.py)."""
from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pytest

from renderer.liquid_ahead import SurfacesAhead
from renderer.liquid_surface import surface


class Recorder:
    """A stand-in mesher: records which frames it meshed, and on which thread."""

    def __init__(self, fail_at: int | None = None):
        self.calls: list[tuple[int, str]] = []
        self.fail_at = fail_at

    def __call__(self, frame: int) -> dict:
        self.calls.append((frame, threading.current_thread().name))
        if frame == self.fail_at:
            raise RuntimeError(f"no surface at frame {frame}")
        return {"juice": (np.full(3, frame),)}


def test_frames_asked_in_order_are_each_meshed_once_the_later_ones_on_the_thread():
    mesh = Recorder()
    ahead = SurfacesAhead(mesh, 4)
    try:
        got = [ahead.get(frame)["juice"][0][0] for frame in range(4)]
    finally:
        ahead.close()
    assert got == [0, 1, 2, 3]
    assert [frame for frame, _ in mesh.calls] == [0, 1, 2, 3]  # none past the last frame
    threads = [name for _, name in mesh.calls]
    assert threads[0] == threading.current_thread().name
    assert all(name.startswith("liquid-ahead") for name in threads[1:])


def test_a_frame_out_of_order_is_meshed_when_asked():
    mesh = Recorder()
    ahead = SurfacesAhead(mesh, 10)
    try:
        assert ahead.get(0)["juice"][0][0] == 0
        assert ahead.get(6)["juice"][0][0] == 6  # frame 1 was meshed ahead, unused
        assert ahead.get(7)["juice"][0][0] == 7
    finally:
        ahead.close()
    meshed = sorted(frame for frame, _ in mesh.calls)
    assert meshed in ([0, 1, 6, 7], [0, 1, 6, 7, 8])  # 8 may have been under way at close


def test_a_failure_on_the_thread_is_raised_by_the_get_for_its_frame():
    ahead = SurfacesAhead(Recorder(fail_at=2), 5)
    try:
        ahead.get(0)
        ahead.get(1)
        with pytest.raises(RuntimeError, match="no surface at frame 2"):
            ahead.get(2)
    finally:
        ahead.close()


def test_close_stops_meshing_ahead():
    mesh = Recorder()
    ahead = SurfacesAhead(mesh, 5)
    ahead.get(0)
    ahead.close()
    assert [frame for frame, _ in mesh.calls] in ([0], [0, 1])  # 1 may have been under way
    calls = len(mesh.calls)
    with pytest.raises(RuntimeError, match="closed"):
        ahead.get(1)
    assert len(mesh.calls) == calls  # nothing meshed after closing


def test_a_failure_of_an_unwanted_frame_is_not_raised_for_another():
    ahead = SurfacesAhead(Recorder(fail_at=1), 5)
    try:
        ahead.get(0)  # frame 1, meshed ahead, fails
        assert ahead.get(3)["juice"][0][0] == 3
    finally:
        ahead.close()


def test_a_surface_meshed_on_another_thread_is_the_same_arrays():
    """The kernels give the same bits on any thread (and any count of threads)."""
    rng = np.random.default_rng(3)
    blob = rng.normal(0.0, 0.01, (600, 3))
    spray = rng.uniform(-0.2, 0.2, (40, 3))
    centres = np.concatenate([blob, spray])
    here = surface(centres, 0.002, floor=-0.1)
    with ThreadPoolExecutor(1) as pool:
        there = pool.submit(surface, centres, 0.002, -0.1).result()
    for a, b in zip(here, there):
        assert np.array_equal(a, b)
    assert len(here[2]) > 1000


def test_a_render_that_fails_stops_the_thread_meshing_ahead(tmp_path, monkeypatch):
    from bridge.instances import instances_for
    from renderer import render
    from tests.helpers import make_scene, trajectory_of

    scene = make_scene(duration=4 / 24, resolution=[64, 48],
                       camera={"position": [0.0, -2.0, 0.6], "look_at": [0.0, 0.0, 0.1]},
                       bodies=[{"name": "cup", "asset": "block", "position": [30.0, 30.0, 0]}],
                       liquids=[{"name": "juice", "inside": "cup", "volume_ml": 100,
                                 "particle_radius": 0.02}])
    trajectory = trajectory_of(scene, {})
    trajectory.particles["juice"] = np.zeros((4, 1, 3)) + [0.0, 0.0, 0.3]
    drawn = render.render_frame

    def fails_on_frame_2(renderer, shot, lit):
        if fails_on_frame_2.calls == 2:
            raise RuntimeError("the rasterizer gave up")
        fails_on_frame_2.calls += 1
        return drawn(renderer, shot, lit)

    fails_on_frame_2.calls = 0
    monkeypatch.setattr(render, "render_frame", fails_on_frame_2)
    with pytest.raises(RuntimeError, match="gave up"):
        render.render_shot(scene, trajectory, instances_for(scene), tmp_path)
    assert not [t for t in threading.enumerate() if t.name.startswith("liquid-ahead")]
