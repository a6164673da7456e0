"""neural.wan_vace: depth-controlled SDEdit (pre-noised latents, truncated schedule) with a
tiny Wan VACE pipeline."""
from __future__ import annotations

import json

import numpy as np
import pytest

from neural import refine as rf
from tests.tiny_models import assert_missing_weights, refine_pngs, spy_steps

FRAMES, WIDTH, HEIGHT, FPS = 6, 48, 32, 12  # tests.tiny_models.SHOT_SCRIPT
FAST = {"steps": 4, "strength": 0.5, "guidance": 2.0}
BACKEND = "wan_vace"
DEFAULT = "Wan-AI/Wan2.1-VACE-1.3B-diffusers"


@pytest.fixture(scope="module")
def tiny_pipe():
    from tests.tiny_models import tiny_wan_vace_pipeline

    return tiny_wan_vace_pipeline()


def test_refine_writes_the_contract_and_leaves_the_coarse_shot(shot, tiny_pipe):
    import av

    coarse_bytes = (shot / "rgb.mp4").read_bytes()
    pngs = refine_pngs(shot, tiny_pipe, BACKEND)
    with av.open(str(shot / "refined.mp4")) as container:
        stream = container.streams.video[0]
        video = np.stack([f.to_ndarray(format="rgb24") for f in container.decode(stream)])
        rate = stream.average_rate
    assert video.shape == pngs.shape == (FRAMES, HEIGHT, WIDTH, 3) and rate == FPS
    assert (shot / "rgb.mp4").read_bytes() == coarse_bytes
    section = json.loads((shot / "report.json").read_text())["refine"]
    assert section["backend"] == BACKEND and section["model"] == DEFAULT
    assert section["control"] == "depth"
    assert (section["num_frames"], section["fps"], section["seed"]) == (FRAMES, FPS, 5)


def test_the_truncated_schedule_runs_from_the_selected_timestep(shot, tiny_pipe, monkeypatch):
    import torch

    from neural import wan_vace

    refiner = rf.get_refiner(BACKEND, pipeline=tiny_pipe)
    pipe = refiner._pipe
    frames = np.random.default_rng(0).integers(0, 256, (5, 32, 48, 3), dtype=np.uint8)
    control = rf.depth_frames(np.random.default_rng(1).uniform(0.5, 3.0, (5, 32, 48))
                              .astype(np.float32))
    seen = spy_steps(pipe, monkeypatch)  # (timestep, sigma) of every sampler step
    for strength, steps in ((0.5, 10), (0.3, 4), (1.0, 3)):
        seen.clear()
        pipe.scheduler.set_timesteps(steps)
        full_t = [float(t) for t in pipe.scheduler.timesteps]
        full_s = [float(s) for s in pipe.scheduler.sigmas]
        count = max(1, round(strength * steps))
        refiner.refine(frames, "a red ball", "", rf.RefineOptions(
            strength=strength, steps=steps, guidance=1.0, seed=3), control=control)
        assert [t for t, _ in seen] == pytest.approx(full_t[steps - count:])
        assert [s for _, s in seen] == pytest.approx(full_s[steps - count:steps])
    # the start: x = (1 - s) x0 + s n at the first kept sigma
    noise = torch.randn(wan_vace.latent_shape(pipe, 5, 32, 48),
                        generator=torch.Generator().manual_seed(3))
    from PIL import Image

    timesteps = wan_vace.sdedit_timesteps(pipe.scheduler, 0.5, 10)
    sigma = float(pipe.scheduler.sigmas[5])
    with torch.inference_mode():
        video = pipe.video_processor.preprocess_video([Image.fromarray(x) for x in frames],
                                                      height=32, width=48)
        x0 = wan_vace.normalised_latents(pipe, video)
        latents = wan_vace.prenoised_latents(pipe, frames, 10, timesteps, noise)
    torch.testing.assert_close(latents, (1 - sigma) * x0 + sigma * noise)
    with pytest.raises(ValueError, match="control"):
        refiner.refine(frames, "a red ball", "", rf.RefineOptions(**FAST, seed=1))


def test_same_seed_gives_identical_frames(shot, tiny_pipe):
    first = refine_pngs(shot, tiny_pipe, BACKEND, seed=11)
    assert np.array_equal(refine_pngs(shot, tiny_pipe, BACKEND, seed=11), first)
    assert not np.array_equal(refine_pngs(shot, tiny_pipe, BACKEND, seed=12), first)


def test_depth_frames_are_near_bright_and_sky_black():
    depth = np.array([[[1.0, 2.0, 3.0, np.inf, 0.0]]], np.float32)
    image = rf.depth_frames(depth)
    assert image.shape == (1, 1, 5, 3) and image.dtype == np.uint8
    levels = image[0, 0, :, 0]
    assert levels[0] > levels[1] > levels[2] > 0 and levels[3] == levels[4] == 0


def test_missing_weights_say_what_to_download(tmp_path, monkeypatch, shot):
    from neural.wan_vace import DEFAULT_MODEL, load_pipeline

    assert_missing_weights(shot, tmp_path, monkeypatch, BACKEND, DEFAULT_MODEL, load_pipeline)
