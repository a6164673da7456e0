"""Exact flow: warping frame t by its flow lands on the same instance in the other frame,
for a body that moves and turns, a static body and a moving camera."""
from __future__ import annotations

import numpy as np
import pytest
import tifffile
from scipy.ndimage import map_coordinates
from scipy.spatial.transform import Rotation

from bridge import shot as shotfiles
from bridge.instances import instances_for
from renderer.camera import camera_track
from renderer.flow import flow_between, poses_at
from renderer.render import render_shot
from tests.helpers import make_scene, trajectory_of

FRAMES = 4
W, H = 160, 120


@pytest.fixture(scope="module")
def shot(tmp_path_factory):
    out = tmp_path_factory.mktemp("flow")
    bodies = [{"name": "still", "asset": "block", "position": [-0.5, 0.3, 0.0],
               "params": {"length": 0.3, "width": 0.3, "height": 0.3}},
              {"name": "mover", "asset": "block", "position": [0.0, 0.0, 0.0],
               "params": {"length": 0.5, "width": 0.15, "height": 0.12}}]
    keys = [{"at": 0.0, "position": [0.3, -2.2, 1.3], "look_at": [0.0, 0.0, 0.1]},
            {"at": (FRAMES - 1) / 24, "position": [0.9, -1.9, 1.1], "look_at": [0.1, 0.1, 0.1]}]
    scene = make_scene(bodies=bodies, duration=FRAMES / 24, resolution=[W, H],
                       camera={"keyframes": keys})
    steps = np.arange(FRAMES)
    pos = np.stack([0.15 * steps, 0.05 * steps, 0.03 * steps], axis=1)
    quat = Rotation.from_euler("zx", np.stack([25.0 * steps, 6.0 * steps], 1), degrees=True)
    traj = trajectory_of(scene, {"mover": (pos, quat.as_quat())})
    instances = instances_for(scene)
    render_shot(scene, traj, instances, out, None, frozenset({"depth", "segmentation", "flow"}))
    frames = [(tifffile.imread(shotfiles.DEPTH.path(out, i)), shotfiles.read_segmentation(shotfiles.SEGMENTATION.path(out, i)))
              for i in range(FRAMES)]
    return scene, traj, instances, out, frames


def camera_of(scene):
    """The shot's keyframed camera (no automatic framing, so no points to frame)."""
    return camera_track(scene.camera, scene.resolution, np.arange(FRAMES) / scene.fps,
                        np.zeros((0, 3)))


def visible_targets(flow, depth_to, depth, depth_next):
    """Pixels of frame t whose moved point is in view and unhidden at the target frame,
    and the (row, col) each lands on."""
    v, u = np.mgrid[0:H, 0:W] + 0.5
    col = np.floor(u + flow[..., 0]).astype(int)
    row = np.floor(v + flow[..., 1]).astype(int)
    inside = (depth > 0) & (col >= 0) & (col < W) & (row >= 0) & (row < H)
    col, row = np.clip(col, 0, W - 1), np.clip(row, 0, H - 1)
    unhidden = np.abs(depth_next[row, col] - depth_to) < 0.02 * depth_to + 0.01
    return inside & unhidden, row, col


@pytest.mark.parametrize("step", [1, -1])
def test_warping_the_segmentation_by_the_flow_matches_the_other_frame(shot, step):
    scene, traj, instances, out, frames = shot
    camera = camera_of(scene)
    for frame in range(FRAMES):
        other = frame + step
        if not 0 <= other < FRAMES:
            continue
        depth, seg = frames[frame]
        depth_next, seg_next = frames[other]
        flow = np.load((shotfiles.FORWARD_FLOW if step == 1 else shotfiles.BACKWARD_FLOW).path(out, frame))
        _, depth_to = flow_between(depth, seg, camera, frame, other,
                                   poses_at(traj, instances, frame),
                                   poses_at(traj, instances, other))
        visible, row, col = visible_targets(flow, depth_to, depth, depth_next)
        ids = seg[visible]
        matches = seg_next[row, col][visible] == ids
        unmoved = seg_next[visible] == ids  # what a zero flow would give on the same pixels
        assert matches.mean() >= 0.98
        for inst in instances:  # each body on its own, not just the ground
            assert (ids == inst.id).sum() > 200
            assert matches[ids == inst.id].mean() >= 0.95, inst.name
        mover = ids == instances[1].id
        assert unmoved[mover].mean() < 0.9  # the check can tell a wrong flow


def test_flow_moves_ground_points_onto_the_same_ground_point(shot):
    scene, traj, instances, out, frames = shot
    camera = camera_of(scene)
    depth, seg = frames[1]
    depth_next, _ = frames[2]
    flow = np.load(shotfiles.FORWARD_FLOW.path(out, 1))
    _, depth_to = flow_between(depth, seg, camera, 1, 2, poses_at(traj, instances, 1),
                               poses_at(traj, instances, 2))
    v, u = np.mgrid[0:H, 0:W] + 0.5
    x, y = u + flow[..., 0] - 0.5, v + flow[..., 1] - 0.5  # to index coordinates
    ground = (seg == 0) & (depth > 0) & (x > 1) & (x < W - 2) & (y > 1) & (y < H - 2)
    sampled = map_coordinates(depth_next, [y[ground], x[ground]], order=1)
    close = np.abs(sampled - depth_to[ground]) < 0.003 * depth_to[ground]
    assert close.mean() > 0.95
    # The camera moved: unwarped, the depths would disagree.
    assert (np.abs(depth_next[ground] - depth[ground]) < 0.003 * depth[ground]).mean() < 0.5


def test_flow_is_zero_past_the_ends_and_float32(shot):
    _, _, _, out, _ = shot
    forward_last = np.load(shotfiles.FORWARD_FLOW.path(out, FRAMES - 1))
    backward_first = np.load(shotfiles.BACKWARD_FLOW.path(out, 0))
    assert forward_last.dtype == np.float32 and forward_last.shape == (H, W, 2)
    assert not forward_last.any() and not backward_first.any()
    assert np.abs(np.load(shotfiles.FORWARD_FLOW.path(out, 0))).max() > 1.0


def test_sky_moves_only_with_the_camera_rotation():
    scene = make_scene(bodies=[{"name": "a", "asset": "ball", "position": [0, 0, 0]}],
                       duration=2 / 24, resolution=[W, H], world={"ground": None},
                       camera={"keyframes": [
                           {"at": 0.0, "position": [0, 0, 1], "look_at": [0, 5, 1]},
                           {"at": 1 / 24, "position": [3, 0, 1], "look_at": [3, 5, 1]}]})
    traj = trajectory_of(scene, {})
    camera = camera_track(scene.camera, scene.resolution, np.arange(2) / 24, np.zeros((0, 3)))
    empty = np.zeros((H, W), np.float32)
    poses = poses_at(traj, instances_for(scene), 0)
    flow, _ = flow_between(empty, empty.astype(np.uint16), camera, 0, 1, poses, poses)
    np.testing.assert_allclose(flow, 0.0, atol=1e-3)  # translation alone: infinity stays put


def test_a_pixel_whose_id_has_no_pose_is_refused_not_read_past_the_poses():
    scene = make_scene(bodies=[{"name": "a", "asset": "ball", "position": [0, 0, 0]}],
                       duration=2 / 24, resolution=[W, H])
    camera = camera_track(scene.camera, scene.resolution, np.arange(2) / 24, np.zeros((0, 3)))
    poses = poses_at(trajectory_of(scene, {}), instances_for(scene), 0)
    depth = np.ones((H, W), np.float32)
    ids = np.zeros((H, W), np.uint16)
    ids[5, 5] = len(poses)  # one past the last slot
    with pytest.raises(ValueError, match="has no pose"):
        flow_between(depth, ids, camera, 0, 1, poses, poses)
