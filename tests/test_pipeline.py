"""The stage runner: the shot-folder contract, the stage cache, atomicity and determinism."""
from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from bridge.loader import load_scene
from bridge.trajectory import Trajectory
from bridge.yamlio import load_document, save_document
from simshot.pipeline import run_shot

pytestmark = pytest.mark.slow  # seconds a test: left out of `make test-quick`

SCRIPT = """\
# yaml-language-server: $schema=scene.schema.json
name: pipeline
seed: 3
duration: 0.5
fps: 12
resolution: [64, 48]
bodies:
  - {name: ball, asset: tennis_ball, position: [0, 0, 0.4]}  # falls and bounces
  - {name: box, asset: block, position: [0.2, 0, 0]}
camera: {position: [0, -1.2, 0.5], look_at: [0.1, 0, 0.1]}
expect:
  - {contacts: ball, with: ground}
  - {visible: box, fraction: 0.9}
"""


@pytest.fixture
def script(tmp_path: Path) -> Path:
    path = tmp_path / "scene.yaml"
    path.write_text(SCRIPT)
    return path


def _render(script: Path, out: Path, **kw):
    return run_shot(load_scene(script), out, **kw)


def _edit(script: Path, change) -> None:
    doc = load_document(script)
    change(doc)
    save_document(doc, script)


def test_shot_folder_follows_the_contract(script, tmp_path):
    out = tmp_path / "shot"
    result = _render(script, out)
    frames = 6
    meta = json.loads((out / "metadata.json").read_text())
    assert meta["scene"]["num_frames"] == frames and meta["scene"]["resolution"] == [64, 48]
    assert len(meta["camera"]["positions"]) == frames
    assert np.asarray(meta["camera"]["intrinsics"]).shape == (3, 3)
    ids = {i["name"]: i["id"] for i in meta["instances"]}
    assert sorted(ids.values()) == [1, 2]
    for inst in meta["instances"]:
        assert len(inst["bbox_2d"]) == len(inst["visibility"]) == frames
        assert inst["kind"] == "rigid" and inst["parent"] is None and inst["mass"] > 0
    seg = np.asarray(Image.open(out / "segmentation" / "segmentation_00005.png"))
    assert seg.dtype == np.uint16 and set(np.unique(seg)) <= {0, *ids.values()}
    assert (seg == ids["box"]).sum() == meta["instances"][1]["visibility"][5]
    assert len(list((out / "depth").glob("depth_*.tiff"))) == frames
    assert len(list((out / "flow").glob("forward_flow_*.npy"))) == frames
    assert len(list((out / "flow").glob("backward_flow_*.npy"))) == frames
    traj = Trajectory.load(out / "trajectory.npz")
    assert traj.pos["ball"].shape == (frames, 3) and traj.quat["ball"].shape == (frames, 4)
    events = json.loads((out / "events.json").read_text())
    assert set(events) == {"collisions", "fractures", "events", "spills", "topples",
                           "joint_breaks", "deformations", "flame_outs"}
    report = json.loads((out / "report.json").read_text())
    assert report["passed"] is True and [e["passed"] for e in report["expectations"]] == [
        True, True]
    assert result.stages == {"simulate": "ran", "render": "ran"}


def test_camera_edit_rerenders_without_resimulating(script, tmp_path):
    out = tmp_path / "shot"
    _render(script, out)
    before = (out / "simulation.npz").stat()

    def move_camera(doc):
        doc["camera"]["position"][0] = 0.3

    _edit(script, move_camera)
    result = _render(script, out)
    assert result.stages == {"simulate": "cached", "render": "ran"}
    assert result.report["stages"] == result.stages
    assert (out / "simulation.npz").stat().st_ino == before.st_ino  # carried over, not rewritten


def test_slow_motion_never_resimulates_and_no_check_depends_on_the_camera(script, tmp_path):
    out = tmp_path / "shot"
    _edit(script, lambda doc: doc["expect"].append({"moves_less_than": "ball", "distance": 1}))
    first = _render(script, out)

    def slow_down(doc):
        doc["camera"] = {"shots": [{"from": 0.0, "position": [0, -1.2, 0.5],
                                    "look_at": [0.1, 0, 0.1], "slow_motion": 0.5}]}

    _edit(script, slow_down)
    result = _render(script, out)
    assert result.stages == {"simulate": "cached", "render": "ran"}
    assert json.loads((out / "metadata.json").read_text())["scene"]["num_frames"] == 12
    assert Trajectory.load(out / "trajectory.npz").num_frames == 12
    physics = [(e["check"], e["passed"], e["detail"]) for e in result.report["expectations"]
               if e["check"] != "visible"]
    assert physics == [(e["check"], e["passed"], e["detail"])
                       for e in first.report["expectations"] if e["check"] != "visible"]


def test_liquid_edit_resimulates(tmp_path):
    script = tmp_path / "scene.yaml"
    script.write_text(SCRIPT.replace("bodies:\n", "bodies:\n  - {name: cup, asset: tumbler, "
                                     "position: [-0.2, 0, 0]}\n")
                      + "liquids:\n  - {name: tea, inside: cup, volume_ml: 60}\n")
    out = tmp_path / "shot"
    _render(script, out, render=False)
    _edit(script, lambda doc: doc["liquids"][0].__setitem__("volume_ml", 80))
    assert _render(script, out, render=False).stages["simulate"] == "ran"
    _edit(script, lambda doc: doc["liquids"][0].__setitem__("color", [0.6, 0.3, 0.1]))
    assert _render(script, out, render=False).stages["simulate"] == "cached"


@pytest.mark.parametrize(("module", "reruns"), [
    ("bridge/transforms.py", {"simulate": "ran", "render": "ran"}),
    ("renderer/flow.py", {"simulate": "cached", "render": "ran"}),
    ("physics/contacts.py", {"simulate": "ran", "render": "ran"}),
])
def test_editing_a_module_a_stage_runs_reruns_that_stage(script, tmp_path, monkeypatch,
                                                         module, reruns):
    """An upgraded simshot never serves results of its old code from the cache."""
    import shutil

    from simshot import cache

    out = tmp_path / "shot"
    cache.code_digest.cache_clear()
    _render(script, out)
    copies = tmp_path / "installed"
    for package in ("bridge", "physics", "renderer"):
        shutil.copytree(cache.package_dir(package), copies / package)
    monkeypatch.setattr(cache, "package_dir", lambda package: copies / package)
    cache.code_digest.cache_clear()
    assert _render(script, out).stages == {"simulate": "cached", "render": "cached"}
    with open(copies / module, "a") as f:
        f.write("\n# an edit\n")
    cache.code_digest.cache_clear()
    assert _render(script, out).stages == reruns
    cache.code_digest.cache_clear()


def test_expectation_edit_reruns_only_the_checks(script, tmp_path):
    out = tmp_path / "shot"
    _render(script, out)

    def expect_more(doc):
        doc["expect"].append({"bounces": "ball", "at_least": 1})

    _edit(script, expect_more)
    result = _render(script, out)
    assert result.stages == {"simulate": "cached", "render": "cached"}
    assert len(result.report["expectations"]) == 3


def test_body_edit_resimulates(script, tmp_path):
    out = tmp_path / "shot"
    _render(script, out)

    def move_box(doc):
        doc["bodies"][1]["position"][0] = 0.25

    _edit(script, move_box)
    assert _render(script, out).stages == {"simulate": "ran", "render": "ran"}


def test_failed_render_leaves_the_previous_shot_untouched(script, tmp_path, monkeypatch):
    import renderer.render

    out = tmp_path / "shot"
    _render(script, out)
    listing = sorted(p.name for p in out.iterdir())

    def broken(*args, **kwargs):
        raise RuntimeError("GPU on fire")

    monkeypatch.setattr(renderer.render, "render_shot", broken)
    _edit(script, lambda doc: doc["camera"].__setitem__("fov", 30))
    with pytest.raises(RuntimeError):
        _render(script, out)
    assert sorted(p.name for p in out.iterdir()) == listing
    assert sorted(p.name for p in tmp_path.iterdir()) == ["scene.yaml", "shot"]


def test_two_runs_are_bit_identical(script, tmp_path):
    a, b = tmp_path / "a", tmp_path / "b"
    _render(script, a)
    _render(script, b)
    ta, tb = Trajectory.load(a / "trajectory.npz"), Trajectory.load(b / "trajectory.npz")
    for key in ("pos", "quat", "linvel", "angvel"):
        for name in ta.names:
            assert np.array_equal(getattr(ta, key)[name], getattr(tb, key)[name])
    for sub in ("segmentation", "depth", "flow"):
        for fa in sorted((a / sub).iterdir()):
            assert fa.read_bytes() == (b / sub / fa.name).read_bytes(), fa.name
    assert (a / "rgb.mp4").read_bytes() == (b / "rgb.mp4").read_bytes()
    assert (a / "events.json").read_text() == (b / "events.json").read_text()


def test_every_file_of_a_shot_gets_the_users_umask(script, tmp_path):
    import os

    from tests.helpers import modes_under

    umask = os.umask(0o022)
    try:
        _render(script, tmp_path / "shot")
    finally:
        os.umask(umask)
    assert (tmp_path / "shot" / "report.html").is_file()
    assert modes_under(tmp_path / "shot") == {"files": {"0o644"}, "dirs": {"0o755"}}
