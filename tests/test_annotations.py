"""Kubric-style labels: world normals, object coordinates, 3D boxes and image positions."""
from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
import tifffile
from PIL import Image

from bridge import shot as shotfiles
from bridge.loader import load_scene
from bridge.transforms import quat_from_euler_deg, quat_to_matrix
from simshot.pipeline import run_shot
from tests.helpers import project

SCRIPT = """\
name: labels
duration: 0.5
fps: 12
resolution: [96, 72]
bodies:
  - {name: box, asset: block, params: {length: 0.2, width: 0.1, height: 0.1}, rotation: [0, 0, 30]}
  - {name: ball, asset: tennis_ball, position: [0.3, 0, 0.25]}
camera: {position: [0.35, -0.9, 0.6], look_at: [0.1, 0, 0.05]}
"""


@pytest.fixture(scope="module")
def shot(tmp_path_factory) -> Path:
    base = tmp_path_factory.mktemp("labels")
    (base / "scene.yaml").write_text(SCRIPT)
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("SIMSHOT_CACHE_DIR", str(base / "cache"))
        run_shot(load_scene(base / "scene.yaml"), base / "shot", passes=shotfiles.ALL_PASSES, page=False)
    return base / "shot"


def _frame(shot: Path, frame: int = 0):
    meta = json.loads((shot / "metadata.json").read_text())
    ids = {i["name"]: i["id"] for i in meta["instances"]}
    seg = np.asarray(Image.open(shot / "segmentation" / f"segmentation_{frame:05d}.png"))
    return meta, ids, seg


def test_normals_are_the_faces_world_normals(shot):
    _, ids, seg = _frame(shot)
    normals = tifffile.imread(shot / "normals" / "normals_00000.tiff") / 65535 * 2 - 1
    axes = quat_to_matrix(quat_from_euler_deg((0, 0, 30)))  # columns: the box's face axes
    faces = np.concatenate([axes.T, -axes.T])
    on_box = normals[seg == ids["box"]]
    assert len(on_box) > 50
    closest = np.max(on_box @ faces.T, axis=1)  # cosine to the nearest face normal
    assert np.all(closest > np.cos(np.radians(2)))
    ground = normals[(seg == 0) & (np.abs(normals).sum(axis=-1) > 0)]
    assert np.allclose(ground, [0, 0, 1], atol=1e-3)


def test_object_coordinates_map_back_to_the_pixel(shot):
    meta, ids, seg = _frame(shot)
    coords = tifffile.imread(shot / "object_coordinates" / "object_coordinates_00000.tiff")
    rows, cols = np.nonzero(seg == ids["box"])
    low, high = np.array([-0.1, -0.05, 0.0]), np.array([0.1, 0.05, 0.1])  # origin: bottom centre
    local = low + coords[rows, cols] / 65535 * (high - low)
    world = local @ quat_to_matrix(quat_from_euler_deg((0, 0, 30))).T
    for (x, y), col, row in zip((project(meta["camera"], 0, p) for p in world), cols, rows):
        assert abs(x - (col + 0.5)) < 0.75 and abs(y - (row + 0.5)) < 0.75
    assert coords[seg == 0].max() == 0


def test_boxes_and_image_positions(shot):
    meta, _, _ = _frame(shot)
    labels = np.load(shot / "annotations.npz")
    corners = labels["boxes_3d/box"][0]
    assert corners[:, 2].min() == pytest.approx(0.0, abs=1e-6)
    assert corners[:, 2].max() == pytest.approx(0.1, abs=1e-6)
    ball = next(i for i in meta["instances"] if i["name"] == "ball")
    for frame, (x, y) in enumerate(labels["image_positions/ball"]):
        x0, y0, x1, y1 = ball["bbox_2d"][frame]
        assert x0 <= x <= x1 and y0 <= y <= y1


def test_collisions_are_located_in_the_image(shot):
    meta, _, _ = _frame(shot)
    events = json.loads((shot / "events.json").read_text())
    located = np.load(shot / "annotations.npz")["collisions_image_positions"]
    assert len(located) == len(events["collisions"]) > 0
    for (x, y), collision in zip(located, events["collisions"]):
        assert (x, y) == pytest.approx(project(meta["camera"], collision["frame"],
                                               collision["position"]), abs=1e-3)


def test_the_default_passes_leave_the_extra_labels_out(tmp_path):
    (tmp_path / "scene.yaml").write_text(SCRIPT)
    run_shot(load_scene(tmp_path / "scene.yaml"), tmp_path / "shot", page=False)
    names = {p.name for p in (tmp_path / "shot").iterdir()}
    assert "annotations.npz" in names and not names & {"normals", "object_coordinates"}


def test_boxes_and_counts_match_each_ids_pixels():
    from renderer.passes import boxes_and_counts
    rng = np.random.default_rng(3)
    seg = np.zeros((40, 60), np.uint16)
    seg[5:30, 10:50] = rng.integers(0, 6, (25, 40))
    seg[0, 59] = 9  # an id past num_ids is left out
    boxes, counts = boxes_and_counts(seg, 8)
    assert counts.tolist() == [int((seg == i).sum()) for i in range(8)]
    assert boxes[0].tolist() == [-1] * 4  # the background has no box
    for i in range(1, 8):
        rows, cols = np.nonzero(seg == i)
        expected = [cols.min(), rows.min(), cols.max() + 1, rows.max() + 1] if rows.size \
            else [-1] * 4
        assert boxes[i].tolist() == expected
