"""Renderer: depth, segmentation, labels, cameras and hidden instances, on hand-made
trajectories (no physics)."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import tifffile

from bridge import shot as shotfiles
from bridge.instances import instances_for
from bridge.schema import Camera, Scene
from bridge.transforms import quat_to_matrix
from renderer.camera import camera_track
from renderer.render import render_shot
from tests.helpers import IDENTITY, make_scene, project, trajectory_of


def render(scene: Scene, out: Path, poses=None, passes=frozenset({"depth", "segmentation"})):
    traj = trajectory_of(scene, poses or {})
    return render_shot(scene, traj, instances_for(scene), out, None, passes)


def far_block(name: str = "block") -> dict:
    return {"name": name, "asset": "block", "position": [30.0, 30.0, 0.0]}


def test_depth_is_the_distance_along_the_view_axis_to_the_ground_below(tmp_path):
    scene = make_scene(bodies=[far_block()], duration=1 / 24,
                       camera={"position": [0.3, -0.2, 3.0], "look_at": [0.3, -0.2, 0.0]})
    render(scene, tmp_path)
    depth = tifffile.imread(shotfiles.DEPTH.path(tmp_path, 0))
    assert depth.dtype == np.float32 and depth.shape == (48, 64)
    np.testing.assert_allclose(depth, 3.0, atol=0.01)


def test_depth_matches_ray_plane_intersection_in_a_tilted_view(tmp_path):
    scene = make_scene(bodies=[far_block()], duration=1 / 24, resolution=[96, 64],
                       camera={"position": [0.0, -4.0, 2.0], "look_at": [0.0, 0.0, 0.0],
                               "fov": 50})
    result = render(scene, tmp_path)
    depth = tifffile.imread(shotfiles.DEPTH.path(tmp_path, 0))
    cam = result.camera
    k = np.asarray(cam["intrinsics"])
    rot = quat_to_matrix(np.asarray(cam["quaternions"][0]))
    origin = np.asarray(cam["positions"][0])
    v, u = np.mgrid[0:64, 0:96] + 0.5
    rays = np.stack([(u - k[0, 2]) / k[0, 0], -(v - k[1, 2]) / k[1, 1], -np.ones_like(u)], -1)
    along = rays @ rot.T  # world directions with unit extent along the view axis
    t = -origin[2] / along[..., 2]  # distance along the view axis to z = 0
    ground = (along[..., 2] < 0) & (t < 15)
    assert ground.sum() > 0.5 * ground.size
    assert np.abs(depth[ground] - t[ground]).max() < 0.01
    assert np.all(depth[~ground & (along[..., 2] >= 0)] == 0)  # sky: nothing hit


def test_segmentation_shows_each_instance_id_at_its_projected_centre(tmp_path):
    bodies = [{"name": "a", "asset": "block", "position": [-0.3, 0.0, 0.0],
               "params": {"length": 0.2, "width": 0.2, "height": 0.2}},
              {"name": "b", "asset": "ball", "position": [0.3, 0.1, 0.0]}]
    scene = make_scene(bodies=bodies, duration=1 / 24, resolution=[96, 64],
                       camera={"position": [0.0, -2.0, 1.2], "look_at": [0.0, 0.0, 0.1]})
    result = render(scene, tmp_path)
    seg = shotfiles.read_segmentation(shotfiles.SEGMENTATION.path(tmp_path, 0))
    assert seg.dtype == np.uint16
    for inst, centre in zip(instances_for(scene), ([-0.3, 0.0, 0.1], [0.3, 0.1, 0.1])):
        x, y = project(result.camera, 0, centre)
        assert seg[int(y), int(x)] == inst.id
    assert seg[0, 0] == 0  # the ground is background


def test_boxes_and_visibility_agree_with_the_segmentation(tmp_path):
    frames = 4
    bodies = [{"name": "a", "asset": "ball", "position": [0.0, 0.0, 0.0]},
              {"name": "b", "asset": "block", "position": [0.3, 0.0, 0.0]}]
    scene = make_scene(bodies=bodies, duration=frames / 24, resolution=[96, 64],
                       camera={"position": [0.0, -2.0, 1.0], "look_at": [0.0, 0.0, 0.1]})
    pos = np.array([[-1.5 + 0.6 * i, 0.0, 0.0] for i in range(frames)])  # enters from the left
    result = render(scene, tmp_path, {"a": (pos, np.tile(IDENTITY, (frames, 1)))})
    seen = []
    for frame in range(frames):
        seg = shotfiles.read_segmentation(shotfiles.SEGMENTATION.path(tmp_path, frame))
        for inst in instances_for(scene):
            rows, cols = np.nonzero(seg == inst.id)
            assert result.visibility[inst.name][frame] == rows.size
            box = result.bbox_2d[inst.name][frame]
            expected = None if rows.size == 0 else \
                [cols.min(), rows.min(), cols.max() + 1, rows.max() + 1]
            assert box == expected
            seen.append(box is not None)
    assert any(seen) and not all(seen)  # both cases were exercised


def test_instances_without_a_pose_are_not_drawn(tmp_path):
    frames = 3
    scene = make_scene(bodies=[{"name": "a", "asset": "block", "position": [0.0, 0.0, 0.0],
                                "params": {"height": 0.3}}],
                       duration=frames / 24,
                       camera={"position": [0.0, -2.0, 1.0], "look_at": [0.0, 0.0, 0.1]})
    pos = np.zeros((frames, 3))
    quat = np.tile(IDENTITY, (frames, 1))
    pos[1], quat[1] = np.nan, np.nan  # removed in frame 1 only
    result = render(scene, tmp_path, {"a": (pos, quat)})
    assert result.visibility["a"][0] > 0 and result.visibility["a"][2] > 0
    assert result.visibility["a"][1] == 0 and result.bbox_2d["a"][1] is None
    hidden = tifffile.imread(shotfiles.DEPTH.path(tmp_path, 1))
    shown = tifffile.imread(shotfiles.DEPTH.path(tmp_path, 0))
    assert np.all(hidden >= shown - 1e-4)  # nothing nearer than the ground where it stood
    assert np.any(hidden > shown + 0.1)


@pytest.mark.slow
def test_same_input_gives_bit_identical_depth_and_segmentation(tmp_path):
    scene = make_scene(bodies=[{"name": "a", "asset": "ball", "position": [0.0, 0.0, 0.0]}],
                       duration=2 / 24,
                       camera={"position": [0.5, -1.0, 0.6], "look_at": [0.0, 0.0, 0.1]})
    labels = frozenset({"depth", "segmentation"})
    for run, passes in (("one", labels | {"rgb"}), ("two", labels | {"rgb"}), ("ids", labels)):
        render(scene, tmp_path / run, passes=passes)
    # Rerun, and the ids-only pass (no colour) agrees with the lit pass's ids and depth.
    for frame in range(2):
        for files in (shotfiles.DEPTH, shotfiles.SEGMENTATION):
            expected = files.path(tmp_path / "one", frame).read_bytes()
            assert files.path(tmp_path / "two", frame).read_bytes() == expected
            assert files.path(tmp_path / "ids", frame).read_bytes() == expected


def test_only_the_requested_passes_are_written(tmp_path):
    scene = make_scene(bodies=[far_block()], duration=2 / 24)
    render(scene, tmp_path, passes=frozenset({"depth"}))
    assert sorted(p.name for p in tmp_path.iterdir()) == ["annotations.npz", "depth"]
    with pytest.raises(ValueError, match="unknown render passes"):
        render(scene, tmp_path, passes=frozenset({"albedo"}))


@pytest.mark.slow
def test_keyframed_camera_passes_through_its_keys_and_moves_smoothly():
    keys = [{"at": 0.5, "position": [0, -3, 1], "look_at": [0, 0, 0], "fov": 40},
            {"at": 1.5, "position": [2, -2, 1.5], "look_at": [0.5, 0, 0], "fov": 30},
            {"at": 2.5, "position": [3, 0, 1], "look_at": [0, 0, 0.5], "fov": 50}]
    times = np.linspace(0, 3, 3001)
    track = camera_track(Camera(keyframes=keys), (64, 48), times, np.zeros((0, 3)))
    for key in keys:
        i = int(np.argmin(np.abs(times - key["at"])))
        np.testing.assert_allclose(track.positions[i], key["position"], atol=1e-9)
        assert track.fov_deg[i] == pytest.approx(key["fov"])
        forward = -quat_to_matrix(track.quaternions[i])[:, 2]
        to_target = np.subtract(key["look_at"], key["position"])
        np.testing.assert_allclose(forward, to_target / np.linalg.norm(to_target), atol=1e-9)
    # clamped outside the keys
    np.testing.assert_allclose(track.positions[times < 0.5], [keys[0]["position"]] * 500)
    np.testing.assert_allclose(track.positions[times > 2.5], [keys[2]["position"]] * 500)
    # smooth: the velocity is continuous (no jump between neighbouring samples) ...
    velocity = np.diff(track.positions, axis=0) / np.diff(times)[:, None]
    assert np.abs(np.diff(velocity, axis=0)).max() < 0.05
    # ... and it never overshoots the keys (monotone between them)
    assert track.positions[:, 0].min() >= 0 and track.positions[:, 0].max() <= 3 + 1e-12
    assert track.fov_deg.min() >= 30 - 1e-9 and track.fov_deg.max() <= 50 + 1e-9


def test_keyframed_fov_gives_per_frame_intrinsics():
    keys = [{"at": 0.0, "position": [0, -3, 1], "look_at": [0, 0, 0], "fov": 40},
            {"at": 1.0, "position": [0, -3, 1], "look_at": [0, 0, 0], "fov": 20}]
    track = camera_track(Camera(keyframes=keys), (64, 48), np.array([0.0, 1.0]), np.zeros((0, 3)))
    intrinsics = np.asarray(track.metadata()["intrinsics"])
    assert intrinsics.shape == (2, 3, 3)
    assert intrinsics[0, 0, 0] == pytest.approx(24 / np.tan(np.radians(20)))
    assert intrinsics[1, 0, 0] == pytest.approx(24 / np.tan(np.radians(10)))
    assert intrinsics[0, 0, 2] == 32 and intrinsics[0, 1, 2] == 24


def test_automatic_framing_keeps_every_body_in_frame(tmp_path):
    frames = 6
    bodies = [{"name": "left", "asset": "ball", "position": [-2.0, 0.5, 0.0]},
              {"name": "right", "asset": "block", "position": [1.5, -1.0, 0.0]},
              {"name": "runner", "asset": "ball", "position": [0.0, 0.0, 0.0]}]
    scene = make_scene(bodies=bodies, duration=frames / 24, resolution=[96, 64])
    pos = np.array([[0.0, 3.0 * i / (frames - 1), 0.5 * i] for i in range(frames)])
    result = render(scene, tmp_path, {"runner": (pos, np.tile(IDENTITY, (frames, 1)))})
    for name in ("left", "right", "runner"):
        for box in result.bbox_2d[name]:
            assert box is not None
            x0, y0, x1, y1 = box
            assert x0 > 0 and y0 > 0 and x1 < 96 and y1 < 64, (name, box)
    assert len(set(map(tuple, result.camera["positions"]))) == 1  # one fixed camera
