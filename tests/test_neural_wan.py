"""neural.refine + neural.wan on a real tiny shot with a tiny, code-built Wan pipeline."""
from __future__ import annotations

import json
import shutil
from fractions import Fraction
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from bridge.errors import UserError
from bridge.loader import load_scene
from bridge.pipeline import run_shot
from neural import refine as rf

SCRIPT = """\
name: refine-drop
seed: 5
duration: 0.5
fps: 12
resolution: [48, 32]
bodies:
  - {name: ball, asset: tennis_ball, position: [0, 0, 0.3]}
camera: {position: [0, -1.0, 0.3], look_at: [0, 0, 0.1]}
style: {prompt: "photoreal red ball falls", negative: "cartoon blurry"}
"""
FRAMES, WIDTH, HEIGHT, FPS = 6, 48, 32, 12
FAST = {"steps": 4, "strength": 0.5, "guidance": 2.0}


@pytest.fixture(scope="module")
def coarse_shot(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("coarse")
    script = folder / "scene.yaml"
    script.write_text(SCRIPT)
    out = folder / "shot"
    run_shot(load_scene(script), out, page=False)
    return out


@pytest.fixture(scope="module")
def tiny_pipe():
    from tests.tiny_models import tiny_wan_pipeline

    return tiny_wan_pipeline()


@pytest.fixture
def shot(coarse_shot, tmp_path) -> Path:
    copy = tmp_path / "shot"
    shutil.copytree(coarse_shot, copy)
    return copy


def _decode(path: Path) -> tuple[np.ndarray, Fraction]:
    import av

    with av.open(str(path)) as container:
        stream = container.streams.video[0]
        frames = np.stack([f.to_ndarray(format="rgb24") for f in container.decode(stream)])
        return frames, stream.average_rate


def _pngs(shot: Path) -> np.ndarray:
    return np.stack([np.asarray(Image.open(p))
                     for p in sorted((shot / "refined").glob("refined_*.png"))])


def test_refine_writes_the_contract_and_leaves_the_coarse_shot(shot, tiny_pipe):
    coarse_bytes = (shot / "rgb.mp4").read_bytes()
    before = json.loads((shot / "report.json").read_text())
    out = rf.refine_shot(shot, rf.RefineOptions(**FAST), pipeline=tiny_pipe)
    assert out == shot / "refined.mp4"
    frames, rate = _decode(out)
    assert frames.shape == (FRAMES, HEIGHT, WIDTH, 3) and rate == FPS
    pngs = _pngs(shot)
    assert pngs.shape == (FRAMES, HEIGHT, WIDTH, 3)
    assert (shot / "rgb.mp4").read_bytes() == coarse_bytes
    report = json.loads((shot / "report.json").read_text())
    assert {k: v for k, v in report.items() if k != "refine"} == before
    section = report["refine"]
    assert section["model"] == "Wan-AI/Wan2.1-T2V-1.3B-Diffusers" and section["backend"] == "wan"
    assert (section["strength"], section["steps"], section["seed"], section["noise"]) == (
        0.5, 4, 5, "iid")  # seed None -> the scene's seed
    assert section["model_frames"] == 5 and section["model_size"] == [32, 48]
    assert section["num_frames"] == FRAMES and section["fps"] == FPS
    assert section["prompt"] == "photoreal red ball falls"
    assert section["timings_s"]["total_s"] > 0
    assert not [p for p in shot.iterdir() if p.name.startswith(".")]  # no temporary leftovers


def test_same_seed_gives_identical_frames_and_another_seed_differs(shot, tiny_pipe):
    rf.refine_shot(shot, rf.RefineOptions(**FAST, seed=11), pipeline=tiny_pipe)
    first = _pngs(shot)
    rf.refine_shot(shot, rf.RefineOptions(**FAST, seed=11), pipeline=tiny_pipe)
    assert np.array_equal(_pngs(shot), first)
    rf.refine_shot(shot, rf.RefineOptions(**FAST, seed=12), pipeline=tiny_pipe)
    assert not np.array_equal(_pngs(shot), first)


def test_strength_zero_returns_the_coarse_frames(shot):
    """SDEdit at t = 0 is the identity: the PNGs are the decoded coarse frames exactly, and
    refined.mp4 differs only by one more H.264 (crf 18) encode: mean |diff| < 2 of 255."""
    rf.refine_shot(shot, rf.RefineOptions(strength=0.0), pipeline=None)  # loads no model
    coarse, _ = _decode(shot / "rgb.mp4")
    assert np.array_equal(_pngs(shot), coarse)
    refined, rate = _decode(shot / "refined.mp4")
    assert rate == FPS and refined.shape == coarse.shape
    assert np.abs(refined.astype(int) - coarse.astype(int)).mean() < 2.0
    assert json.loads((shot / "report.json").read_text())["refine"]["model"] is None


def test_long_shots_run_in_cross_faded_windows():
    class Identity:
        name, default_model, frame_step, multiple, max_frames = "id", "none", 4, 16, 9

        def __init__(self):
            self.calls = []

        def refine(self, frames, prompt, negative, options):
            self.calls.append(frames.shape)
            return frames

    video = np.random.default_rng(0).integers(0, 256, (21, 30, 46, 3), dtype=np.uint8)
    backend = Identity()
    out, info = rf._run_model(backend, video, "", "", rf.RefineOptions())
    assert np.array_equal(out, video) and not info["resized"]
    assert len(info["windows"]) > 1 and all(s == (9, 32, 48, 3) for s in backend.calls)


def test_missing_weights_say_what_to_download(tmp_path, monkeypatch, shot):
    from neural.wan import DEFAULT_MODEL, load_pipeline

    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    missing = tmp_path / "no-such-model"
    with pytest.raises(UserError) as err:
        rf.refine_shot(shot, rf.RefineOptions(model=str(missing), **FAST))
    assert str(missing) in str(err.value) and "download" in str(err.value)
    assert DEFAULT_MODEL in str(err.value)
    with pytest.raises(UserError) as err:
        load_pipeline(DEFAULT_MODEL, None)
    text = str(err.value)
    assert DEFAULT_MODEL in text and f"huggingface-cli download {DEFAULT_MODEL}" in text
    assert not (shot / "refined.mp4").exists()


def test_unknown_backend_lists_the_valid_ones(shot):
    with pytest.raises(UserError, match="wan"):
        rf.refine_shot(shot, rf.RefineOptions(**FAST), backend="sora")
    with pytest.raises(UserError, match="valid backends: wan"):
        rf.get_refiner("wna")


def test_bad_options_and_unavailable_noise_are_user_errors(shot, tiny_pipe):
    with pytest.raises(UserError, match="strength"):
        rf.refine_shot(shot, rf.RefineOptions(strength=1.5))
    with pytest.raises(UserError, match="no denoising step"):
        rf.refine_shot(shot, rf.RefineOptions(strength=0.1, steps=4))
    with pytest.raises(UserError, match="--offload"):
        rf.refine_shot(shot, rf.RefineOptions(offload="disk"))
    with pytest.raises(UserError, match="not available yet for wan"):
        rf.refine_shot(shot, rf.RefineOptions(**FAST, noise="warped"), pipeline=tiny_pipe)
    assert not (shot / "refined.mp4").exists()


def test_cli_refine_reports_missing_weights_and_bad_folders(shot, tmp_path, monkeypatch,
                                                           capsys):
    from bridge.cli import main

    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    assert main(["refine", str(shot), "--model", str(tmp_path / "no-such-model")]) == 2
    assert "download" in capsys.readouterr().err
    assert main(["refine", str(tmp_path), "--strength", "0.5"]) == 2
    assert "render the shot first" in capsys.readouterr().err
    assert main(["refine", str(shot), "--strength", "1.5"]) == 2
    assert (shot / "rgb.mp4").is_file() and not (shot / "refined.mp4").exists()


def test_depth_of_field_reaches_only_the_prompt(tmp_path):
    from neural.refine import read_style

    script = tmp_path / "scene.yaml"
    script.write_text("name: x\ncamera: {depth_of_field: true}\n"
                      "style: {prompt: 'a kitchen', negative: 'cartoon'}\n")
    assert read_style(script) == ("a kitchen, shallow depth of field", "cartoon")
