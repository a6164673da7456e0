"""neural.cogvideox on a real tiny shot with a tiny, code-built CogVideoX pipeline."""
from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from neural import refine as rf
from tests.tiny_models import assert_missing_weights, assert_refined, refine_pngs

pytestmark = pytest.mark.slow  # seconds a test: left out of `make test-quick`

FRAMES, WIDTH, HEIGHT, FPS = 6, 48, 32, 12  # tests.tiny_models.SHOT_SCRIPT
FAST = {"steps": 4, "strength": 0.5, "guidance": 2.0}
BACKEND = "cogvideox"


@pytest.fixture(scope="module")
def tiny_pipe():
    from neural.testing import tiny_cogvideox_pipeline

    return tiny_cogvideox_pipeline()


def _refine(shot: Path, pipe, **options) -> np.ndarray:
    return refine_pngs(shot, pipe, BACKEND, **options)


def test_registered_with_its_constraints():
    from neural.cogvideox import CogVideoXRefiner

    refiner = rf.get_refiner(BACKEND)
    assert isinstance(refiner, CogVideoXRefiner) and refiner.name == BACKEND
    assert (refiner.frame_step, refiner.multiple, refiner.max_frames) == (8, 16, 49)
    assert refiner.default_model == "THUDM/CogVideoX-2b"


def test_refine_writes_the_contract_and_leaves_the_coarse_shot(shot, tiny_pipe):
    coarse_bytes = (shot / "rgb.mp4").read_bytes()
    pngs = _refine(shot, tiny_pipe)
    section = assert_refined(shot, pngs, coarse_bytes)
    assert section["backend"] == BACKEND and section["model"] == "THUDM/CogVideoX-2b"
    assert section["model_frames"] == 9 and section["model_size"] == [HEIGHT, WIDTH]
    assert (section["num_frames"], section["fps"], section["seed"]) == (FRAMES, FPS, 5)


def test_same_seed_gives_identical_frames_and_another_seed_differs(shot, tiny_pipe):
    first = _refine(shot, tiny_pipe, seed=11)
    assert np.array_equal(_refine(shot, tiny_pipe, seed=11), first)
    assert not np.array_equal(_refine(shot, tiny_pipe, seed=12), first)


def test_missing_weights_say_what_to_download(tmp_path, monkeypatch, shot):
    from neural.cogvideox import DEFAULT_MODEL, load_pipeline

    assert_missing_weights(shot, tmp_path, monkeypatch, BACKEND, DEFAULT_MODEL, load_pipeline)


# --- flow-warped noise through pre-noised latents ----------------------------------------


def _pipeline_draw(pipe, frames: int, height: int, width: int, seed: int):
    """The noise CogVideoXVideoToVideoPipeline.prepare_latents draws from a generator seeded
    with `seed`: its second draw, after the VAE posterior's sample ([1, C, F', H', W'])."""
    import torch
    from diffusers.utils.torch_utils import randn_tensor

    from neural.cogvideox import latent_shape

    shape = latent_shape(pipe, frames, height, width)
    generator = torch.Generator(device="cpu").manual_seed(seed)
    randn_tensor((shape[0], shape[2], shape[1], *shape[3:]), generator=generator,
                 dtype=torch.float32)
    return randn_tensor(shape, generator=generator, dtype=torch.float32)


@pytest.mark.parametrize("dpm", [False, True], ids=["ddim", "dpm"])
def test_prenoised_latents_with_the_pipelines_own_noise_reproduce_its_sdedit_bitwise(
        dpm, tiny_pipe):
    import torch

    from neural.cogvideox import prenoised_latents
    from neural.testing import tiny_cogvideox_pipeline

    pipe = tiny_cogvideox_pipeline(dpm=True) if dpm else tiny_pipe
    frames = np.random.default_rng(0).integers(0, 256, (9, 32, 48, 3), dtype=np.uint8)
    with torch.inference_mode():
        positive, negative = pipe.encode_prompt("a red ball", "blurry", max_sequence_length=16)
        call = {"prompt_embeds": positive, "negative_prompt_embeds": negative, "height": 32,
                "width": 48, "num_inference_steps": 4, "strength": 0.5,
                "guidance_scale": 2.0, "output_type": "np"}
        builtin = pipe(video=[Image.fromarray(f) for f in frames],
                       generator=torch.Generator(device="cpu").manual_seed(3),
                       **call).frames[0]
        noise = _pipeline_draw(pipe, 9, 32, 48, 3)
        assert tuple(noise.shape) == (1, 3, 4, 4, 6)  # [B, F', C, H', W']
        generator = torch.Generator(device="cpu").manual_seed(3)
        latents = prenoised_latents(pipe, frames, 0.5, 4, noise, generator, positive.dtype)
        injected = pipe(latents=latents, generator=generator, **call).frames[0]
    assert np.array_equal(injected, builtin)  # bitwise, not within a tolerance


def test_warped_path_given_the_pipelines_draw_equals_iid_refinement(shot, tiny_pipe,
                                                                    monkeypatch):
    """The whole --noise warped wiring with its noise swapped for the pipeline's own draw
    gives the --noise iid frames exactly."""
    from neural import cogvideox

    iid = _refine(shot, tiny_pipe, seed=11)
    seen = []

    def own_draw(pipe, flows, seed):
        seen.append(flows.forward.shape)
        return _pipeline_draw(pipe, *flows.forward.shape[:3], seed)

    monkeypatch.setattr(cogvideox, "warped_latent_noise", own_draw)
    assert np.array_equal(_refine(shot, tiny_pipe, seed=11, noise="warped"), iid)
    assert seen == [(9, HEIGHT, WIDTH, 2)]


def test_warped_noise_end_to_end_is_seeded_and_differs_from_iid(shot, tiny_pipe):
    from neural.cogvideox import latent_shape, warped_latent_noise

    first = _refine(shot, tiny_pipe, seed=11, noise="warped")
    assert first.shape == (FRAMES, HEIGHT, WIDTH, 3)
    assert json.loads((shot / "report.json").read_text())["refine"]["noise"] == "warped"
    assert np.array_equal(_refine(shot, tiny_pipe, seed=11, noise="warped"), first)
    assert not np.array_equal(_refine(shot, tiny_pipe, seed=11), first)
    flows = rf.ShotFlows(np.zeros((9, HEIGHT, WIDTH, 2), np.float32), None)
    noise = warped_latent_noise(tiny_pipe, flows, 0)
    assert tuple(noise.shape) == latent_shape(tiny_pipe, 9, HEIGHT, WIDTH) == (1, 3, 4, 4, 6)
