"""Scenes with many bodies: the body limit, and a recording built in arrays after the run."""
from __future__ import annotations

import numpy as np
import pytest
from pydantic import ValidationError

from bridge import limits
from bridge.transforms import compose, quat_multiply, quat_rotate
from physics.recorder import StepRecorder
from physics.world import World
from tests.helpers import make_scene


def _balls(count: int) -> list[dict]:
    return [{"name": f"b{k}", "asset": "ball", "position": [k % 40, k // 40, 0]}
            for k in range(count)]


def test_a_1024_body_scene_is_within_the_limit_and_one_more_is_refused():
    assert len(make_scene(bodies=_balls(limits.MAX_BODIES)).bodies) == 1024
    with pytest.raises(ValidationError, match="at most 1024"):
        make_scene(bodies=_balls(limits.MAX_BODIES + 1))


def test_the_recording_holds_asset_origins_as_bullet_composes_them():
    # a tumbler's centre of mass is far from its asset origin (the middle of its base)
    scene = make_scene(bodies=[
        {"name": "glass", "asset": "tumbler", "position": [0, 0, 0.3], "rotation": [20, 10, 0],
         "angular_velocity": [90, 0, 30]},
        {"name": "ball", "asset": "ball", "position": [0.5, 0, 0.2], "rotation": [0, 45, 0]}])
    world = World(scene, None)
    try:
        recorder = StepRecorder(world, ["glass", "ball"])
        for step in range(12):
            recorder.record(world, step)
            world.step()
        recorder.record(world, 12)
        recording = recorder.trajectory(world.dt)
        # PyBullet's multiplyTransforms rounds to single precision; the recorder's numpy
        # composition keeps double, so they agree to float32's 1e-7
        for name in ("glass", "ball"):
            position, quat = world.pose(name)
            assert np.abs(recording.pos[name][-1] - position).max() < 1e-6
            # a quaternion and its negative are the same turn
            assert min(np.abs(recording.quat[name][-1] - s * quat).max() for s in (1, -1)) < 1e-6
        assert recording.pos["glass"][0, 2] == pytest.approx(0.3, abs=1e-7)
    finally:
        world.close()


def test_links_free_bodies_and_static_ones_each_get_their_own_rows():
    # the cart's wheels are links of one multibody, listed before a free ball and a post:
    # the recorder reads the moving ones in its own order (bases, then links) and the post once
    wheel = {"asset": "cylinder", "params": {"radius": 0.1, "height": 0.05},
             "rotation": [90, 0, 0]}
    scene = make_scene(bodies=[
        {"name": "cart", "asset": "box", "params": {"length": 0.6, "width": 0.3, "height": 0.1},
         "position": [0, 0, 0.1], "velocity": [1, 0, 0]},
        {"name": "wheel_l", **wheel, "position": [0, 0.2, 0.1]},
        {"name": "wheel_r", **wheel, "position": [0, -0.2, 0.1]},
        {"name": "post", "asset": "box", "static": True, "position": [2, 0, 0]},
        {"name": "ball", "asset": "ball", "position": [-1, 0, 0.5],
         "angular_velocity": [0, 90, 0]}],
        joints=[{"name": f"axle_{s}", "type": "hinge", "a": f"wheel_{s}", "b": "cart",
                 "anchor": [0, y, 0.1], "axis": [0, 1, 0]} for s, y in (("l", 0.2), ("r", -0.2))])
    world = World(scene, None)
    try:
        assert [world.bodies[n].link >= 0 for n in ("wheel_l", "wheel_r")] == [True, True]
        recorder = StepRecorder(world, [b.name for b in scene.bodies])
        for step in range(6):
            recorder.record(world, step)
            world.step()
        recorder.record(world, 6)
        recording = recorder.trajectory(world.dt)
        for name in ("cart", "wheel_l", "wheel_r", "post", "ball"):
            position, quat = world.pose(name)
            velocity = world.state(name)[2]
            assert np.abs(recording.pos[name][-1] - position).max() < 1e-6, name
            assert min(np.abs(recording.quat[name][-1] - s * quat).max() for s in (1, -1)) < 1e-6
            assert np.array_equal(recording.linvel[name][-1], velocity), name
        assert recording.pos["post"].shape == (7, 3)
        assert np.ptp(recording.pos["post"], axis=0).max() == 0.0
    finally:
        world.close()


def test_numpy_quaternion_products_and_turns_agree_with_scipy_s_composition():
    rng = np.random.default_rng(3)
    quats = rng.normal(size=(2, 50, 4))
    quats /= np.linalg.norm(quats, axis=-1, keepdims=True)
    offsets = rng.normal(size=(50, 3))
    position, quat = compose(np.zeros((50, 3)), quats[0], offsets, quats[1])
    assert np.abs(quat_rotate(quats[0], offsets) - position).max() < 1e-12
    assert np.abs(quat_multiply(quats[0], quats[1]) - quat).max() < 1e-12


def test_a_static_body_is_read_once_and_one_released_moves_in_the_recording():
    from physics.simulate import simulate

    scene = make_scene(duration=0.5, bodies=[
        {"name": "shelf", "asset": "box", "static": True, "position": [0, 0, 0.5],
         "params": {"length": 0.2, "width": 0.2, "height": 0.05}},
        {"name": "post", "asset": "box", "static": True, "position": [1, 0, 0]}],
        events=[{"at": 0.2, "release": "shelf"}])
    recording = simulate(scene).recording
    assert np.ptp(recording.pos["post"], axis=0).max() == 0.0  # never moved
    shelf = recording.pos["shelf"][:, 2]
    assert np.allclose(shelf[recording.times < 0.2], 0.5)
    assert shelf[-1] < 0.5 - 0.5 * 9.81 * 0.25 ** 2  # falls once released (31 cm in 0.25 s)
