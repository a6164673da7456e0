"""neural.refine + neural.wan on a real tiny shot with a tiny, code-built Wan pipeline."""
from __future__ import annotations

import json
import shutil

import numpy as np
import pytest
from PIL import Image

from bridge.errors import UserError
from neural import refine as rf
from tests.tiny_models import decode, empty_hf_cache, read_pngs

pytestmark = pytest.mark.slow  # seconds a test: left out of `make test-quick`

FRAMES, WIDTH, HEIGHT, FPS = 6, 48, 32, 12
FAST = {"steps": 4, "strength": 0.5, "guidance": 2.0}


@pytest.fixture(scope="module")
def tiny_pipe():
    from neural.testing import tiny_wan_pipeline

    return tiny_wan_pipeline()


def test_refine_writes_the_contract_and_leaves_the_coarse_shot(shot, tiny_pipe):
    coarse_bytes = (shot / "rgb.mp4").read_bytes()
    before = json.loads((shot / "report.json").read_text())
    out = rf.refine_shot(shot, rf.RefineOptions(**FAST), pipeline=tiny_pipe)
    assert out == shot / "refined.mp4"
    frames, rate = decode(out)
    assert frames.shape == (FRAMES, HEIGHT, WIDTH, 3) and rate == FPS
    pngs = read_pngs(shot)
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
    first = read_pngs(shot)
    rf.refine_shot(shot, rf.RefineOptions(**FAST, seed=11), pipeline=tiny_pipe)
    assert np.array_equal(read_pngs(shot), first)
    rf.refine_shot(shot, rf.RefineOptions(**FAST, seed=12), pipeline=tiny_pipe)
    assert not np.array_equal(read_pngs(shot), first)


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

    empty_hf_cache(monkeypatch, tmp_path)
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
    with pytest.raises(UserError, match="valid backends: cogvideox, ltx, wan, wan_vace"):
        rf.get_refiner("wna")


def test_bad_options_and_missing_flow_are_user_errors(shot, tiny_pipe):
    with pytest.raises(UserError, match="strength"):
        rf.refine_shot(shot, rf.RefineOptions(strength=1.5))
    with pytest.raises(UserError, match="no denoising step"):
        rf.refine_shot(shot, rf.RefineOptions(strength=0.1, steps=4))
    with pytest.raises(UserError, match="--offload"):
        rf.refine_shot(shot, rf.RefineOptions(offload="disk"))
    shutil.rmtree(shot / "flow")
    with pytest.raises(UserError, match=r"--noise warped needs the flow pass; render with "
                                        r"--passes \.\.\.,flow"):
        rf.refine_shot(shot, rf.RefineOptions(**FAST, noise="warped"), pipeline=tiny_pipe)
    assert not (shot / "refined.mp4").exists()


def test_cli_refine_reports_missing_weights_and_bad_folders(shot, tmp_path, monkeypatch,
                                                           capsys):
    from simshot.cli import main

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


# --- flow-warped noise through pre-noised latents ----------------------------------------


def _pipeline_draw(pipe, shape, seed: int):
    """The noise WanVideoToVideoPipeline.prepare_latents draws: randn_tensor, float32."""
    import torch
    from diffusers.utils.torch_utils import randn_tensor

    return randn_tensor(shape, generator=torch.Generator(device="cpu").manual_seed(seed),
                        device=pipe._execution_device, dtype=torch.float32)


def test_prenoised_latents_with_the_pipelines_own_noise_reproduce_its_sdedit_bitwise(
        tiny_pipe):
    import torch

    from neural.wan import encode_text, latent_shape, prenoised_latents

    frames = np.random.default_rng(0).integers(0, 256, (5, 32, 48, 3), dtype=np.uint8)
    call = {"prompt_embeds": encode_text(tiny_pipe, "a red ball", "cpu"),
            "negative_prompt_embeds": encode_text(tiny_pipe, "blurry", "cpu"),
            "height": 32, "width": 48, "num_inference_steps": 4, "strength": 0.5,
            "guidance_scale": 2.0, "output_type": "np"}
    with torch.inference_mode():
        builtin = tiny_pipe(video=[Image.fromarray(f) for f in frames],
                            generator=torch.Generator(device="cpu").manual_seed(3),
                            **call).frames[0]
        noise = _pipeline_draw(tiny_pipe, latent_shape(tiny_pipe, 5, 32, 48), 3)
        assert tuple(noise.shape) == (1, 16, 2, 4, 6)
        latents = prenoised_latents(tiny_pipe, frames, 0.5, 4, noise)
        injected = tiny_pipe(latents=latents, **call).frames[0]
    assert np.array_equal(injected, builtin)  # bitwise, not within a tolerance


def test_warped_path_given_the_pipelines_draw_equals_iid_refinement(shot, tiny_pipe,
                                                                    monkeypatch):
    """The whole --noise warped wiring (flows, embeds, pre-noising, the call) with its noise
    swapped for the pipeline's own draw gives the --noise iid frames exactly."""
    from neural import wan

    rf.refine_shot(shot, rf.RefineOptions(**FAST, seed=11), pipeline=tiny_pipe)
    iid = read_pngs(shot)
    seen = []

    def own_draw(pipe, flows, seed):
        seen.append(flows.forward.shape)
        return _pipeline_draw(pipe, wan.latent_shape(pipe, *flows.forward.shape[:3]), seed)

    monkeypatch.setattr(wan, "warped_latent_noise", own_draw)
    rf.refine_shot(shot, rf.RefineOptions(**FAST, seed=11, noise="warped"), pipeline=tiny_pipe)
    assert seen == [(5, 32, 48, 2)] and np.array_equal(read_pngs(shot), iid)


def test_warped_noise_end_to_end_is_seeded_and_differs_from_iid(shot, tiny_pipe):
    warped = rf.RefineOptions(**FAST, seed=11, noise="warped")
    out = rf.refine_shot(shot, warped, pipeline=tiny_pipe)
    frames, rate = decode(out)
    assert frames.shape == (FRAMES, HEIGHT, WIDTH, 3) and rate == FPS
    assert json.loads((shot / "report.json").read_text())["refine"]["noise"] == "warped"
    first = read_pngs(shot)
    assert first.shape == (FRAMES, HEIGHT, WIDTH, 3)
    rf.refine_shot(shot, warped, pipeline=tiny_pipe)
    assert np.array_equal(read_pngs(shot), first)
    rf.refine_shot(shot, rf.RefineOptions(**FAST, seed=11), pipeline=tiny_pipe)
    assert not np.array_equal(read_pngs(shot), first)


def test_flows_are_fitted_like_the_frames_and_sliced_per_window():
    class Recorder:
        name, default_model, frame_step, multiple, max_frames = "rec", "none", 4, 16, 9

        def __init__(self):
            self.calls = []

        def refine(self, frames, prompt, negative, options, flows=None):
            self.calls.append((frames.shape, flows))
            return frames

    video = np.zeros((21, 30, 46, 3), np.uint8)  # padded to 32x48, 21 frames kept
    forward = np.full((21, 30, 46, 2), 2.0, np.float32)
    backward = -forward
    backend = Recorder()
    rf._run_model(backend, video, "", "", rf.RefineOptions(noise="warped"),
                  rf.ShotFlows(forward, backward))
    assert len(backend.calls) > 1
    for shape, flows in backend.calls:
        assert flows.forward.shape == flows.backward.shape == (*shape[:3], 2)
        assert np.all(flows.forward == 2.0) and np.all(flows.backward == -2.0)
    # 7 frames -> 9 model frames: steps of 6/8 source frames, flows scaled by 0.75
    backend = Recorder()
    rf._run_model(backend, video[:7], "", "", rf.RefineOptions(noise="warped"),
                  rf.ShotFlows(forward[:7], None))
    (shape, flows), = backend.calls
    assert shape[0] == 9 and flows.backward is None and np.all(flows.forward == 1.5)


def test_each_camera_shot_is_refined_on_its_own():
    class Marker:
        """Adds its call number to the frames, so each output frame tells which call made it."""

        name, default_model, frame_step, multiple, max_frames = "mark", "none", 4, 16, 81

        def __init__(self):
            self.calls = 0

        def refine(self, frames, prompt, negative, options):
            self.calls += 1
            return np.clip(frames.astype(int) + self.calls, 0, 255).astype(np.uint8)

    video = np.full((23, 32, 48, 3), 100, np.uint8)
    metadata = {"shots": [{"first_frame": 0, "last_frame": 9},
                          {"first_frame": 10, "last_frame": 11},  # too short for the model
                          {"first_frame": 12, "last_frame": 22}]}
    ranges = rf.shot_ranges(metadata, 23)
    out, info = rf._run_shots(Marker(), video, "", "", rf.RefineOptions(), None, ranges)
    assert ranges == [(0, 10), (10, 12), (12, 23)] and len(out) == 23
    assert np.all(out[:10] == 101) and np.all(out[10:12] == 100) and np.all(out[12:] == 102)
    assert info["shots"][1] == {"frames": [10, 12], "kept_coarse": True}
    assert rf.shot_ranges({"shots": [{"first_frame": 0, "last_frame": 22}]}, 23) == [(0, 23)]


def test_a_saved_pipeline_loads_through_the_users_path(shot, tmp_path, monkeypatch):
    """save_pretrained, then the same from_pretrained path a real checkpoint takes."""
    import torch

    from neural.testing import tiny_wan_pipeline

    folder = tmp_path / "tiny-wan"
    tiny_wan_pipeline().save_pretrained(folder)
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    from neural.wan import load_pipeline

    loaded = load_pipeline(str(folder), torch.float32)
    assert type(loaded).__name__ == "WanVideoToVideoPipeline"
    rf.refine_shot(shot, rf.RefineOptions(model=str(folder), **FAST))
    meta = json.loads((shot / "report.json").read_text())["refine"]
    assert meta["model"] == str(folder) and (shot / "refined.mp4").is_file()


def test_strength_runs_the_steps_the_scheduler_selects(tiny_pipe):
    """Counted with callback_on_step_end; the expected count comes from the scheduler."""
    import torch
    from diffusers.pipelines.wan.pipeline_wan_video2video import retrieve_timesteps
    from PIL import Image

    from neural.wan import encode_text

    embeds = encode_text(tiny_pipe, "a ball", torch.device("cpu"))
    video = [Image.fromarray(f) for f in
             np.random.default_rng(0).integers(0, 256, (5, 32, 48, 3), dtype=np.uint8)]
    for strength, steps in ((0.5, 10), (0.3, 7), (1.0, 4)):
        timesteps, count = retrieve_timesteps(tiny_pipe.scheduler, steps, "cpu")
        expected, _ = tiny_pipe.get_timesteps(count, timesteps, strength, "cpu")
        seen = []

        def count_steps(pipe, index, timestep, kwargs, record=seen):
            record.append(float(timestep))
            return kwargs

        tiny_pipe(video=video, prompt_embeds=embeds, height=32, width=48, strength=strength,
                  num_inference_steps=steps, guidance_scale=1.0, output_type="np",
                  callback_on_step_end=count_steps)
        assert seen == [float(t) for t in expected] and len(seen) >= 1
